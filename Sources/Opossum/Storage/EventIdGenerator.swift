import Foundation
import Synchronization

/// Makes the random (version 4) UUIDs that identify events.
///
/// Foundation's `UUID()` opens, reads and closes `/dev/urandom` for every id, and
/// the C library's `arc4random_buf` asks the kernel (`getrandom`) on every call:
/// a system call per event on the append path. Random bytes are therefore fetched
/// for 256 ids at a time and handed out from a buffer.
enum EventIdGenerator {
    private struct Pool: ~Copyable {
        static let idsPerRefill = 256
        var bytes = [UInt8](repeating: 0, count: 16 * idsPerRefill)
        var next = 16 * idsPerRefill
    }

    private static let pool = Mutex(Pool())

    /// A new random UUID.
    static func next() -> UUID {
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &raw) { id in
            pool.withLock { pool in
                if pool.next == pool.bytes.count {
                    pool.bytes.withUnsafeMutableBytes { SystemCall.fillRandom($0) }
                    pool.next = 0
                }
                let start = pool.next
                pool.bytes.withUnsafeBytes { bytes in
                    id.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<start + 16]))
                }
                pool.next += 16
            }
            id[6] = id[6] & 0x0F | 0x40  // version 4
            id[8] = id[8] & 0x3F | 0x80  // RFC 4122 variant
        }
        return UUID(uuid: raw)
    }
}
