import Foundation

/// Reuses the `String`s of texts seen recently, such as event types and tag keys.
///
/// A store has few distinct types and tag keys and repeats them on every line;
/// handing back the same `String` saves an allocation per event on long reads.
struct StringCache {
    private static let capacity = 64
    private var entries: [String] = []
    private var nextReplaced = 0

    /// The string whose UTF-8 bytes are `bytes`, reused if seen recently.
    mutating func string(for bytes: UnsafeRawBufferPointer) -> String {
        for entry in entries where entry.utf8.count == bytes.count {
            let equal =
                entry.utf8.withContiguousStorageIfAvailable {
                    bytes.count == 0 || memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0
                } ?? entry.utf8.elementsEqual(bytes)
            if equal { return entry }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if entries.count < Self.capacity {
            entries.append(text)
        } else {
            entries[nextReplaced] = text
            nextReplaced = (nextReplaced + 1) % Self.capacity
        }
        return text
    }
}
