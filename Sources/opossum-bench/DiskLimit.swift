import Foundation

/// Measures the disk's own limit for durable writes: 200-byte records written to one file
/// with `fdatasync`, after every record or after every group of records.
///
/// Appending to a growing file is what a log does; each flush then also commits the file's
/// new size (and, when a write reaches a new block, its allocation) to the file system's
/// journal. Overwriting a preallocated file, as SQLite's WAL does once it is reused,
/// flushes the data alone, which is cheaper: the two layouts bound what a store can reach.
struct DiskLimit: Sendable {
    /// Where the records go.
    enum Layout: Sendable {
        /// Appended to a file that grows.
        case appending
        /// Written over a file that was filled with zeros and flushed first, from its start.
        case overwriting
    }

    /// The size of one record, close to one encoded event.
    static let recordSize = 200
    /// The size of the preallocated file; writing wraps around to its start at the end.
    static let preallocatedSize = 32 << 20

    /// The file to write; it is removed afterwards.
    var path: String

    /// Writes records for `duration`, flushing after every `recordsPerFlush` of them (one
    /// `write` for the group, one `fdatasync`), and returns the records made durable per second.
    func recordsPerSecond(recordsPerFlush: Int, layout: Layout, duration: Duration) async throws -> Double {
        let path = self.path
        return try await PlainThreads.run {
            var record = [UInt8](repeating: UInt8(ascii: "x"), count: Self.recordSize)
            record[Self.recordSize - 1] = UInt8(ascii: "\n")
            let group = [[UInt8]](repeating: record, count: recordsPerFlush).flatMap { $0 }
            let file = try RecordFile(path: path)
            defer { try? FileManager.default.removeItem(atPath: path) }
            if layout == .overwriting { try file.preallocate(byteCount: Self.preallocatedSize) }
            var records = 0
            var offset = 0
            let start = ContinuousClock.now
            let deadline = start + duration
            repeat {
                if layout == .overwriting && offset + group.count > Self.preallocatedSize {
                    file.rewind()
                    offset = 0
                }
                try group.withUnsafeBytes { try file.append($0) }
                try file.synchronize()
                records += recordsPerFlush
                offset += group.count
            } while ContinuousClock.now < deadline
            return Double(records) / (ContinuousClock.now - start).seconds
        }
    }
}
