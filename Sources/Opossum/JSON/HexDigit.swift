/// Hexadecimal digits for checksums and ids, computed rather than looked up:
/// a static table costs a lazy-initialisation check on every use in the hot paths.
enum HexDigit {
    /// The lowercase digit of `nibble` (0 to 15).
    @inline(__always)
    static func lowercase(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }

    /// The four bytes that eight ASCII hex digits spell, the first two digits in
    /// the lowest byte (the digits in memory order, loaded little-endian into `word`),
    /// or `nil` if any byte is not a digit: lowercase `a`–`f` only, or either case
    /// with `uppercase`.
    ///
    /// All eight are checked and converted at once, without a branch per digit:
    /// which of the two ranges a digit of an id falls in is a coin toss that a branch
    /// would mispredict.
    @inline(__always)
    static func bytes(ofEightDigits word: UInt64, uppercase: Bool) -> UInt32? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        // Below 0x80, adding 0x80 − lo sets a byte's high bit iff it is at least lo,
        // and no byte carries into the next.
        func inRange(_ x: UInt64, _ low: UInt8, _ high: UInt8) -> UInt64 {
            let atLeastLow = x &+ (ones &* UInt64(0x80 - low))
            let aboveHigh = x &+ (ones &* UInt64(0x7F - high))
            return atLeastLow & ~aboveHigh & highBits
        }
        let decimal = inRange(word, UInt8(ascii: "0"), UInt8(ascii: "9"))
        // Setting bit 5 lowers an ASCII capital letter, and maps nothing else onto a–f.
        let letter = inRange(uppercase ? word | 0x2020_2020_2020_2020 : word, UInt8(ascii: "a"), UInt8(ascii: "f"))
        guard word & highBits == 0, (decimal | letter) == highBits else { return nil }
        // Each byte's value: its low four bits, plus 9 for a letter (bit 6 set).
        let nibbles = (word & 0x0F0F_0F0F_0F0F_0F0F) &+ ((word >> 6) & ones) &* 9
        // Two nibbles to a byte in each 16-bit lane, then the lanes' low bytes together.
        var packed = ((nibbles & 0x00FF_00FF_00FF_00FF) << 4) | ((nibbles >> 8) & 0x00FF_00FF_00FF_00FF)
        packed = (packed | (packed >> 8)) & 0x0000_FFFF_0000_FFFF
        packed = (packed | (packed >> 16)) & 0xFFFF_FFFF
        return UInt32(truncatingIfNeeded: packed)
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
