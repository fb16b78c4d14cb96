/// An append-only array stored in fixed-size chunks.
///
/// Readers take copies of index lists as snapshots. With a plain `Array`, the next
/// append would copy the whole list; here it copies at most one chunk and the
/// table of chunk references, so snapshots stay cheap however long a list grows.
struct ChunkedArray<Element: Sendable>: Sendable {
    static var chunkShift: Int { 12 }
    static var chunkSize: Int { 1 << chunkShift }

    private(set) var chunks: [[Element]] = []
    private(set) var count: Int = 0

    init() {}

    /// An array of `count` elements read from `raw` (tightly packed, native layout),
    /// copied a whole chunk at a time.
    init(copying raw: UnsafeRawBufferPointer, count: Int) {
        var start = 0
        while start < count {
            let end = Swift.min(start + Self.chunkSize, count)
            let size = MemoryLayout<Element>.stride
            chunks.append(
                Array(unsafeUninitializedCapacity: end - start) { buffer, initialized in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(
                        from: UnsafeRawBufferPointer(rebasing: raw[(start * size)..<(end * size)])
                    )
                    initialized = end - start
                }
            )
            start = end
        }
        self.count = count
    }

    mutating func append(_ element: Element) {
        if count & (Self.chunkSize - 1) == 0 {
            chunks.append([])
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }

    subscript(index: Int) -> Element {
        chunks[index >> Self.chunkShift][index & (Self.chunkSize - 1)]
    }

    var last: Element? { count == 0 ? nil : self[count - 1] }
}

extension ChunkedArray where Element: Equatable {
    /// Appends `element` unless it is already the last one.
    mutating func appendUnlessLast(_ element: Element) {
        if last != element { append(element) }
    }
}

extension ChunkedArray where Element: Comparable {
    /// The index of the first element in `range` not less than `value`;
    /// `range.upperBound` if there is none. The elements must be sorted.
    func lowerBound(of value: Element, in range: Range<Int>) -> Int {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
