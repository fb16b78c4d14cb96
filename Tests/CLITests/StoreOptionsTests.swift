import Foundation
import Testing

@Suite("--store and OPOSSUM_STORE")
struct StoreOptionsTests {
    @Test func storeDefaultsToTheEnvironmentVariable() async throws {
        try await TemporaryDirectory.with { directory in
            let environment = ["OPOSSUM_STORE": directory.appending("store")]
            let created = try await OpossumCLI.run(["init", "--name", "env"], environment: environment)
            #expect(created.exitCode == 0, "\(created)")
            let appended = try await OpossumCLI.run(["append", "--type", "T"], environment: environment)
            #expect(appended.stdout == "{\"position\": 1}\n")
            let read = try await OpossumCLI.run(["read"], environment: environment)
            #expect(read.stdoutLines.map(TestStore.position(ofLine:)) == [1])
            let status = try await OpossumCLI.run(["status", "--json"], environment: environment)
            #expect(try TestStore.object(status.stdout)["name"] as? String == "env")
            #expect(try await OpossumCLI.run(["check"], environment: environment).exitCode == 0)
        }
    }

    @Test func storeOptionOverridesTheEnvironmentVariable() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            let environment = ["OPOSSUM_STORE": directory.appending("elsewhere")]
            let result = try await OpossumCLI.run(
                ["append", "--store", store.path, "--type", "T"],
                environment: environment
            )
            #expect(result.exitCode == 0, "\(result)")
            #expect(try await store.readPositions() == [1])
            #expect(!FileManager.default.fileExists(atPath: directory.appending("elsewhere")))
        }
    }

    @Test(arguments: [["init"], ["append", "--type", "T"], ["read"], ["status"], ["check"]])
    func noStoreAtAllIsAClearUsageError(_ arguments: [String]) async throws {
        let result = try await OpossumCLI.run(arguments)
        #expect(result.exitCode == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.hasPrefix("opossum: no store given: pass --store DIR or set OPOSSUM_STORE"), "\(result)")
    }
}
