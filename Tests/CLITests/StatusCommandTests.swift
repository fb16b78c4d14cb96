import Foundation
import Testing

@Suite("opossum status")
struct StatusCommandTests {
    @Test func statusJSONReportsIdentityHeadAndSize() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appending("store")
            let created = try await OpossumCLI.run(["init", "--store", path, "--name", "laptop"])
            let storeId = try TestStore.object(created.stdout)["storeId"] as? String
            let store = TestStore(path: path)
            try await store.append(type: "A", tags: ["course:1", "student:1"])
            try await store.append(type: "B", tags: ["course:1"])
            try await store.append(type: "B", tags: ["course:2"], data: #"{"x": 1}"#)

            let result = try await store.run(["status", "--json"])
            #expect(result.exitCode == 0)
            #expect(result.stderr.isEmpty)
            #expect(result.stdoutLines.count == 1)
            let status = try TestStore.object(result.stdout)
            #expect(
                Set(status.keys) == [
                    "storeId", "name", "directory", "formatVersion", "createdAt", "head", "eventCount",
                    "segmentCount", "segmentBytes", "typeCount", "tagCount",
                ]
            )
            #expect(status["storeId"] as? String == storeId)
            #expect(status["name"] as? String == "laptop")
            #expect(status["directory"] as? String == path)
            #expect(status["formatVersion"] as? Int == 1)
            #expect(ISO8601DateFormatter().date(from: status["createdAt"] as? String ?? "") != nil)
            #expect(status["head"] as? Int == 3)
            #expect(status["eventCount"] as? Int == 3)
            #expect(status["segmentCount"] as? Int == 1)
            #expect((status["segmentBytes"] as? Int ?? 0) > 0)
            #expect(status["typeCount"] as? Int == 2)
            #expect(status["tagCount"] as? Int == 3)
        }
    }

    @Test func statusOfAnEmptyStoreHasHeadZero() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            let status = try TestStore.object(try await store.run(["status", "--json"]).stdout)
            #expect(status["head"] as? Int == 0)
            #expect(status["eventCount"] as? Int == 0)
        }
    }

    @Test func statusTextNamesTheStoreAndItsHead() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory, name: "site")
            try await store.append(type: "A")
            try await store.append(type: "A")
            let result = try await store.run(["status"])
            #expect(result.exitCode == 0)
            #expect(result.stdoutLines.contains("name:      site"), "\(result)")
            #expect(result.stdoutLines.contains("head:      2"))
            #expect(result.stdoutLines.contains("events:    2"))
            #expect(result.stdoutLines.contains("store:     \(store.path)"))
        }
    }
}
