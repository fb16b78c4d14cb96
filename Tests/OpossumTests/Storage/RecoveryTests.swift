import Foundation
import Opossum
import Testing

/// Recovery on open: a torn tail is cut away (and kept), damage inside committed
/// data is reported with its file and offset, never skipped.
@Suite("Recovery")
struct RecoveryTests {
    /// A store with batch A (2 events) and batch B (3 events) committed separately;
    /// returns the segment's bytes and where B's lines start.
    private func twoBatches(in directory: String) async throws -> (bytes: [UInt8], batchB: Int) {
        let store = try await FileEventStore.create(at: directory, name: "site", options: unflushed)
        try await store.append(Array(courseEvents(1, students: 1)))
        try await store.append(Array(courseEvents(2, students: 2)))
        await store.close()
        let bytes = try StoreFiles(directory: directory).segment()
        return (bytes, StoreFiles.lineStarts(bytes)[2])
    }

    @Test("a segment cut at every byte offset of its last batch recovers to the batch before")
    func truncatedTailRecoversToPreviousBatch() async throws {
        try await withTemporaryDirectory { temp in
            let files = StoreFiles(directory: temp.storePath)
            let (bytes, batchB) = try await twoBatches(in: temp.storePath)
            for cut in batchB..<bytes.count {
                try files.writeSegment(Array(bytes[..<cut]))
                let store = try await FileEventStore.open(at: temp.storePath, options: unflushed)
                let events = try await snapshot(store)
                #expect(events.map(\.position.rawValue) == [1, 2], "cut at \(cut)")
                #expect(try files.segment().count == batchB, "cut at \(cut)")
                // The store takes appends again where batch A ended.
                #expect(try await store.append(Event(type: "Next")) == Position(3))
                await store.close()
                let report = try await FileEventStore.check(at: temp.storePath)
                #expect(report.isHealthy, "cut at \(cut): \(report.problems)")
            }
        }
    }

    @Test("a flipped byte anywhere in the last batch recovers to the batch before")
    func flippedByteInLastBatchRecoversToPreviousBatch() async throws {
        try await withTemporaryDirectory { temp in
            let files = StoreFiles(directory: temp.storePath)
            let (bytes, batchB) = try await twoBatches(in: temp.storePath)
            for offset in stride(from: batchB, to: bytes.count, by: 7) {
                var damaged = bytes
                damaged[offset] ^= 0x04
                try files.writeSegment(damaged)
                files.removeCheckpoint()
                let store = try await FileEventStore.open(at: temp.storePath, options: unflushed)
                #expect(try await snapshot(store).map(\.position.rawValue) == [1, 2], "flip at \(offset)")
                await store.close()
            }
        }
    }

    @Test("bytes cut from a torn tail are kept in Recovered/")
    func cutTailIsKept() async throws {
        try await withTemporaryDirectory { temp in
            let files = StoreFiles(directory: temp.storePath)
            let (bytes, batchB) = try await twoBatches(in: temp.storePath)
            try files.writeSegment(Array(bytes[..<(bytes.count - 10)]))
            let store = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            await store.close()
            let recovered = files.recoveredFiles()
            #expect(recovered == ["0000000001.jsonl.\(batchB).torn"])
            let kept = try Data(contentsOf: URL(fileURLWithPath: temp.storePath + "/Recovered/" + recovered[0]))
            #expect(Array(kept) == Array(bytes[batchB..<(bytes.count - 10)]))
        }
    }

    @Test("a flipped byte in the middle of a segment is reported with file and offset, not skipped")
    func midSegmentDamageIsReported() async throws {
        try await withTemporaryDirectory { temp in
            let files = StoreFiles(directory: temp.storePath)
            let (bytes, _) = try await twoBatches(in: temp.storePath)
            let secondLine = StoreFiles.lineStarts(bytes)[1]
            var damaged = bytes
            damaged[secondLine + 20] ^= 0x01
            try files.writeSegment(damaged)
            files.removeCheckpoint()
            let error = try await #require(throws: EventStoreError.self) {
                try await FileEventStore.open(at: temp.storePath, options: unflushed)
            }
            #expect(error.code == .corrupted)
            #expect(error.path == files.segmentPath())
            #expect(error.offset == UInt64(secondLine))
            #expect(error.description.contains("0000000001.jsonl at byte \(secondLine)"))
            // The damaged file is left as it was for `opossum check` and a person to look at.
            #expect(try files.segment() == damaged)

            let report = try await FileEventStore.check(at: temp.storePath)
            #expect(!report.isHealthy)
            #expect(report.problems.first?.file == "Events/0000000001.jsonl")
            #expect(report.problems.first?.offset == UInt64(secondLine))
        }
    }

    @Test("a missing segment in the middle of the log is reported, not read as the end")
    func missingSegmentIsReported() async throws {
        try await withTemporaryDirectory { temp in
            let options = FileEventStore.Options(durability: .none, segmentSize: 600)
            let store = try await FileEventStore.create(at: temp.storePath, name: "site", options: options)
            for course in 0..<12 { try await store.append(courseEvents(course, students: 1)) }
            await store.close()
            let segments = try FileManager.default.contentsOfDirectory(atPath: temp.storePath + "/Events").sorted()
            #expect(segments.count >= 3)
            try FileManager.default.removeItem(atPath: temp.storePath + "/Events/" + segments[1])
            StoreFiles(directory: temp.storePath).removeCheckpoint()
            let error = try await #require(throws: EventStoreError.self) {
                try await FileEventStore.open(at: temp.storePath, options: options)
            }
            #expect(error.code == .corrupted)
            #expect(try await !FileEventStore.check(at: temp.storePath).isHealthy)
        }
    }
}
