import Foundation

/// Makes the random (version 4) UUIDs that identify events.
///
/// Foundation's `UUID()` opens, reads and closes `/dev/urandom` for every id: three
/// system calls per event on the append path. The C library's generator is seeded
/// by the kernel once and then needs none.
enum EventIdGenerator {
    /// A new random UUID.
    static func next() -> UUID {
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &raw) { bytes in
            SystemCall.fillRandom(bytes)
            bytes[6] = bytes[6] & 0x0F | 0x40  // version 4
            bytes[8] = bytes[8] & 0x3F | 0x80  // RFC 4122 variant
        }
        return UUID(uuid: raw)
    }
}
