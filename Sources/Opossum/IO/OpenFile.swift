import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An open file descriptor with the path it was opened from, closed on deinit.
///
/// The path travels with the descriptor so every error can name the file.
package final class OpenFile: Sendable {
    /// The descriptor.
    package let fd: Int32
    /// The path the file was opened from.
    package let path: String

    /// Opens `path` with the given `open(2)` flags.
    init(path: String, flags: Int32, permissions: mode_t = 0o644) throws(EventStoreError) {
        self.fd = try SystemCall.open(path, flags, permissions: permissions)
        self.path = path
    }

    deinit {
        SystemCall.close(fd)
    }

    /// The file's current size in bytes.
    package func size() throws(EventStoreError) -> UInt64 {
        try SystemCall.fileSize(fd, path: path)
    }

    /// Reads up to `count` bytes at `offset`; fewer only at end of file.
    package func read(count: Int, at offset: UInt64) throws(EventStoreError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = try bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(EventStoreError) -> Int in try SystemCall.pread(fd, into: buffer, at: offset, path: path)
            }
        }.get()
        if got < count { bytes.removeLast(count - got) }
        return bytes
    }

    /// Reads into `buffer` at `offset`, returning how many bytes were read.
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(EventStoreError) -> Int {
        try SystemCall.pread(fd, into: buffer, at: offset, path: path)
    }

    /// Writes all of `bytes` at `offset`.
    package func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws(EventStoreError) {
        try SystemCall.pwrite(fd, bytes, at: offset, path: path)
    }

    /// Writes all of `bytes` at `offset`.
    package func write(_ bytes: [UInt8], at offset: UInt64) throws(EventStoreError) {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(EventStoreError) in try write(buffer, at: offset) }
        }.get()
    }

    /// Lets the page cache drop the bytes of `range`, which the caller has read for
    /// the last time: a file read once, such as an imported bundle, then leaves the
    /// memory to what is read again. Only advice; see ``SystemCall/adviseNotNeeded(_:_:)``.
    package func dropCachedPages(_ range: Range<UInt64>) {
        SystemCall.adviseNotNeeded(fd, range)
    }

    /// Flushes the file's data to the device.
    package func syncData() throws(EventStoreError) {
        try SystemCall.fdatasync(fd, path: path)
    }

    /// Flushes the file's data and metadata to the device.
    package func sync() throws(EventStoreError) {
        try SystemCall.fsync(fd, path: path)
    }

    /// Cuts the file to `length` bytes.
    package func truncate(to length: UInt64) throws(EventStoreError) {
        try SystemCall.ftruncate(fd, to: length, path: path)
    }

    /// Blocks until this process holds the exclusive lock on the file.
    func lockExclusive() throws(EventStoreError) {
        try SystemCall.lock(fd, LOCK_EX, path: path)
    }

    /// Releases the lock taken by ``lockExclusive()``.
    func unlock() throws(EventStoreError) {
        try SystemCall.lock(fd, LOCK_UN, path: path)
    }
}

/// Numbers the temporary files of ``OpenFile/writeAtomically(_:to:directory:durable:)``.
private let temporaryCounter = Atomic<Int>(0)

extension OpenFile {
    /// Writes `bytes` to a new file at `path` atomically: a temporary file is written
    /// and renamed over `path`. When `durable`, the file is flushed before the rename
    /// and the directory after it, so the new content survives a power cut.
    package static func writeAtomically(
        _ bytes: [UInt8],
        to path: String,
        directory: String,
        durable: Bool = true,
        permissions: UInt32 = 0o644
    ) throws(EventStoreError) {
        // Unique per process and per write: two writes of one file may overlap.
        let temporary = path + ".\(getpid()).\(temporaryCounter.add(1, ordering: .relaxed).newValue).tmp"
        do throws(EventStoreError) {
            let file = try OpenFile(
                path: temporary,
                flags: O_WRONLY | O_CREAT | O_TRUNC,
                permissions: mode_t(permissions)
            )
            try file.write(bytes, at: 0)
            if durable { try file.sync() }
            try SystemCall.rename(temporary, to: path)
        } catch {
            // A full disk must not also leave half-written temporary files behind.
            try? SystemCall.removeFile(temporary)
            throw error
        }
        if durable { try SystemCall.fsyncDirectory(directory) }
    }

    /// Reads a whole small file.
    package static func readAll(_ path: String) throws(EventStoreError) -> [UInt8] {
        let file = try OpenFile(path: path, flags: O_RDONLY)
        return try file.read(count: Int(try file.size()), at: 0)
    }

    /// Creates a new file at `path` for writing; fails if one exists.
    package static func creating(_ path: String, permissions: UInt32 = 0o644) throws(EventStoreError) -> OpenFile {
        try OpenFile(path: path, flags: O_WRONLY | O_CREAT | O_EXCL, permissions: mode_t(permissions))
    }

    /// Opens the existing file at `path` for reading.
    package static func reading(_ path: String) throws(EventStoreError) -> OpenFile {
        try OpenFile(path: path, flags: O_RDONLY)
    }
}
