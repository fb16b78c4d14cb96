import Foundation
import Opossum
import Testing

/// The zeros a durable writer writes ahead of the log: free space while the store is
/// open, gone after a clean close, kept harmlessly after a crash, and never mistaken
/// for free space when they stand where committed data was.
@Suite("Zeros written ahead")
struct PreallocationTests {
    /// A durable store holding batch A (2 events) and batch B (3 events), left open.
    private func openStoreWithTwoBatches(at directory: String) async throws -> FileEventStore {
        let store = try await FileEventStore.create(at: directory, name: "site")
        try await store.append(Array(courseEvents(1, students: 1)))
        try await store.append(Array(courseEvents(2, students: 2)))
        return store
    }

    /// The segment of a durable store with the two batches as a power cut would leave
    /// it, zeros and all: read while the store is open. The store is closed after.
    private func segmentLeftByACrash(at directory: String) async throws -> [UInt8] {
        let store = try await openStoreWithTwoBatches(at: directory)
        let segment = try StoreFiles(directory: directory).segment()
        await store.close()
        return segment
    }

    /// The bytes of `segment` up to and including its last newline, and what follows.
    private func split(_ segment: [UInt8]) -> (lines: [UInt8], tail: [UInt8]) {
        let end = (segment.lastIndex(of: 0x0A) ?? -1) + 1
        return (Array(segment[..<end]), Array(segment[end...]))
    }

    @Test("while a durable store is open its segment ends in zeros, and a clean close cuts them away")
    func zerosFollowTheLogUntilClose() async throws {
        try await withTemporaryDirectory { temp in
            let files = StoreFiles(directory: temp.storePath)
            let store = try await openStoreWithTwoBatches(at: temp.storePath)
            let (lines, tail) = split(try files.segment())
            #expect(tail.count >= 4096)
            #expect(tail.allSatisfy { $0 == 0 })
            #expect(try await snapshot(store).map(\.position.rawValue) == [1, 2, 3, 4, 5])
            await store.close()
            #expect(try files.segment() == lines)
        }
    }

    @Test("a commit of a quarter MiB or more grows the segment itself, and the next small one writes zeros again")
    func largeCommitsWriteNoZeros() async throws {
        try await withTemporaryDirectory { temp in
            let files = StoreFiles(directory: temp.storePath)
            let store = try await FileEventStore.create(at: temp.storePath, name: "site")
            let payload = Data(("{\"note\":\"" + String(repeating: "x", count: 1_000) + "\"}").utf8)
            let large = (0..<300).map { _ in Event(type: "NoteTaken", data: payload, tags: [Tag("site", "1")]) }
            try await store.append(large)
            let afterLarge = split(try files.segment())
            #expect(afterLarge.lines.count > 300_000)
            #expect(afterLarge.tail.count == 0)
            try await store.append([Event(type: "NoteTaken", data: payload)])
            let afterSmall = split(try files.segment())
            #expect(afterSmall.tail.count >= 4096)
            #expect(afterSmall.tail.allSatisfy { $0 == 0 })
            await store.close()
            #expect(split(try files.segment()).tail.count == 0)
            let reopened = try await FileEventStore.open(at: temp.storePath)
            #expect(try await reopened.readAll(.all).count == 301)
            await reopened.close()
        }
    }

    @Test("a store left with zeros by a crash opens with every event, reports healthy and keeps nothing in Recovered/")
    func zerosLeftByACrashAreFreeSpace() async throws {
        try await withTemporaryDirectory { temp in
            let files = StoreFiles(directory: temp.storePath)
            try files.writeSegment(try await segmentLeftByACrash(at: temp.storePath))
            files.removeCheckpoint()

            let report = try await FileEventStore.check(at: temp.storePath)
            #expect(report.isHealthy, "\(report.problems)")
            let reopened = try await FileEventStore.open(at: temp.storePath)
            #expect(try await snapshot(reopened).map(\.position.rawValue) == [1, 2, 3, 4, 5])
            #expect(try await reopened.append(Event(type: "Next")) == Position(6))
            await reopened.close()
            #expect(files.recoveredFiles().isEmpty)
            #expect(try files.segment().last == 0x0A)
            #expect(try await FileEventStore.check(at: temp.storePath).isHealthy)
        }
    }

    @Test("an acknowledged batch that came back as zeros, with a later batch behind it, is damage, not free space")
    func zeroedCommittedDataIsReported() async throws {
        try await withTemporaryDirectory { temp in
            let files = StoreFiles(directory: temp.storePath)
            let store = try await openStoreWithTwoBatches(at: temp.storePath)
            await store.close()
            var bytes = try files.segment()
            let starts = StoreFiles.lineStarts(bytes)
            // Batch A's two lines read back as zeros; batch B is intact behind them.
            for offset in starts[0]..<starts[2] { bytes[offset] = 0 }
            try files.writeSegment(bytes)
            files.removeCheckpoint()

            await #expect(throws: EventStoreError.self) { try await FileEventStore.open(at: temp.storePath) }
            let report = try await FileEventStore.check(at: temp.storePath)
            #expect(!report.isHealthy)
            #expect(report.problems.contains { $0.offset == 0 })
        }
    }

    @Test("a torn batch in the zeros is cut away, and only its written bytes are kept in Recovered/")
    func tornBatchInTheZerosIsCut() async throws {
        try await withTemporaryDirectory { temp in
            let files = StoreFiles(directory: temp.storePath)
            let (lines, tail) = split(try await segmentLeftByACrash(at: temp.storePath))
            let starts = StoreFiles.lineStarts(lines)
            // Batch B's first line made it to the disk, the rest of the batch did not.
            let torn = Array(lines[..<starts[3]]) + [UInt8](repeating: 0, count: lines.count - starts[3]) + tail
            try files.writeSegment(torn)
            files.removeCheckpoint()

            let reopened = try await FileEventStore.open(at: temp.storePath)
            #expect(try await snapshot(reopened).map(\.position.rawValue) == [1, 2])
            await reopened.close()
            #expect(files.recoveredFiles() == ["0000000001.jsonl.\(starts[2]).torn"])
            let keptPath = temp.storePath + "/Recovered/" + files.recoveredFiles()[0]
            let kept = try Data(contentsOf: URL(fileURLWithPath: keptPath))
            #expect(Array(kept) == Array(lines[starts[2]..<starts[3]]))
        }
    }
}
