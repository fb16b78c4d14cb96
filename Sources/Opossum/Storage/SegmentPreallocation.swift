/// Zeros written ahead of a segment's last line, so that a durable commit overwrites
/// space the file already has instead of growing it.
///
/// A flush of a file that grew must also commit its new size to the file system's
/// journal; a flush of bytes written over existing ones carries the data alone, which
/// this disk does about 1.5 times as often per second (see `docs/benchmarks.md`). So
/// the writer keeps a stretch of written zeros (not `fallocate`d space, whose first
/// write is itself a change to the journal) past the committed end, extending it a
/// step at a time.
///
/// A zero byte never starts a line (lines start with `{`), so everything past the
/// committed end that is zero is free space: readers stop there, recovery keeps it,
/// and a clean close cuts it away, leaving the segment as it would be without it.
struct SegmentPreallocation: Sendable {
    /// The most written ahead at a time.
    static let maximumStep: UInt64 = 1 << 20
    /// The least written ahead at a time.
    static let minimumStep: UInt64 = 4 << 10
    /// The zeros the largest step writes.
    private static let zeros = [UInt8](repeating: 0, count: Int(maximumStep))

    /// The segment the zeros were written to, by its first position.
    var segment: UInt64
    /// Where the written zeros end, as far as this writer knows.
    var end: UInt64

    /// Makes sure zeros follow `committedEnd` in `file`, the segment starting at
    /// `segment`, after a commit of `commitBytes`: once fewer than a quarter step
    /// remain, writes another step.
    ///
    /// A step is 64 commits like this one, from 4 KiB to 1 MiB: one commit in about
    /// 50 grows the file, and a store of small, rare appends keeps little free space.
    /// The zeros are flushed with the commit. Another process's writer may have
    /// written zeros or lines, or cut them at its close: the file's size is checked
    /// before anything is written, and zeros go only past it.
    ///
    /// A commit of a quarter of the largest step or more (a sync import's, a large
    /// batch's) writes no zeros: the journal's share of its flush is small beside its
    /// data, and zeros ahead of it would double what it copies into the page cache.
    ///
    /// - Returns: What this writer knows afterwards.
    static func ensure(
        _ known: SegmentPreallocation?,
        in file: OpenFile,
        segment: UInt64,
        after committedEnd: UInt64,
        commitBytes: Int
    ) throws(EventStoreError) -> SegmentPreallocation {
        let step = min(max(UInt64(commitBytes) * 64, minimumStep), maximumStep)
        if let known, known.segment == segment, known.end >= committedEnd + step / 4 { return known }
        if UInt64(commitBytes) >= maximumStep / 4 {
            let end = known.flatMap { $0.segment == segment ? max($0.end, committedEnd) : nil } ?? committedEnd
            return SegmentPreallocation(segment: segment, end: end)
        }
        let size = try file.size()
        guard size < committedEnd + step / 4 else { return SegmentPreallocation(segment: segment, end: size) }
        let from = max(size, committedEnd)
        try zeros.withUnsafeBytes { bytes in
            Result { () throws(EventStoreError) in
                try file.write(UnsafeRawBufferPointer(rebasing: bytes[..<Int(step)]), at: from)
            }
        }.get()
        return SegmentPreallocation(segment: segment, end: from + step)
    }

    /// Whether nothing but free space lies in `file` from `start` on: zeros, or the
    /// end of the file.
    ///
    /// With `end`, every byte up to it is read (at open, and by `check`: a flushed group
    /// that came back as zeros, with a later group behind it, is damage, not free
    /// space). Without, the byte at `start` decides, as no line starts with zero; this
    /// is the check before every commit and read, and costs one 1-byte read.
    static func isUnwritten(_ file: OpenFile, from start: UInt64, to end: UInt64?) throws(EventStoreError) -> Bool {
        guard let end else {
            var byte: UInt8 = 0
            let count = try withUnsafeMutableBytes(of: &byte) { buffer in
                Result { () throws(EventStoreError) -> Int in try file.read(into: buffer, at: start) }
            }.get()
            return count == 0 || byte == 0
        }
        var offset = start
        while offset < end {
            let bytes = try file.read(count: Int(min(end - offset, 64 << 10)), at: offset)
            guard !bytes.isEmpty else { return true }
            guard bytes.allSatisfy({ $0 == 0 }) else { return false }
            offset += UInt64(bytes.count)
        }
        return true
    }

    /// Cuts the zeros past `committedEnd` from `file`, if everything there is zero.
    static func trim(_ file: OpenFile, committedEnd: UInt64) throws(EventStoreError) {
        let size = try file.size()
        guard size > committedEnd, try isUnwritten(file, from: committedEnd, to: size) else { return }
        try file.truncate(to: committedEnd)
    }
}
