import Foundation

/// The last timestamp parsed, kept with its text so that the next line's is reused
/// when the two are the same: the events of one append share their timestamp, so a
/// read of a batch parses it once.
struct RecentTimestamp {
    /// The text's 27 bytes as four overlapping words (offsets 0, 8, 16 and 19).
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var date: Date?

    /// The instant `text` names, as ``Timestamp/parse(_:)-(UnsafeRawBufferPointer)`` reads it.
    mutating func date(for text: UnsafeRawBufferPointer) -> Date? {
        guard text.count == Timestamp.textLength, let base = text.baseAddress else { return Timestamp.parse(text) }
        let words = (
            base.loadUnaligned(as: UInt64.self),
            base.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
            base.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
            base.loadUnaligned(fromByteOffset: Timestamp.textLength - 8, as: UInt64.self)
        )
        if let date, words == self.words { return date }
        let parsed = Timestamp.parse(text)
        if parsed != nil {
            self.words = words
            self.date = parsed
        }
        return parsed
    }
}
