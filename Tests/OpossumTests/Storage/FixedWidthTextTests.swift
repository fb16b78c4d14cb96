import Foundation
import Testing

@testable import Opossum

/// Timestamps, event ids and checksums are written by hand, a whole field at a time:
/// their text must match what Foundation says of the same values, and read back.
@Suite("Fixed-width text")
struct FixedWidthTextTests {
    private func text(_ write: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        write(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test("a timestamp's text names the same instant as Foundation's calendar, and reads back")
    func timestampsMatchTheCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var random = SystemRandomNumberGenerator()
        let seconds = Timestamp.representableSeconds
        // Anywhere in the years 1 to 9999, the text reads back as the same instant, to the
        // microsecond, or as near as a `Date` (a `Double` of seconds since 2001) can hold.
        for _ in 0..<2_000 {
            let date = Date(timeIntervalSince1970: Double.random(in: seconds, using: &random))
            let written = text { Timestamp.append(date, to: &$0) }
            #expect(written.utf8.count == 27)
            let parsed = try #require(Timestamp.parse(written))
            let precision = 0.000_001 + 4 * date.timeIntervalSinceReferenceDate.ulp
            #expect(abs(parsed.timeIntervalSince(date)) <= precision, "\(written)")
        }
        // From 1970 to 2100 a `Date` holds every microsecond: the text is exactly the
        // calendar's, and it reads back to the microsecond.
        let to2100 = try #require(Timestamp.parse("2100-01-01T00:00:00.000000Z")).timeIntervalSince1970
        for _ in 0..<2_000 {
            let micros = Int64.random(in: 0..<Int64(to2100) * 1_000_000, using: &random)
            let date = Timestamp.date(microseconds: micros)
            let written = text { Timestamp.append(date, to: &$0) }
            #expect(Timestamp.parse(written).map(Timestamp.microseconds) == micros)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                parts.year!,
                parts.month!,
                parts.day!,
                parts.hour!,
                parts.minute!,
                parts.second!,
                Int(micros % 1_000_000)
            )
            #expect(written == expected)
        }
        #expect(text { Timestamp.append(Date(timeIntervalSince1970: 0), to: &$0) } == "1970-01-01T00:00:00.000000Z")
        let justBefore = Date(timeIntervalSince1970: -0.000_001)
        #expect(text { Timestamp.append(justBefore, to: &$0) } == "1969-12-31T23:59:59.999999Z")
        let first = Date(timeIntervalSince1970: seconds.lowerBound)
        #expect(text { Timestamp.append(first, to: &$0) } == "0001-01-01T00:00:00.000000Z")
    }

    @Test("an event id's text is Foundation's, in lowercase, and parses back")
    func idsMatchFoundation() {
        for _ in 0..<1_000 {
            let id = UUID()
            let written = text { UUIDText.append(id, to: &$0) }
            #expect(written == id.uuidString.lowercased())
            #expect(written.utf8.withContiguousStorageIfAvailable { UUIDText.parse(UnsafeRawBufferPointer($0)) } == id)
        }
    }

    @Test("an event id parses in either case, and nothing but hex digits and four dashes parses")
    func idsParseStrictly() {
        let id = UUID()
        let lowercase = Array(id.uuidString.lowercased().utf8)
        func parse(_ bytes: [UInt8]) -> UUID? {
            bytes.withUnsafeBytes { UUIDText.parse($0) }
        }
        #expect(parse(Array(id.uuidString.utf8)) == id)
        #expect(parse(lowercase) == id)
        // Each byte just outside the digit ranges, in every digit's place.
        let dash = UInt8(ascii: "-")
        for place in lowercase.indices where lowercase[place] != dash {
            for wrong in "/:@G`g \u{7F}-".utf8 {
                var bytes = lowercase
                bytes[place] = wrong
                #expect(parse(bytes) == nil, "byte \(wrong) at \(place)")
            }
        }
        for place in lowercase.indices where lowercase[place] == dash {
            var bytes = lowercase
            bytes[place] = UInt8(ascii: "0")
            #expect(parse(bytes) == nil, "no dash at \(place)")
        }
        #expect(parse(lowercase.dropLast()) == nil)
    }

    @Test("eight hex digits decode at once exactly as one at a time, and every other byte is refused")
    func eightDigitsDecodeLikeOneAtATime() {
        func value(of byte: UInt8, uppercase: Bool) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F") where uppercase: return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        func reference(_ digits: [UInt8], uppercase: Bool) -> UInt32? {
            var result: UInt32 = 0
            for (index, pair) in stride(from: 0, to: 8, by: 2).enumerated() {
                guard let high = value(of: digits[pair], uppercase: uppercase),
                    let low = value(of: digits[pair + 1], uppercase: uppercase)
                else { return nil }
                result |= UInt32(high << 4 | low) << (8 * index)
            }
            return result
        }
        func word(_ digits: [UInt8]) -> UInt64 {
            digits.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        }
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789abcdefABCDEF".utf8)
        for place in 0..<8 {
            for byte in UInt8.min...UInt8.max {
                var digits = (0..<8).map { _ in alphabet.randomElement(using: &random)! }
                digits[place] = byte
                for uppercase in [false, true] {
                    #expect(
                        HexDigit.bytes(ofEightDigits: word(digits), uppercase: uppercase)
                            == reference(digits, uppercase: uppercase),
                        "byte \(byte) at \(place), uppercase \(uppercase)"
                    )
                }
            }
        }
    }

    @Test("a checksum is eight lowercase hex digits")
    func checksumsAreEightHexDigits() {
        var random = SystemRandomNumberGenerator()
        let values = (0..<1_000).map { _ in UInt32.random(in: 0...UInt32.max, using: &random) }
        for value in [0, 1, 0xABCD_EF01, UInt32.max] + values {
            var bytes: [UInt8] = []
            HexDigit.append(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(format: "%08x", value))
        }
    }
}
