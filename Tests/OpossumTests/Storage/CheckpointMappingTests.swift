import Foundation
import Testing

@testable import Opossum

/// A large store's index checkpoint is decoded from a mapping whose pages are let go
/// as the decoder passes them, so that they do not sit in memory on top of the index
/// being built. Letting go must never change what is read.
@Suite("Index checkpoint mapping")
struct CheckpointMappingTests {
    /// A closed store whose checkpoint spans several of the decoder's release strides:
    /// 4,800 events of 30 tags each, 144,000 distinct tags.
    private func storeWithLargeCheckpoint(_ temp: TemporaryDirectory) async throws -> (StoreFiles, UUID) {
        let store = try await FileEventStore.create(at: temp.storePath, name: "site", options: unflushed)
        let storeId = store.identity.storeId
        for batch in 0..<48 {
            let events = (0..<100).map { number in
                let event = batch * 100 + number
                return Event(
                    type: "PartCounted",
                    data: Data(#"{"n":\#(event)}"#.utf8),
                    tags: (0..<30).map { Tag("part", "\(event)-\($0)") }
                )
            }
            try await store.append(events)
        }
        await store.close()
        let files = StoreFiles(directory: temp.storePath)
        return (files, storeId)
    }

    @Test(
        "a mapped checkpoint decodes to the same index while its pages are let go, each pass handing back every byte once, in order"
    )
    func releasingPagesChangesNothing() async throws {
        try await withTemporaryDirectory { temp in
            let (files, storeId) = try await storeWithLargeCheckpoint(temp)
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: files.checkpointPath)))
            #expect(bytes.count > 3 * IndexCheckpoint.releaseStride)
            let expected = try #require(IndexCheckpoint.decode(bytes, storeId: storeId))

            let file = try OpenFile.reading(files.checkpointPath)
            let mapping = try MappedFile(file, length: bytes.count)
            let released = ReleasedRanges()
            let decoded = try #require(
                IndexCheckpoint.decode(mapping.bytes(0..<bytes.count), storeId: storeId) { range in
                    mapping.release(range)
                    released.ranges.append(range)
                }
            )
            #expect(decoded.tags.count == 144_000)
            // Compared as booleans: a failing comparison of lists this long would take
            // the test library minutes to describe.
            let sameIndex = contents(of: decoded) == contents(of: expected)
            #expect(sameIndex)

            // The checksum's pass, then the decoding pass: each covers the body (all
            // but the final checksum) from its first byte to its last, without gaps.
            let body = bytes.count - 4
            let starts = released.ranges.indices.filter { released.ranges[$0].lowerBound == 0 }
            #expect(starts.count == 2 && starts.first == 0)
            let passes = zip(starts, starts.dropFirst() + [released.ranges.count]).map { released.ranges[$0..<$1] }
            for pass in passes {
                var next = 0
                for (number, range) in pass.enumerated() {
                    #expect(range.lowerBound == next)
                    if number < pass.count - 1 { #expect(range.count >= IndexCheckpoint.releaseStride) }
                    next = range.upperBound
                }
                #expect(next == body)
                #expect(pass.count >= 4)
            }
        }
    }

    @Test("a store opened from a large checkpoint answers as it did before it was closed")
    func storeOpensFromLargeCheckpoint() async throws {
        try await withTemporaryDirectory { temp in
            _ = try await storeWithLargeCheckpoint(temp)
            let store = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            for event in [0, 777, 4_799] {
                let read = try await store.readAll(.tags(Tag("part", "\(event)-29")))
                #expect(read.map(\.position.rawValue) == [UInt64(event + 1)])
            }
            #expect(try await store.readAll(.tags(Tag("part", "4800-0"))).isEmpty)
            await #expect(throws: AppendConditionError.self) {
                try await store.append(
                    Event(type: "PartCounted", tags: [Tag("part", "1500-7")]),
                    condition: AppendCondition(failIfEventsMatch: try .tags(Tag("part", "1500-7")))
                )
            }
            await store.close()
        }
    }

    @Test("released pages of a mapping read back the file's bytes")
    func releasedPagesReadBack() throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let page = SystemCall.pageSize
        let path = temp.root.appendingPathComponent("pages").path
        let bytes = (0..<(5 * page + 100)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let mapping = try MappedFile(try OpenFile.reading(path), length: bytes.count)
        // Ranges that start or end inside a page, cover none, or run past the mapping.
        for range in [1..<(3 * page + 7), 0..<page, (2 * page)..<(2 * page + 10), (4 * page)..<(9 * page)] {
            mapping.release(range)
            #expect(Array(mapping.bytes(0..<bytes.count)) == bytes, "after releasing \(range)")
        }
    }
}

/// Everything an index holds, in a form that compares by value: its dictionaries'
/// order depends on each instance.
private func contents(of index: EventIndex) -> [String: [UInt64]] {
    var contents: [String: [UInt64]] = ["head": [index.head]]
    for segment in index.segments {
        contents["segment \(segment.firstPosition)"] =
            [segment.end] + segment.offsets.chunks.joined().map(UInt64.init)
    }
    for (type, positions) in index.types { contents["type \(type.text)"] = Array(positions.chunks.joined()) }
    for (tag, positions) in index.tags { contents["tag \(tag)"] = Array(positions.chunks.joined()) }
    for (storeId, positions) in index.origins { contents["origin \(storeId)"] = Array(positions.chunks.joined()) }
    return contents
}

/// What a decoder handed back, in order.
private final class ReleasedRanges {
    var ranges: [Range<Int>] = []
}
