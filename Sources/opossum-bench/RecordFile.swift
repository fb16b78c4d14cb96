import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file that records are appended to with plain `write` and `fdatasync`: the physical
/// limit every durable store on this disk lives under.
final class RecordFile {
    private let descriptor: Int32
    private let path: String

    /// Creates (or truncates) the file at `path`.
    init(path: String) throws {
        descriptor = try Self.retryingInterrupts("open", path) { open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        self.path = path
    }

    deinit {
        close(descriptor)
    }

    /// Appends all of `bytes`, continuing after short writes.
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let remaining = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            let path = self.path
            offset += try Self.retryingInterrupts("write", path) {
                write(descriptor, remaining.baseAddress, remaining.count)
            }
        }
    }

    /// Fills the file with `byteCount` zero bytes, flushes them, and moves back to its
    /// start, so that later writes overwrite blocks that are already allocated.
    func preallocate(byteCount: Int) throws {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var written = 0
        while written < byteCount {
            let count = min(zeros.count, byteCount - written)
            try zeros.withUnsafeBytes { try append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            written += count
        }
        _ = try Self.retryingInterrupts("fsync", path) { fsync(descriptor) }
        rewind()
    }

    /// Moves back to the file's start: the next write overwrites its first bytes.
    func rewind() {
        lseek(descriptor, 0, SEEK_SET)
    }

    /// Flushes the file's data (and its size) to the device.
    func synchronize() throws {
        _ = try Self.retryingInterrupts("fdatasync", path) { fdatasync(descriptor) }
    }

    /// Runs `call` until it is not interrupted (`EINTR`), turning a failure into an error.
    private static func retryingInterrupts<Result: BinaryInteger>(
        _ name: String,
        _ path: String,
        _ call: () -> Result
    ) throws -> Result {
        while true {
            let result = call()
            if result >= 0 { return result }
            if errno == EINTR { continue }
            throw RecordFileError(message: "\(name) \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// A system call on a ``RecordFile`` failed.
struct RecordFileError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
