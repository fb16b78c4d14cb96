import Foundation

/// UUID text in its canonical 36-character form, formatted and parsed without
/// allocating (Foundation's `uuidString` builds a new string each time).
enum UUIDText {
    /// Appends the lowercase text of `uuid` (without quotes).
    static func append(_ uuid: UUID, to writer: inout JSONWriter) {
        writer.append(count: 36) { text in
            withUnsafeBytes(of: uuid.uuid) { bytes in
                var output = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[output] = UInt8(ascii: "-")
                        output += 1
                    }
                    text[output] = HexDigit.lowercase(bytes[index] >> 4)
                    text[output + 1] = HexDigit.lowercase(bytes[index] & 0x0F)
                    output += 2
                }
            }
        }
    }

    /// Parses the 36-character form, in either case; `nil` if malformed.
    static func parse(_ text: UnsafeRawBufferPointer) -> UUID? {
        guard text.count == 36 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &bytes) { output -> Bool in
            var input = 0
            for index in 0..<16 {
                if input == 8 || input == 13 || input == 18 || input == 23 {
                    guard text[input] == UInt8(ascii: "-") else { return false }
                    input += 1
                }
                guard let high = nibble(text[input]), let low = nibble(text[input + 1]) else { return false }
                output[index] = high << 4 | low
                input += 2
            }
            return true
        }
        return ok ? UUID(uuid: bytes) : nil
    }

    /// The value of each hex digit, 0xFF for other bytes.
    private static let hexValues: [UInt8] = (0..<256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt8(byte) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt8(byte) - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt8(byte) - UInt8(ascii: "A") + 10
        default: return 0xFF
        }
    }

    @inline(__always)
    private static func nibble(_ byte: UInt8) -> UInt8? {
        let value = hexValues.withUnsafeBufferPointer { $0[Int(byte)] }
        return value == 0xFF ? nil : value
    }
}
