/// Lowercase hexadecimal digits for checksums and ids, computed rather than looked up:
/// a static table costs a lazy-initialisation check on every use in the hot paths.
enum HexDigit {
    /// The lowercase digit of `nibble` (0 to 15).
    @inline(__always)
    static func lowercase(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
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
