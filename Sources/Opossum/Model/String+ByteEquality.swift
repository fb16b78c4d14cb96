import Foundation

extension String {
    /// Whether `self` and `other` hold the same UTF-8 bytes. `String`'s own `==`
    /// applies Unicode canonical equivalence; tags, types and names are matched byte
    /// for byte.
    ///
    /// Compares the contiguous bytes of native strings directly, which is several
    /// times faster than walking both `utf8` views.
    @inline(__always)
    func hasSameBytes(as other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        let compared = utf8.withContiguousStorageIfAvailable { mine in
            other.utf8.withContiguousStorageIfAvailable { theirs in
                // `memcmp`, not `elementsEqual`, which walks two buffers a byte at a time.
                mine.isEmpty || memcmp(mine.baseAddress!, theirs.baseAddress!, mine.count) == 0
            }
        }
        if let compared, let compared { return compared }
        return utf8.elementsEqual(other.utf8)
    }
}
