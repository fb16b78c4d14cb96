/// Hexadecimal digits for checksums and ids, computed rather than looked up:
/// a static table costs a lazy-initialisation check on every use in the hot paths.
enum HexDigit {
    /// The lowercase digit of `nibble` (0 to 15).
    @inline(__always)
    static func lowercase(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }

    /// 1 when `byte` is a hex digit in either case, 0 otherwise, computed without a
    /// branch: which of the two ranges a digit of an id falls in is a coin toss that a
    /// branch would mispredict.
    @inline(__always)
    static func digitBit(_ byte: UInt8) -> UInt8 {
        let decimal: UInt8 = byte &- UInt8(ascii: "0") < 10 ? 1 : 0
        // Setting bit 5 lowers an ASCII capital letter.
        let letter: UInt8 = (byte | 0x20) &- UInt8(ascii: "a") < 6 ? 1 : 0
        return decimal | letter
    }

    /// The value of `byte`, a hex digit as ``digitBit(_:)`` tells: its low four bits,
    /// plus 9 for a letter (whose bit 6 is set).
    @inline(__always)
    static func uncheckedValue(of byte: UInt8) -> UInt8 {
        (byte & 0x0F) &+ 9 &* (byte >> 6 & 1)
    }

    /// Appends the 8 lowercase digits of `value` to `bytes`, most significant first.
    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8) { digits in
            for index in 0..<8 {
                digits[index] = lowercase(UInt8(truncatingIfNeeded: value >> UInt32(28 - 4 * index)) & 0x0F)
            }
            bytes.append(contentsOf: digits)
        }
    }
}
