import Foundation
import Testing

@testable import Opossum

/// The payload check steps over plain string bytes eight at a time: a byte it must
/// look at finds it at any offset, in any of the eight lanes.
@Suite("Payload checks")
struct PayloadCheckTests {
    /// `{"note":"<prefix of a's><inserted><a's>"}` with the insertion at `offset` of the string.
    private func payload(inserting inserted: [UInt8], at offset: Int, length: Int = 40) -> [UInt8] {
        let text = [UInt8](repeating: UInt8(ascii: "a"), count: length)
        return Array(#"{"note":""#.utf8) + text[..<offset] + inserted + text[offset...] + Array(#""}"#.utf8)
    }

    private func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in (try? JSONScanner.validate(buffer)) != nil }
    }

    @Test("bytes a string may hold pass at every offset")
    func allowedBytesPass() {
        let allowed: [[UInt8]] = [
            [0x20], [0x7F], Array("é".utf8), Array("€".utf8), Array("🦫".utf8),
            Array(#"\n"#.utf8), Array(#"\""#.utf8), Array(#"\\"#.utf8), Array(#"\u00e9"#.utf8),
        ]
        for inserted in allowed {
            for offset in 0...40 {
                #expect(isValid(payload(inserting: inserted, at: offset)), "\(inserted) at \(offset)")
            }
        }
    }

    @Test("a control character, a stray quote, a bad escape or bad UTF-8 fails at every offset")
    func forbiddenBytesFail() {
        let forbidden: [[UInt8]] = [
            [0x00], [0x01], [0x0A], [0x1F], [UInt8(ascii: "\"")], Array(#"\q"#.utf8), Array(#"\u12x"#.utf8),
            [0xFF], [0xC3], [0xE2, 0x82], [0x80], [0xED, 0xA0, 0x80],
        ]
        for inserted in forbidden {
            for offset in 0...40 {
                #expect(!isValid(payload(inserting: inserted, at: offset)), "\(inserted) at \(offset)")
            }
        }
    }

    @Test("plain text of any length, to the last byte before the closing quote, passes")
    func plainStringsOfAnyLengthPass() {
        for length in 0...40 {
            #expect(isValid(payload(inserting: [], at: 0, length: length)))
            #expect(!isValid(Array(payload(inserting: [], at: 0, length: length).dropLast(2))), "unterminated")
        }
    }
}
