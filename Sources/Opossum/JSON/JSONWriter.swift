/// Appends JSON text to a byte buffer, for the store's hot paths.
///
/// Writing the few shapes the store needs by hand is several times faster than
/// `JSONEncoder` and lets a payload that is already JSON be embedded verbatim.
package struct JSONWriter {
    /// The text written so far.
    package var bytes: [UInt8]

    package init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    package mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends `count` bytes that `fill` writes, in one copy: for fixed-width fields
    /// such as timestamps and ids, which byte-by-byte appends make several times slower.
    mutating func append(count: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Void) {
        withUnsafeTemporaryAllocation(byteCount: count, alignment: 1) { buffer in
            fill(buffer)
            bytes.append(contentsOf: UnsafeRawBufferPointer(buffer))
        }
    }

    package mutating func append(_ value: UInt64) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var remaining = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while remaining > 0 {
                buffer[19 - count] = UInt8(remaining % 10) + UInt8(ascii: "0")
                remaining /= 10
                count += 1
            }
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// Appends `text` as a quoted JSON string, escaping what RFC 8259 requires.
    mutating func appendString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        appendStringContents(text)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends the escaped text of `text` without the quotes around it, so that a string
    /// made of parts (a tag's `key:value`) is written without building it first.
    mutating func appendStringContents(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for (offset, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<offset]))
                appendEscape(byte)
                runStart = offset + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
    }

    private mutating func appendEscape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: bytes.append(0x22)
        case 0x5C: bytes.append(0x5C)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }
}
