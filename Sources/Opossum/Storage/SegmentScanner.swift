/// Reads a region of a segment file line by line, in large sequential reads.
struct SegmentScanner {
    /// How much is read per system call.
    static let readSize = 1 << 20

    let file: OpenFile

    /// Calls `body` with each newline-terminated line in `start..<end` (without its
    /// newline) and the line's offset, until `body` returns `false`.
    ///
    /// - Returns: The offset just past the last whole line handed to `body`; bytes
    ///   after it are an unterminated tail or were not visited.
    @discardableResult
    func forEachLine(
        from start: UInt64,
        to end: UInt64,
        _ body: (UnsafeRawBufferPointer, UInt64) throws -> Bool
    ) throws -> UInt64 {
        var buffer = [UInt8](repeating: 0, count: Self.readSize)
        var bufferStart = start  // file offset of buffer[0]
        var filled = 0  // bytes of buffer holding data
        var consumed = 0  // bytes of buffer already handed out
        var fileOffset = start  // next offset to read from the file
        while true {
            // Hand out every whole line in the buffer.
            let stop = try buffer.withUnsafeBytes { bytes -> Bool in
                while consumed < filled {
                    let region = UnsafeRawBufferPointer(rebasing: bytes[consumed..<filled])
                    guard let newline = region.firstIndex(of: 0x0A) else { return false }
                    // `region` is rebased: its indices count from `consumed`.
                    let line = UnsafeRawBufferPointer(rebasing: region[0..<newline])
                    let lineOffset = bufferStart + UInt64(consumed)
                    consumed += newline + 1
                    if try !body(line, lineOffset) { return true }
                }
                return false
            }
            if stop || fileOffset >= end { return bufferStart + UInt64(consumed) }
            // Keep the partial line, then read more behind it.
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { bytes in
                    bytes.baseAddress!.copyMemory(from: bytes.baseAddress! + consumed, byteCount: filled - consumed)
                }
                filled -= consumed
                bufferStart += UInt64(consumed)
                consumed = 0
            }
            if filled == buffer.count {
                // A line longer than the buffer: grow it.
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
            let want = min(buffer.count - filled, Int(end - fileOffset))
            let got = try buffer.withUnsafeMutableBytes { (bytes) throws(EventStoreError) -> Int in
                try file.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: bytes[filled..<(filled + want)]),
                    at: fileOffset
                )
            }
            if got == 0 { return bufferStart + UInt64(consumed) }
            filled += got
            fileOffset += UInt64(got)
        }
    }
}
