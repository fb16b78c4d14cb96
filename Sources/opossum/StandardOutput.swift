import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered writer to standard output, so that `read` can stream millions of
/// lines without a system call per line.
///
/// Nothing reaches the terminal until the buffer fills or ``flush()`` is called:
/// commands flush before they return. Writes go straight to the file descriptor
/// (retried on `EINTR`, continued after short writes), bypassing stdio.
final class StandardOutput {
    /// The reader at the other end of the pipe went away (`EPIPE`), as when
    /// `opossum read | head` has what it wants; there is no point writing more.
    struct Closed: Error {}

    private var buffer: [UInt8] = []
    private let capacity: Int
    private let descriptor: Int32

    /// Creates a writer to `descriptor` that flushes every `capacity` bytes.
    init(descriptor: Int32 = STDOUT_FILENO, capacity: Int = 64 * 1024) {
        self.descriptor = descriptor
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    /// Makes writing to a closed pipe an `EPIPE` error (reported as ``Closed``)
    /// instead of a signal that kills the process before the store is closed.
    static func ignoreBrokenPipeSignal() {
        _ = signal(SIGPIPE, SIG_IGN)
    }

    /// Adds `line` and a newline to the buffer, flushing when it is full.
    func writeLine(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= capacity {
            try flush()
        }
    }

    /// Writes out everything buffered.
    func flush() throws {
        defer { buffer.removeAll(keepingCapacity: true) }
        try buffer.withUnsafeBytes { bytes in
            try Self.writeAll(bytes, to: descriptor)
        }
    }

    /// Writes `line` and a newline to standard error at once, unbuffered.
    static func writeError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { try? writeAll($0, to: STDERR_FILENO) }
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written >= 0 {
                offset += written
            } else if errno == EINTR {
                continue
            } else if errno == EPIPE {
                throw Closed()
            } else {
                let reason = String(cString: strerror(errno))
                throw CommandFailure("cannot write output: \(reason)")
            }
        }
    }
}
