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
        // Eight digits at a time: 8, 4 + 4 across a dash, 4 + 4 across a dash, and 8.
        func word(_ offset: Int) -> UInt64 {
            UInt64(littleEndian: text.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        func halves(_ first: Int, _ second: Int) -> UInt64 {
            UInt64(UInt32(littleEndian: text.loadUnaligned(fromByteOffset: first, as: UInt32.self)))
                | UInt64(UInt32(littleEndian: text.loadUnaligned(fromByteOffset: second, as: UInt32.self))) << 32
        }
        guard let first = HexDigit.bytes(ofEightDigits: word(0), uppercase: true),
            let second = HexDigit.bytes(ofEightDigits: halves(9, 14), uppercase: true),
            let third = HexDigit.bytes(ofEightDigits: halves(19, 24), uppercase: true),
            let fourth = HexDigit.bytes(ofEightDigits: word(28), uppercase: true)
        else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { output in
            output.storeBytes(of: first.littleEndian, toByteOffset: 0, as: UInt32.self)
            output.storeBytes(of: second.littleEndian, toByteOffset: 4, as: UInt32.self)
            output.storeBytes(of: third.littleEndian, toByteOffset: 8, as: UInt32.self)
            output.storeBytes(of: fourth.littleEndian, toByteOffset: 12, as: UInt32.self)
        }
        return UUID(uuid: bytes)
    }
}
