/// An append-only array stored in fixed-size chunks.
///
/// Readers take copies of index lists as snapshots. With a plain `Array`, the next
/// append would copy the whole list; here it copies at most one chunk and the
/// table of chunk references, so snapshots stay cheap however long a list grows.
///
/// The first chunk is held directly, not through the table: most lists (a tag's)
/// never outgrow it, and an append or a lookup in a large index then follows one
/// reference fewer, each a likely cache miss, and a list costs one allocation.
struct ChunkedArray<Element: Sendable>: Sendable {
    static var chunkShift: Int { 12 }
    static var chunkSize: Int { 1 << chunkShift }

    /// Elements `0..<chunkSize`.
    private var first: [Element] = []
    /// The chunks after the first, each `chunkSize` elements but the last.
    private var later: [[Element]] = []
    private(set) var count: Int = 0

    init() {}

    /// An array of `count` elements read from `raw` (tightly packed, native layout),
    /// copied a whole chunk at a time.
    init(copying raw: UnsafeRawBufferPointer, count: Int) {
        var start = 0
        while start < count {
            let end = Swift.min(start + Self.chunkSize, count)
            let size = MemoryLayout<Element>.stride
            let chunk = [Element](unsafeUninitializedCapacity: end - start) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: raw[(start * size)..<(end * size)])
                )
                initialized = end - start
            }
            if start == 0 { first = chunk } else { later.append(chunk) }
            start = end
        }
        self.count = count
    }

    /// The chunks in order, each `chunkSize` elements but the last; a new array
    /// of references, for walks over a whole list (writing a checkpoint).
    var chunks: [[Element]] { count == 0 ? [] : [first] + later }

    mutating func append(_ element: Element) {
        if count < Self.chunkSize {
            first.append(element)
        } else {
            if count & (Self.chunkSize - 1) == 0 {
                later.append([])
            }
            later[later.count - 1].append(element)
        }
        count += 1
    }

    subscript(index: Int) -> Element {
        index < Self.chunkSize ? first[index] : later[(index >> Self.chunkShift) - 1][index & (Self.chunkSize - 1)]
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
