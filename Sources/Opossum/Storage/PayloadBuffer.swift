import Foundation

/// One allocation holding the payloads of the events decoded together, which each
/// event's `data` shares.
///
/// A read decodes its events a chunk at a time; giving each payload a `Data` of its
/// own cost two heap objects per event (the storage object and its bytes), made on an
/// I/O thread and freed on the reader's, where each free contends for the allocating
/// thread's heap. A chunk's payloads are instead copied into one buffer, and each
/// event's `data` is a slice of it: the buffer is freed when the last event of the
/// chunk that still holds its payload is released.
struct PayloadBuffer {
    /// Payloads up to this size fit inside a `Data` value and are not put in the buffer.
    private static let inlineCapacity = 14

    private let storage: Data
    private let base: UnsafeMutableRawPointer?
    private let capacity: Int
    private var used = 0

    /// A buffer for the payloads of `lines` segment lines of `bytes` bytes in all,
    /// newlines included: each line's payload is at most its length less the fields
    /// every line has. A payload that does not fit gets a `Data` of its own.
    init(forLines lines: Int, ofBytes bytes: Int) {
        self.init(capacity: bytes - lines * SegmentLine.shortestEnvelopeLength)
    }

    /// A buffer for at most `capacity` bytes of payloads; with no capacity, every
    /// payload gets a `Data` of its own.
    init(capacity: Int) {
        guard capacity > Self.inlineCapacity, let base = malloc(capacity) else {
            self.storage = Data()
            self.base = nil
            self.capacity = 0
            return
        }
        self.base = base
        self.capacity = capacity
        self.storage = Data(bytesNoCopy: base, count: capacity, deallocator: .free)
    }

    /// A `Data` holding a copy of `bytes`: a slice of the buffer when it has room.
    ///
    /// Each byte of the buffer is written once, before the slice that covers it is
    /// made, and never again: no `Data` ever sees its bytes change.
    mutating func data(copying bytes: UnsafeRawBufferPointer) -> Data {
        let count = bytes.count
        guard count > Self.inlineCapacity, let base, count <= capacity - used else { return Data(bytes) }
        (base + used).copyMemory(from: bytes.baseAddress!, byteCount: count)
        defer { used += count }
        return storage[used..<(used + count)]
    }
}
