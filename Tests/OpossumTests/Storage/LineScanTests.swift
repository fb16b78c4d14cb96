import Foundation
import Testing

@testable import Opossum

/// Reading a segment line takes its keys, strings and numbers a word at a time; each
/// must still stop exactly where the text says, at any offset and in any lane.
@Suite("Line scans")
struct LineScanTests {
    private func scanning<Result>(_ text: [UInt8], _ body: (inout JSONScanner) throws -> Result) rethrows -> Result {
        try text.withUnsafeBytes { bytes in
            var scanner = JSONScanner(bytes)
            return try body(&scanner)
        }
    }

    @Test("a string's bytes end at its closing quote at every length, and escapes are decoded")
    func stringBytesEndAtTheirQuote() throws {
        for length in 0...40 {
            let text = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            let (read, after) = try scanning([UInt8(ascii: "\"")] + text + Array(#"","next""#.utf8)) { scanner in
                (try scanner.withStringBytes { Array($0) }, scanner.index)
            }
            #expect(read == text)
            #expect(after == length + 2)
            for offset in 0...length {
                var escaped = text
                escaped.insert(contentsOf: Array(#"\n"#.utf8), at: offset)
                let decoded = try scanning([UInt8(ascii: "\"")] + escaped + [UInt8(ascii: "\"")]) { scanner in
                    try scanner.withStringBytes { Array($0) }
                }
                var expected = text
                expected.insert(0x0A, at: offset)
                #expect(decoded == expected, "escape at \(offset) of \(length)")
            }
        }
    }

    @Test("a verified value is stepped over to where the validating scan ends it, at every offset")
    func verifiedValuesEndWhereValidatedOnesDo() throws {
        var random = SystemRandomNumberGenerator()
        // Strings full of what the word-at-a-time skip must not take for structure.
        let pieces = [#"{"#, #"}"#, #"["#, #"]"#, #","#, #":"#, #"\""#, #"\\"#, #"\u005d"#, "a", "é", "  "]
        func string() -> String {
            "\""
                + (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }
                .joined()
                + "\""
        }
        func value(_ depth: Int) -> String {
            switch Int.random(in: 0..<(depth > 3 ? 3 : 5), using: &random) {
            case 0: return string()
            case 1: return String(Int.random(in: -999...99_999, using: &random))
            case 2: return ["true", "false", "null", "1.5e3"].randomElement(using: &random)!
            case 3:
                let members = (0..<Int.random(in: 0...4, using: &random)).map { _ in string() + ":" + value(depth + 1) }
                return "{" + members.joined(separator: ",") + "}"
            default:
                let elements = (0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth + 1) }
                return "[" + elements.joined(separator: ", ") + "]"
            }
        }
        for _ in 0..<400 {
            let text = value(0)
            for padding in 0..<8 {
                let bytes = Array((String(repeating: " ", count: padding) + text + #","next":[1]}"#).utf8)
                let expected = try scanning(bytes) { scanner in try scanner.skipValue() }
                let verified = scanning(bytes) { scanner in scanner.skipVerifiedValue() }
                #expect(verified == expected, "\(text) after \(padding) spaces")
            }
        }
    }

    @Test("a control character in a string is refused at every offset")
    func controlCharactersAreRefused() {
        for offset in 0...20 {
            var text = [UInt8](repeating: UInt8(ascii: "x"), count: 20)
            text.insert(0x09, at: offset)
            #expect(throws: JSONSyntaxError.self) {
                try scanning([UInt8(ascii: "\"")] + text + [UInt8(ascii: "\"")]) { scanner in
                    try scanner.withStringBytes { Array($0) }
                }
            }
        }
    }

    @Test("numbers read whole up to 2^64 - 1; larger ones, leading zeros and non-numbers fail")
    func numbersReadUpToTheLimit() throws {
        func read(_ text: String) throws -> UInt64 {
            try scanning(Array((text + ",").utf8)) { try $0.readUInt64() }
        }
        for value: UInt64 in [0, 7, 10, 999, 1_234_567_890_123_456_789, 9_999_999_999_999_999_999, .max] {
            #expect(try read(String(value)) == value)
        }
        for text in ["18446744073709551616", "99999999999999999999", "100000000000000000000", "0123", "", "-1", "x"] {
            #expect(throws: JSONSyntaxError.self, "\(text)") { try read(text) }
        }
    }

    @Test("a number of every length reads whole before every kind of byte that can end it, at every offset")
    func numbersOfEveryLengthRead() throws {
        var random = SystemRandomNumberGenerator()
        for digits in 1...20 {
            for _ in 0..<20 {
                let text =
                    String(UInt64.random(in: 1...9, using: &random))
                    + (1..<digits).map { _ in String(Int.random(in: 0...9, using: &random)) }.joined()
                for end in [",", "]", "}", " ", "/", ":", "\u{7F}", "é", ""] {
                    for padding in 0..<3 {
                        let bytes = Array((String(repeating: " ", count: padding) + text + end + "   ").utf8)
                        let read = Result {
                            try scanning(bytes) { scanner in (try scanner.readUInt64(), scanner.index) }
                        }
                        if let expected = UInt64(text) {
                            #expect(try read.get() == (expected, padding + text.utf8.count), "\(text)\(end)")
                        } else {
                            #expect(throws: JSONSyntaxError.self, "\(text)") { try read.get() }
                        }
                    }
                }
            }
        }
        for text in ["01", "00", "0123456", "01234567"] {
            #expect(throws: JSONSyntaxError.self, "\(text)") {
                try scanning(Array((text + ",      ").utf8)) { try $0.readUInt64() }
            }
        }
        #expect(try scanning(Array("0,       ".utf8)) { try $0.readUInt64() } == 0)
    }

    @Test("a literal is taken only when every one of its bytes is next, for every length and every wrong byte")
    func literalsMatchExactly() {
        let literals: [StaticString] = [
            "\"crc\":", "\"type\":", "\"tags\":", "\"data\":", "\"batch\":", "\"commit\":", "\"eventId\":",
            "\"metadata\":", "\"position\":", "\"timestamp\":", "{", "ab", "abc",
        ]
        for literal in literals {
            let bytes = Array(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
            let (taken, after) = scanning(bytes + Array("1}".utf8)) { scanner in
                (scanner.consumeLiteral(literal), scanner.index)
            }
            #expect(taken && after == bytes.count, "\(literal)")
            for place in bytes.indices {
                var wrong = bytes
                wrong[place] ^= 0x01
                let (wrongTaken, wrongAfter) = scanning(wrong + Array("1}".utf8)) { scanner in
                    (scanner.consumeLiteral(literal), scanner.index)
                }
                #expect(!wrongTaken && wrongAfter == 0, "\(literal) with byte \(place) changed")
            }
            // Too few bytes left: not taken, and nothing is read beyond the text.
            #expect(!scanning(Array(bytes.dropLast())) { $0.consumeLiteral(literal) })
        }
    }

    @Test("a condition reads back from its line as written, and as JSONDecoder reads the same text")
    func conditionsReadBackAsWritten() throws {
        let conditions: [AppendCondition] = [
            AppendCondition(failIfEventsMatch: .all),
            AppendCondition(failIfEventsMatch: .all, after: 0),
            AppendCondition(failIfEventsMatch: try .types("CourseDefined"), after: 41),
            AppendCondition(
                failIfEventsMatch: try .tags(Tag("course", "c7"), Tag("student", "s\"q\"")),
                after: Position(9)
            ),
            AppendCondition(
                failIfEventsMatch: try Query(items: [
                    try QueryItem(types: ["A", "B é"], tags: [Tag("k", "v:with:colons")]),
                    try QueryItem(tags: [Tag("emoji", "🦫"), Tag("ctl", "a\nb\u{1}")]),
                    try QueryItem(types: ["Only"]),
                ]),
                after: Position(UInt64.max)
            ),
        ]
        for condition in conditions {
            var writer = JSONWriter()
            writer.appendConditionField(condition)
            // `,"condition":` and the value after it.
            let text = Array(writer.bytes.dropFirst(#","condition":"#.utf8.count))
            let read = try text.withUnsafeBytes { bytes in
                try SegmentLine.decodeCondition(bytes, range: 0..<bytes.count)
            }
            #expect(read == condition)
            #expect(read == (try JSONDecoder().decode(AppendCondition.self, from: Data(text))))
        }
    }

    @Test("a condition that breaks the rules of its JSON form is refused, as JSONDecoder refuses it")
    func malformedConditionsAreRefused() {
        let texts = [
            #"{}"#, #"{"after":3}"#, #"{"failIfEventsMatch":"some"}"#, #"{"failIfEventsMatch":{}}"#,
            #"{"failIfEventsMatch":{"items":[{}]}}"#, #"{"failIfEventsMatch":{"items":[{"tags":["nocolon"]}]}}"#,
            #"{"failIfEventsMatch":{"items":[{"tags":[":v"]}]}}"#, #"{"failIfEventsMatch":"all","after":-1}"#,
            #"{"failIfEventsMatch":"all""#,
        ]
        for text in texts {
            let bytes = Array(text.utf8)
            #expect(throws: (any Error).self, "\(text)") {
                try bytes.withUnsafeBytes { try SegmentLine.decodeCondition($0, range: 0..<$0.count) }
            }
            #expect(throws: (any Error).self, "JSONDecoder: \(text)") {
                try JSONDecoder().decode(AppendCondition.self, from: Data(bytes))
            }
        }
    }

    /// Replaces `text` in the first line of the store's segment with `replacement` and
    /// gives the line a checksum that holds, as a bug or a hand edit could leave it;
    /// removes the index checkpoint so that the store's next open indexes the line.
    private func rewriteFirstLine(
        of store: String,
        replacing text: String,
        with replacement: String
    ) throws -> StoreFiles {
        let files = StoreFiles(directory: store)
        let segment = try files.segment()
        let newline = try #require(segment.firstIndex(of: 0x0A))
        var body = String(decoding: segment[..<(newline - SegmentLine.trailerLength)], as: UTF8.self)
        body.replaceSubrange(try #require(body.range(of: text)), with: replacement)
        var writer = JSONWriter()
        writer.bytes = Array(body.utf8)
        SegmentLine.appendChecksum(coveringFrom: 0, to: &writer)
        try files.writeSegment(writer.bytes + [0x0A] + segment[(newline + 1)...])
        files.removeCheckpoint()
        return files
    }

    @Test("a line whose checksum holds but whose event id does not read fails the read, saying why and where")
    func unreadableLineSaysWhy() async throws {
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "site", options: unflushed)
            let id = UUID()
            _ = try await store.append([Event(type: "Decided", metadata: EventMetadata(eventId: id))])
            await store.close()
            let written = id.uuidString.lowercased()
            let files = try rewriteFirstLine(
                of: temp.storePath,
                replacing: written,
                with: String(written.dropLast()) + "g"
            )
            // Opening indexes the line without reading its metadata; reading the event fails.
            let reopened = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            let error = try await #require(throws: EventStoreError.self) { try await reopened.readAll(.all) }
            #expect(error.code == .corrupted)
            #expect(error.path == files.segmentPath())
            #expect(error.offset == 0)
            #expect(
                error.message.hasPrefix("the line of position 1 cannot be read: malformed eventId at byte"),
                "\(error.message)"
            )
            await reopened.close()
        }
    }

    @Test("a stored condition that cannot be read fails sync's read, naming the segment and the line's offset")
    func unreadableStoredConditionNamesItsLine() async throws {
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "site", options: unflushed)
            let tag = Tag("k", "v")
            _ = try await store.append(
                [Event(type: "Decided", data: Data("{}".utf8), tags: [tag])],
                condition: AppendCondition(failIfEventsMatch: try .tags(tag))
            )
            await store.close()
            // The condition's tag loses its colon, and the line gets a checksum that holds.
            let written = #""condition":{"failIfEventsMatch":{"items":[{"tags":["k:v"]}]}}"#
            let files = try rewriteFirstLine(
                of: temp.storePath,
                replacing: written,
                with: written.replacingOccurrences(of: "k:v", with: "kv")
            )

            let reopened = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            // Reads that leave the condition alone still work.
            #expect(try await reopened.readAll(.all).map(\.type) == ["Decided"])
            let error = try await #require(throws: EventStoreError.self) {
                try await reopened.readStored(from: Position(1), limit: 10)
            }
            #expect(error.code == .corrupted)
            #expect(error.path == files.segmentPath())
            #expect(error.offset == 0)
            #expect(error.message.contains("condition on the line of position 1"), "\(error.message)")
            await reopened.close()
        }
    }
}
