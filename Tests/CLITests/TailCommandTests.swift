import Foundation
import Opossum
import Testing

/// `opossum tail` and subscriptions that follow appends made by other `opossum` processes.
@Suite("tail and cross-process subscriptions")
struct TailCommandTests {
    /// Starts `count` `opossum append` processes at once, each appending a batch of
    /// `batchSize` events tagged with the writer's number.
    static func appendConcurrently(to store: TestStore, writers count: Int, batchSize: Int) async throws {
        let running = try (1...count).map { writer in
            let lines = (1...batchSize).map { #"{"type":"Ping","tags":["writer:\#(writer)","n:\#($0)"]}"# }
            return try OpossumCLI.start(
                store.arguments(["append", "--batch", "-"]),
                stdin: Data((lines.joined(separator: "\n") + "\n").utf8)
            )
        }
        for command in running {
            let result = try await command.result()
            try #require(result.exitCode == 0, "\(result)")
        }
    }

    @Test func aSubscriptionSeesEveryEventOtherProcessesAppendInOrderOnce() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            let opened = try await FileEventStore.open(at: store.path)
            let writers = 6
            let batchSize = 5
            let subscriber = Task {
                var positions: [UInt64] = []
                var writersSeen: [String] = []
                for try await event in opened.subscribe(.all) {
                    positions.append(event.position.rawValue)
                    writersSeen.append(event.event.tags.first { $0.key == "writer" }?.value ?? "?")
                    if positions.count == writers * batchSize { break }
                }
                return (positions, writersSeen)
            }
            try await Self.appendConcurrently(to: store, writers: writers, batchSize: batchSize)
            let (positions, writersSeen) = try await subscriber.value
            await opened.close()
            #expect(positions == Array(1...UInt64(writers * batchSize)))
            // Each batch arrives whole: runs of one writer's events, every writer once.
            let runs = stride(from: 0, to: writersSeen.count, by: batchSize).map {
                Set(writersSeen[$0..<$0 + batchSize])
            }
            #expect(runs.allSatisfy { $0.count == 1 })
            #expect(Set(runs.flatMap { $0 }).count == writers)
        }
    }

    @Test func tailPrintsCommittedThenLiveEventsFromOtherProcesses() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            try await store.append(type: "Ping", tags: ["n:0"])
            try await store.append(type: "Other")
            let tail = try OpossumCLI.start(
                store.arguments(["tail", "--from", "1", "--limit", "21", "--query", #"{"items":[{"types":["Ping"]}]}"#])
            )
            try await Self.appendConcurrently(to: store, writers: 4, batchSize: 5)
            let result = try await tail.result()
            try #require(result.exitCode == 0, "\(result)")
            let positions = result.stdoutLines.map(TestStore.position(ofLine:))
            #expect(positions == [1] + Array(3...22))
            #expect(result.stderr.isEmpty)
        }
    }

    @Test func tailRefusesPositionZero() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            let result = try await store.run(["tail", "--from", "0"])
            #expect(result.exitCode == 64)
            #expect(result.stderr.contains("--from"))
        }
    }
}
