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
        let dash = UInt8(ascii: "-")
        guard text.count == 36, text[8] == dash, text[13] == dash, text[18] == dash, text[23] == dash else {
            return nil
        }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        // Every digit is checked and converted without a branch; one test at the end.
        var allDigits: UInt8 = 1
        withUnsafeMutableBytes(of: &bytes) { output in
            var input = 0
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 { input += 1 }
                let high = text[input]
                let low = text[input + 1]
                allDigits &= HexDigit.digitBit(high) & HexDigit.digitBit(low)
                output[index] = HexDigit.uncheckedValue(of: high) << 4 | HexDigit.uncheckedValue(of: low)
                input += 2
            }
        }
        return allDigits == 1 ? UUID(uuid: bytes) : nil
    }
}
