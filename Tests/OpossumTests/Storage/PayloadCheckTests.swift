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

    @Test("objects and arrays nested to the limit pass, each closed by its own bracket, and deeper fails")
    func nestingIsCheckedAtEveryDepth() {
        // Containers alternate so that every level's kind matters; the first 64 levels
        // are kept differently from the rest.
        func nested(_ depth: Int, closingSwapped level: Int? = nil) -> [UInt8] {
            var open: [UInt8] = []
            var close: [UInt8] = []
            for index in 0..<depth {
                let isObject = index % 3 != 1
                open += isObject ? Array(#"{"k":"#.utf8) : [UInt8(ascii: "[")]
                let closing = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                let swapped = closing == UInt8(ascii: "}") ? UInt8(ascii: "]") : UInt8(ascii: "}")
                close.insert(index == level ? swapped : closing, at: 0)
            }
            return open + Array("1".utf8) + close
        }
        for depth in [1, 2, 63, 64, 65, 66, 200, JSONScanner.maximumDepth] {
            #expect(isValid(nested(depth)), "depth \(depth)")
            for level in Set([0, depth / 2, 62, 63, 64, 65, depth - 1]) where level < depth {
                #expect(!isValid(nested(depth, closingSwapped: level)), "depth \(depth), level \(level) closed wrongly")
            }
        }
        #expect(!isValid(nested(JSONScanner.maximumDepth + 1)), "deeper than the limit")
        // Siblings of both kinds at one level, near the top and past level 64.
        let siblings = #"[{"k":1},[2],{"k":[3]},[[4]],{"k":{}},[]]"#
        for outer in [0, 63, 64, 70] {
            let wrapped = String(repeating: "[", count: outer) + siblings + String(repeating: "]", count: outer)
            #expect(isValid(Array(wrapped.utf8)), "siblings inside \(outer) arrays")
            let broken = String(repeating: "[", count: outer) + #"[{"k":1},[2}]"# + String(repeating: "]", count: outer)
            #expect(!isValid(Array(broken.utf8)), "an array closed by a brace inside \(outer) arrays")
        }
    }
}
