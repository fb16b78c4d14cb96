import Foundation
import Testing

@Suite("opossum init")
struct InitCommandTests {
    @Test func initPrintsStoreIdAndNameAsOneJSONObject() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appending("store")
            let result = try await OpossumCLI.run(["init", "--store", path, "--name", "laptop"])
            #expect(result.exitCode == 0)
            #expect(result.stderr.isEmpty)
            let match = try #require(
                result.stdout.wholeMatch(
                    of: #/\{"storeId": "([0-9A-F]{8}(?:-[0-9A-F]{4}){3}-[0-9A-F]{12})", "name": "laptop"\}\n/#
                ),
                "\(result)"
            )
            #expect(FileManager.default.fileExists(atPath: path + "/store.json"))
            let status = try await TestStore(path: path).run(["status", "--json"])
            #expect(try TestStore.object(status.stdout)["storeId"] as? String == String(match.1))
        }
    }

    @Test func initEscapesTheNameInItsJSON() async throws {
        try await TemporaryDirectory.with { directory in
            let name = "Zoë's \"laptop\" \\ 🦫"
            let result = try await OpossumCLI.run(["init", "--store", directory.appending("store"), "--name", name])
            #expect(result.exitCode == 0)
            #expect(try TestStore.object(result.stdout)["name"] as? String == name)
        }
    }

    @Test func initNamesTheStoreAfterItsDirectoryByDefault() async throws {
        try await TemporaryDirectory.with { directory in
            let result = try await OpossumCLI.run(["init", "--store", directory.appending("nested/site-berlin")])
            #expect(result.exitCode == 0, "\(result)")
            #expect(try TestStore.object(result.stdout)["name"] as? String == "site-berlin")
        }
    }

    @Test func initRefusesADirectoryThatAlreadyHoldsAStore() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            let identity = try Data(contentsOf: URL(fileURLWithPath: store.path + "/store.json"))
            let result = try await OpossumCLI.run(["init", "--store", store.path])
            #expect(result.exitCode == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.hasPrefix("opossum: "))
            #expect(try Data(contentsOf: URL(fileURLWithPath: store.path + "/store.json")) == identity)
        }
    }
}
