import Foundation
import Testing

@Suite("opossum read")
struct ReadCommandTests {
    /// Six events: types alternate A, B; every event has `n:<position>`, even ones also `even:yes`.
    static func makeStore(in directory: TemporaryDirectory) async throws -> TestStore {
        let store = try await TestStore.create(in: directory)
        let lines = (1...6).map { n in
            let tags = n.isMultiple(of: 2) ? #"["n:\#(n)","even:yes"]"# : #"["n:\#(n)"]"#
            return #"{"type":"\#(n.isMultiple(of: 2) ? "B" : "A")","tags":\#(tags),"data":\#(n)}"#
        }
        let result = try await store.run(["append", "--batch", "-"], stdin: Data(lines.joined(separator: "\n").utf8))
        try #require(result.exitCode == 0, "\(result)")
        return store
    }

    static let cases: [(arguments: [String], positions: [UInt64])] = [
        ([], [1, 2, 3, 4, 5, 6]),
        (["--query", "all"], [1, 2, 3, 4, 5, 6]),
        (["--query", #""all""#], [1, 2, 3, 4, 5, 6]),
        (["--query", #"{"items":[{"types":["A"]}]}"#], [1, 3, 5]),
        (["--query", #"{"items":[{"tags":["even:yes"]}]}"#], [2, 4, 6]),
        (["--query", #"{"items":[{"types":["B"],"tags":["n:4","even:yes"]}]}"#], [4]),
        (["--query", #"{"items":[{"types":["A"],"tags":["even:yes"]}]}"#], []),
        (["--query", #"{"items":[{"tags":["n:1"]},{"tags":["n:6"]}]}"#], [1, 6]),
        (["--query", #"{"items":[{"types":["Unknown"]}]}"#], []),
        (["--from", "3"], [3, 4, 5, 6]),
        (["--from", "7"], []),
        (["--backwards"], [6, 5, 4, 3, 2, 1]),
        (["--backwards", "--from", "3"], [3, 2, 1]),
        (["--limit", "2"], [1, 2]),
        (["--limit", "0"], []),
        (["--backwards", "--limit", "2"], [6, 5]),
        (["--query", #"{"items":[{"types":["A"]}]}"#, "--from", "2", "--limit", "1"], [3]),
        (["--query", #"{"items":[{"types":["A"]}]}"#, "--from", "4", "--backwards", "--limit", "5"], [3, 1]),
    ]

    @Test(arguments: cases)
    func readSelectsByQueryFromDirectionAndLimit(arguments: [String], positions: [UInt64]) async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await Self.makeStore(in: directory)
            #expect(try await store.readPositions(arguments) == positions)
        }
    }

    @Test func readPrintsOneCompleteJSONObjectPerLine() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await Self.makeStore(in: directory)
            let lines = try await store.read(["--query", #"{"items":[{"tags":["n:4"]}]}"#])
            try #require(lines.count == 1)
            let event = try TestStore.object(lines[0])
            #expect(event["position"] as? Int == 4)
            #expect(event["type"] as? String == "B")
            #expect(event["tags"] as? [String] == ["n:4", "even:yes"])
            #expect(event["data"] as? Int == 4)
            let metadata = try #require(event["metadata"] as? [String: Any])
            #expect(metadata["timestamp"] is String)
            #expect(UUID(uuidString: metadata["eventId"] as? String ?? "") != nil)
        }
    }

    @Test func readStreamsManyEvents() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            let count = 5_000
            let padding = String(repeating: "x", count: 100)
            let batch = (1...count).map { #"{"type":"Bulk","tags":["i:\#($0)"],"data":"\#(padding)"}"# }
            let appended = try await store.run(
                ["append", "--batch", "-"],
                stdin: Data(batch.joined(separator: "\n").utf8)
            )
            #expect(appended.stdout == "{\"position\": \(count)}\n", "\(appended)")
            #expect(try await store.readPositions() == Array(1...UInt64(count)))
        }
    }

    @Test func readStopsQuietlyWhenTheReaderGoesAway() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            let batch = (1...10_000).map { #"{"type":"Bulk","data":\#($0)}"# }.joined(separator: "\n")
            let appended = try await store.run(["append", "--batch", "-"], stdin: Data(batch.utf8))
            try #require(appended.exitCode == 0, "\(appended)")

            // Like `opossum read | head -1`: the reader closes the pipe after the first line.
            let process = Process()
            process.executableURL = OpossumCLI.executable
            process.arguments = store.arguments(["read"])
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let start = try output.fileHandleForReading.read(upToCount: 100) ?? Data()
            try output.fileHandleForReading.close()
            let stderr = try errors.fileHandleForReading.readToEnd() ?? Data()
            process.waitUntilExit()
            #expect(String(decoding: start, as: UTF8.self).hasPrefix(#"{"position":1,"#))
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 0)
            #expect(stderr.isEmpty, "\(String(decoding: stderr, as: UTF8.self))")
        }
    }
}
