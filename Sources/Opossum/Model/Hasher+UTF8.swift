extension Hasher {
    /// Feeds the UTF-8 bytes of `text`, so hashing agrees with byte-exact equality
    /// (`String`'s own hashing follows Unicode canonical equivalence instead).
    @inline(__always)
    mutating func combineUTF8(_ text: String) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil {
            for byte in text.utf8 { combine(byte) }
        }
        combine(text.utf8.count)
    }
}
