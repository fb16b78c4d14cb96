import Testing

@testable import Opossum

/// Index lists are chunked arrays: whatever their length, they must read back as the
/// plain array they stand for, and a copy taken as a snapshot must not change when
/// the list grows.
@Suite("Chunked array")
struct ChunkedArrayTests {
    /// Lengths around the first chunk's end and the later chunks' ends.
    private static let lengths = [0, 1, 2, 4095, 4096, 4097, 8191, 8192, 8193, 12_289]

    @Test("appends read back as a plain array, at every length around a chunk's end", arguments: lengths)
    func appendsReadBack(length: Int) {
        var list = ChunkedArray<UInt64>()
        var plain: [UInt64] = []
        for number in 0..<length {
            let value = UInt64(number) * 3 + 1
            list.append(value)
            plain.append(value)
        }
        #expect(list.count == plain.count)
        #expect(list.last == plain.last)
        let same = (0..<length).allSatisfy { list[$0] == plain[$0] }
        #expect(same)
        #expect(Array(list.chunks.joined()) == plain)
        #expect(list.chunks.dropLast().allSatisfy { $0.count == ChunkedArray<UInt64>.chunkSize })
        let copied = plain.withUnsafeBytes { ChunkedArray<UInt64>(copying: $0, count: length) }
        #expect(copied.count == length)
        #expect(Array(copied.chunks.joined()) == plain)
        #expect(copied.chunks.map(\.count) == list.chunks.map(\.count))
        // Every value, one before it and one past it: binary searches over both ends.
        for value in [0, 1, 2, 3, 4, UInt64(length) * 3 &- 1, UInt64(length) * 3 + 1, UInt64(length) * 3 + 5] {
            let expected = plain.firstIndex { $0 >= value } ?? length
            #expect(list.lowerBound(of: value, in: 0..<length) == expected, "\(value)")
        }
    }

    @Test("a copy is a snapshot: appending to the list, or to the copy, leaves the other as it was", arguments: lengths)
    func copiesAreSnapshots(length: Int) {
        var list = ChunkedArray<UInt64>()
        for number in 0..<length { list.append(UInt64(number)) }
        var snapshot = list
        for number in length..<(length + 5000) { list.append(UInt64(number)) }
        snapshot.append(999_999)
        #expect(snapshot.count == length + 1)
        #expect(Array(snapshot.chunks.joined()) == Array(0..<UInt64(length)) + [999_999])
        #expect(Array(list.chunks.joined()) == Array(0..<UInt64(length + 5000)))
    }

    @Test("appending the last element again adds nothing")
    func appendUnlessLast() {
        var list = ChunkedArray<UInt64>()
        for value: UInt64 in [1, 1, 2, 2, 2, 5, 1] { list.appendUnlessLast(value) }
        #expect(Array(list.chunks.joined()) == [1, 2, 5, 1])
    }
}
