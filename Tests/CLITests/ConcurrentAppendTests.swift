import Foundation
import Testing

/// Separate `opossum` processes racing on one store directory.
@Suite("concurrent appends from separate processes")
struct ConcurrentAppendTests {
    /// Starts every invocation before waiting for any, so that they really run at the same time.
    static func race(_ invocations: [[String]]) async throws -> [CommandResult] {
        let running = try invocations.map { try OpossumCLI.start($0) }
        var results: [CommandResult] = []
        for command in running {
            results.append(try await command.result())
        }
        return results
    }

    @Test func onlyOneOfEightClaimsOfTheSameUsernameCommits() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            let condition = #"{"failIfEventsMatch":{"items":[{"tags":["username:alice"]}]}}"#
            let claim = store.arguments([
                "append", "--type", "UsernameClaimed", "--tag", "username:alice", "--condition", condition,
            ])
            let results = try await Self.race(Array(repeating: claim, count: 8))
            #expect(results.filter { $0.exitCode == 0 }.count == 1, "\(results)")
            #expect(results.filter { $0.exitCode == 3 }.count == 7, "\(results)")
            for result in results where result.exitCode == 3 {
                #expect(result.stderrLines.count == 1)
                #expect(result.stderr.hasPrefix("opossum: "))
                #expect(result.stdout.isEmpty)
            }
            #expect(results.first { $0.exitCode == 0 }?.stdout == "{\"position\": 1}\n")
            #expect(try await store.readPositions() == [1])
        }
    }

    @Test func disjointBoundariesEachCommitOnce() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            var invocations: [[String]] = []
            for _ in 1...3 {
                for course in 1...4 {
                    let condition = #"{"failIfEventsMatch":{"items":[{"tags":["course:\#(course)"]}]}}"#
                    invocations.append(
                        store.arguments([
                            "append", "--type", "CourseDefined", "--tag", "course:\(course)", "--condition", condition,
                        ])
                    )
                }
            }
            let results = try await Self.race(invocations)
            #expect(results.filter { $0.exitCode == 0 }.count == 4, "\(results)")
            #expect(results.filter { $0.exitCode == 3 }.count == 8, "\(results)")
            let committed = results.filter { $0.exitCode == 0 }.compactMap { TestStore.appendedPosition($0.stdout) }
            #expect(committed.sorted() == [1, 2, 3, 4])

            let lines = try await store.read()
            #expect(lines.map(TestStore.position(ofLine:)) == [1, 2, 3, 4])
            let courses = try lines.map { try TestStore.object($0)["tags"] as? [String] ?? [] }
            #expect(Set(courses.flatMap { $0 }) == ["course:1", "course:2", "course:3", "course:4"])
        }
    }

    @Test func unconditionalBatchesGetDistinctDensePositions() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            let running = try (1...8).map { writer in
                let batch =
                    #"{"type":"First","tags":["writer:\#(writer)"]}"# + "\n"
                    + #"{"type":"Second","tags":["writer:\#(writer)"]}"# + "\n"
                return try OpossumCLI.start(store.arguments(["append", "--batch", "-"]), stdin: Data(batch.utf8))
            }
            var lastPositions: [UInt64] = []
            for command in running {
                let result = try await command.result()
                #expect(result.exitCode == 0, "\(result)")
                lastPositions += TestStore.appendedPosition(result.stdout).map { [$0] } ?? []
            }
            #expect(lastPositions.sorted() == [2, 4, 6, 8, 10, 12, 14, 16])

            let events = try await store.read().map { try TestStore.object($0) }
            #expect(events.map { $0["position"] as? Int } == Array(1...16))
            // Each batch is contiguous: First then Second from the same writer.
            for pair in stride(from: 0, to: events.count - 1, by: 2) {
                #expect(events[pair]["type"] as? String == "First")
                #expect(events[pair + 1]["type"] as? String == "Second")
                #expect(events[pair]["tags"] as? [String] == events[pair + 1]["tags"] as? [String])
            }
            let writers = Set(events.compactMap { ($0["tags"] as? [String])?.first })
            #expect(writers.count == 8)
        }
    }
}
