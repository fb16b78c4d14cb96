import Foundation

/// Which commit group and which batch a segment line belongs to.
///
/// Recovery keeps or drops whole commit groups (one write and one flush); a later
/// group intact behind a damaged one proves the damaged one had been flushed, which
/// tells mid-log corruption apart from a torn tail. Batches are what readers must
/// never see in part, and what sync sends with its condition.
struct LineFraming: Hashable, Sendable {
    /// The first position of the commit group.
    var commitFirst: UInt64
    /// The number of events in the commit group.
    var commitCount: UInt64
    /// The first position of the batch (one `append` call).
    var batchFirst: UInt64
    /// The number of events in the batch.
    var batchCount: UInt64

    var commitLast: UInt64 { commitFirst + commitCount - 1 }
}

/// One segment line, decoded.
struct DecodedLine: Sendable {
    var position: UInt64
    var framing: LineFraming
    var event: Event
    var origin: EventOrigin?
    /// Where the `condition` value lies in the line: only a batch's first line has
    /// one, and only when the batch was appended under a condition. Decoded on demand
    /// (by sync), so that reads do not pay for it.
    var conditionRange: Range<Int>?

    /// A line with nothing decoded yet, to decode into.
    init() {
        position = 0
        framing = LineFraming(commitFirst: 0, commitCount: 0, batchFirst: 0, batchCount: 0)
        event = Event(type: "")
    }

    /// Clears what a previous line left, before another is decoded into this value.
    mutating func reset() {
        event = Event(type: "")
        origin = nil
        conditionRange = nil
    }

    /// Moves the event out, leaving an empty one: hands it on without the copy
    /// (a retain of each of its strings and buffers) that reading the property makes.
    mutating func takeEvent() -> Event {
        var event = Event(type: "")
        swap(&event, &self.event)
        return event
    }
}

/// The text of one event in a segment: a JSON object on one line ending in a CRC-32C.
///
/// ```
/// {"position":7,"commit":[5,4],"batch":[6,2],"type":"CourseCreated","tags":["courseId:42"],
///  "data":{"name":"Algebra"},"metadata":{"eventId":"…","timestamp":"…"},"crc":"1a2b3c4d"}
/// ```
/// (on one line). The checksum covers every byte before `,"crc":`. `docs/format.md`
/// describes each field.
enum SegmentLine {
    /// The bytes after the checksummed part: `,"crc":"` + 8 hex digits + `"}`.
    static let trailerLength = 18

    /// The length of the shortest line Opossum writes, newline included, less its
    /// payload: one-digit position, commit and batch, a one-byte type, no tags and no
    /// tracing ids. A line's payload is never longer than its length less this.
    static let shortestEnvelopeLength = 194

    /// Appends the line for `event` (whose metadata must be complete), with its newline.
    static func encode(
        _ event: Event,
        position: UInt64,
        framing: LineFraming,
        origin: EventOrigin?,
        condition: AppendCondition? = nil,
        to writer: inout JSONWriter
    ) {
        let start = writer.bytes.count
        writer.append("{\"position\":")
        writer.append(position)
        writer.append(",\"commit\":[")
        writer.append(framing.commitFirst)
        writer.append(",")
        writer.append(framing.commitCount)
        writer.append("],\"batch\":[")
        writer.append(framing.batchFirst)
        writer.append(",")
        writer.append(framing.batchCount)
        writer.append("],\"type\":")
        writer.appendString(event.type)
        writer.append(",")
        writer.appendTagsField(event.tags)
        if !event.data.isEmpty {
            let needsText = event.data.withUnsafeBytes { bytes in
                memchr(bytes.baseAddress!, 0x0A, bytes.count) != nil
                    || memchr(bytes.baseAddress!, 0x0D, bytes.count) != nil
                    || bytes[0] == 0x20 || bytes[0] == 0x09
            }
            if needsText {
                // Line breaks between JSON tokens would split the line, and a reader
                // steps over whitespace before a value; such a payload is kept as a
                // string so its bytes come back exactly as given.
                writer.append(",\"dataText\":")
                writer.appendString(String(decoding: event.data, as: UTF8.self))
            } else {
                writer.append(",\"data\":")
                event.data.withUnsafeBytes { writer.bytes.append(contentsOf: $0) }
            }
        }
        writer.append(",\"metadata\":{\"eventId\":\"")
        UUIDText.append(event.metadata.eventId ?? UUID(), to: &writer)
        writer.append("\",\"timestamp\":\"")
        Timestamp.append(event.metadata.timestamp ?? Date(), to: &writer)
        writer.append("\"")
        writer.appendTracingIds(event.metadata)
        writer.append("}")
        writer.appendOriginField(origin)
        writer.appendConditionField(condition)
        appendChecksum(coveringFrom: start, to: &writer)
        writer.append("\n")
    }

    /// Ends the line begun at `start` in `writer` with its checksum field and closing
    /// brace: `,"crc":"` + the CRC-32C of the bytes from `start` as 8 hex digits + `"}`.
    static func appendChecksum(coveringFrom start: Int, to writer: inout JSONWriter) {
        let crc = writer.bytes.withUnsafeBytes {
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start...]))
        }
        writer.append(",\"crc\":\"")
        HexDigit.append(crc, to: &writer.bytes)
        writer.append("\"}")
    }

    /// Whether `line` (without its newline) ends in a checksum that matches its bytes.
    static func checksumIsValid(_ line: UnsafeRawBufferPointer) -> Bool {
        let count = line.count
        guard count > trailerLength + 2 else { return false }
        let trailer = count - trailerLength
        let label: StaticString = ",\"crc\":\""
        guard memcmp(line.baseAddress! + trailer, label.utf8Start, label.utf8CodeUnitCount) == 0,
            line[count - 2] == UInt8(ascii: "\""), line[count - 1] == UInt8(ascii: "}")
        else { return false }
        let digits = UInt64(littleEndian: line.loadUnaligned(fromByteOffset: trailer + 8, as: UInt64.self))
        // The first digits are the most significant: the lowest byte of `bytes(ofEightDigits:)`.
        guard let stored = HexDigit.bytes(ofEightDigits: digits, uppercase: false)?.byteSwapped else { return false }
        return CRC32C.checksum(UnsafeRawBufferPointer(rebasing: line[..<trailer])) == stored
    }

    /// The fields a segment line may have.
    private enum Field {
        case position, commit, batch, type, tags, data, dataText, metadata, origin, condition, crc, unknown
        case eventId, timestamp, correlationId, causationId, storeId

        /// The exact `"key":` text Opossum writes for the field.
        var keyLiteral: StaticString? {
            switch self {
            case .position: return "\"position\":"
            case .commit: return "\"commit\":"
            case .batch: return "\"batch\":"
            case .type: return "\"type\":"
            case .tags: return "\"tags\":"
            case .data: return "\"data\":"
            case .metadata: return "\"metadata\":"
            case .crc: return "\"crc\":"
            case .eventId: return "\"eventId\":"
            case .timestamp: return "\"timestamp\":"
            default: return nil
            }
        }

        /// The field that usually follows this one in lines Opossum writes.
        var usuallyNext: Field? {
            switch self {
            case .position: return .commit
            case .commit: return .batch
            case .batch: return .type
            case .type: return .tags
            case .tags: return .data
            case .data, .dataText: return .metadata
            case .metadata, .origin, .condition: return .crc
            case .eventId: return .timestamp
            default: return nil
            }
        }

        /// The field a key names, compared byte for byte without making a `String`.
        init(_ key: UnsafeRawBufferPointer) {
            func named(_ name: StaticString) -> Bool {
                key.count == name.utf8CodeUnitCount
                    && memcmp(key.baseAddress!, name.utf8Start, key.count) == 0
            }
            switch key.count {
            case 3 where named("crc"): self = .crc
            case 4 where named("type"): self = .type
            case 4 where named("tags"): self = .tags
            case 4 where named("data"): self = .data
            case 5 where named("batch"): self = .batch
            case 6 where named("commit"): self = .commit
            case 6 where named("origin"): self = .origin
            case 7 where named("eventId"): self = .eventId
            case 7 where named("storeId"): self = .storeId
            case 8 where named("position"): self = .position
            case 8 where named("dataText"): self = .dataText
            case 8 where named("metadata"): self = .metadata
            case 9 where named("timestamp"): self = .timestamp
            case 9 where named("condition"): self = .condition
            case 11 where named("causationId"): self = .causationId
            case 13 where named("correlationId"): self = .correlationId
            default: self = .unknown
            }
        }
    }

    /// Reads an object key and the colon after it. `expected` is the field that
    /// usually comes next in lines Opossum writes: when the bytes are its exact
    /// `"key":`, they are taken without classifying the key.
    @inline(__always)
    private static func readField(
        _ scanner: inout JSONScanner,
        expecting expected: Field?
    ) throws(JSONSyntaxError) -> Field {
        if let expected, let literal = expected.keyLiteral, scanner.consumeLiteral(literal) { return expected }
        let field = try scanner.withStringBytes { key in Field(key) }
        try scanner.expect(UInt8(ascii: ":"))
        return field
    }

    /// Decodes a line whose checksum was verified.
    ///
    /// With `payload` false, `data` and the metadata are stepped over rather than
    /// decoded: indexing and recovery need only the position, framing, type and tags.
    /// `cache` reuses the text of types and tag keys and the timestamp already seen,
    /// and puts payloads in its buffer, so reading a long run of events allocates
    /// little more than their tag arrays.
    static func decode(
        _ line: UnsafeRawBufferPointer,
        payload: Bool,
        using cache: inout LineDecodingCache
    ) throws(JSONSyntaxError) -> DecodedLine {
        var decoded = DecodedLine()
        try decode(line, payload: payload, into: &decoded, using: &cache)
        return decoded
    }

    /// Decodes a line whose checksum was verified into `decoded`, replacing all of
    /// it: a reader decoding many lines reuses one value and moves each event out
    /// (``DecodedLine/takeEvent()``), where returning a new value would copy it.
    static func decode(
        _ line: UnsafeRawBufferPointer,
        payload: Bool,
        into decoded: inout DecodedLine,
        using cache: inout LineDecodingCache
    ) throws(JSONSyntaxError) {
        var scanner = JSONScanner(line)
        decoded.reset()
        var required = RequiredFields()
        if try readWrittenPrefix(&scanner, line, payload: payload, into: &decoded, using: &cache) {
            required = RequiredFields(position: true, commit: true, batch: true)
            if try scanner.consume(UInt8(ascii: ",")) {
                try readFields(
                    &scanner,
                    line,
                    payload: payload,
                    expecting: .crc,
                    into: &decoded,
                    using: &cache,
                    &required
                )
            }
        } else {
            // Not in the order Opossum writes: every field is looked up by its key.
            scanner.index = 0
            decoded.reset()
            try scanner.expect(UInt8(ascii: "{"))
            try readFields(
                &scanner,
                line,
                payload: payload,
                expecting: .position,
                into: &decoded,
                using: &cache,
                &required
            )
        }
        try scanner.expect(UInt8(ascii: "}"))
        guard required.position, required.commit, required.batch, !decoded.event.type.isEmpty else {
            throw JSONSyntaxError(offset: 0, reason: "line lacks position, commit, batch or type")
        }
        let (position, framing) = (decoded.position, decoded.framing)
        guard framing.commitCount > 0, framing.batchCount > 0,
            (framing.commitFirst...framing.commitLast).contains(position),
            (framing.batchFirst..<(framing.batchFirst + framing.batchCount)).contains(position)
        else {
            throw JSONSyntaxError(offset: 0, reason: "line's position lies outside its own commit or batch")
        }
    }

    /// Which of the fields every line must have were read.
    private struct RequiredFields {
        var position = false
        var commit = false
        var batch = false
    }

    /// Reads the fields Opossum writes first, in the order it writes them: position,
    /// commit, batch, type, tags, the payload and the metadata, each key taken as the
    /// exact text expected rather than looked up.
    ///
    /// - Returns: `false` at the first key that differs from that layout, having read
    ///   part of the line; the caller starts over with ``readFields``. A value that
    ///   fails to read throws, as it would there.
    private static func readWrittenPrefix(
        _ scanner: inout JSONScanner,
        _ line: UnsafeRawBufferPointer,
        payload: Bool,
        into decoded: inout DecodedLine,
        using cache: inout LineDecodingCache
    ) throws(JSONSyntaxError) -> Bool {
        guard scanner.consumeLiteral("{\"position\":") else { return false }
        decoded.position = try scanner.readUInt64()
        guard scanner.consumeLiteral(",\"commit\":") else { return false }
        (decoded.framing.commitFirst, decoded.framing.commitCount) = try readPair(&scanner)
        guard scanner.consumeLiteral(",\"batch\":") else { return false }
        (decoded.framing.batchFirst, decoded.framing.batchCount) = try readPair(&scanner)
        guard scanner.consumeLiteral(",\"type\":") else { return false }
        decoded.event.type = try scanner.withStringBytes { cache.strings.string(for: $0) }
        guard scanner.consumeLiteral(",\"tags\":") else { return false }
        try readTags(&scanner, into: &decoded.event.tags, strings: &cache.strings)
        if scanner.consumeLiteral(",\"data\":") {
            readData(&scanner, line, payload: payload, into: &decoded.event.data, buffer: &cache.payloads)
        } else if scanner.consumeLiteral(",\"dataText\":") {
            try readDataText(&scanner, payload: payload, into: &decoded.event.data, buffer: &cache.payloads)
        }
        guard scanner.consumeLiteral(",\"metadata\":") else { return false }
        try readMetadata(&scanner, payload: payload, into: &decoded.event.metadata, timestamp: &cache.timestamp)
        return true
    }

    /// Reads the fields of the line's object from the scanner's position (after `{`
    /// or a `,`) up to its closing brace, each looked up by its key, in any order.
    private static func readFields(
        _ scanner: inout JSONScanner,
        _ line: UnsafeRawBufferPointer,
        payload: Bool,
        expecting first: Field,
        into decoded: inout DecodedLine,
        using cache: inout LineDecodingCache,
        _ required: inout RequiredFields
    ) throws(JSONSyntaxError) {
        var expected: Field? = first
        repeat {
            let field = try readField(&scanner, expecting: expected)
            expected = field.usuallyNext
            switch field {
            case .position:
                decoded.position = try scanner.readUInt64()
                required.position = true
            case .commit:
                (decoded.framing.commitFirst, decoded.framing.commitCount) = try readPair(&scanner)
                required.commit = true
            case .batch:
                (decoded.framing.batchFirst, decoded.framing.batchCount) = try readPair(&scanner)
                required.batch = true
            case .type:
                decoded.event.type = try scanner.withStringBytes { cache.strings.string(for: $0) }
            case .tags:
                try readTags(&scanner, into: &decoded.event.tags, strings: &cache.strings)
            case .data:
                readData(&scanner, line, payload: payload, into: &decoded.event.data, buffer: &cache.payloads)
            case .dataText:
                try readDataText(&scanner, payload: payload, into: &decoded.event.data, buffer: &cache.payloads)
            case .metadata:
                try readMetadata(&scanner, payload: payload, into: &decoded.event.metadata, timestamp: &cache.timestamp)
            case .origin:
                decoded.origin = try readOrigin(&scanner)
            case .condition:
                decoded.conditionRange = scanner.skipVerifiedValue()
            default:
                _ = scanner.skipVerifiedValue()
            }
        } while try scanner.consume(UInt8(ascii: ","))
    }

    /// Reads a `tags` array, each `key:value` a ``Tag`` whose key text `strings` reuses.
    private static func readTags(
        _ scanner: inout JSONScanner,
        into tags: inout [Tag],
        strings: inout StringCache
    ) throws(JSONSyntaxError) {
        try scanner.expect(UInt8(ascii: "["))
        guard try !scanner.consume(UInt8(ascii: "]")) else { return }
        // One allocation for the usual handful of tags, not one per doubling.
        tags.reserveCapacity(4)
        repeat {
            let tag = try scanner.withStringBytes { (text) throws(JSONSyntaxError) -> Tag in
                guard let colon = text.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
                    throw JSONSyntaxError(offset: 0, reason: "malformed tag")
                }
                return Tag(
                    strings.string(for: UnsafeRawBufferPointer(rebasing: text[..<colon])),
                    String(decoding: UnsafeRawBufferPointer(rebasing: text[(colon + 1)...]), as: UTF8.self)
                )
            }
            tags.append(tag)
        } while try scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "]"))
    }

    /// Steps over a `data` value; with `payload`, copies its bytes into `buffer`.
    @inline(__always)
    private static func readData(
        _ scanner: inout JSONScanner,
        _ line: UnsafeRawBufferPointer,
        payload: Bool,
        into data: inout Data,
        buffer: inout PayloadBuffer
    ) {
        let range = scanner.skipVerifiedValue()
        if payload {
            data = buffer.data(copying: UnsafeRawBufferPointer(rebasing: line[range]))
        }
    }

    /// Reads a `dataText` string (a payload kept as text); with `payload`, copies its
    /// decoded bytes into `buffer`.
    private static func readDataText(
        _ scanner: inout JSONScanner,
        payload: Bool,
        into data: inout Data,
        buffer: inout PayloadBuffer
    ) throws(JSONSyntaxError) {
        var text = try scanner.readString()
        if payload {
            data = text.withUTF8 { buffer.data(copying: UnsafeRawBufferPointer($0)) }
        }
    }

    /// Decodes the `condition` of a batch's first line, found at `range` by ``decode(_:payload:using:)``.
    static func decodeCondition(_ line: UnsafeRawBufferPointer, range: Range<Int>) throws -> AppendCondition {
        var scanner = JSONScanner(UnsafeRawBufferPointer(rebasing: line[range]))
        return try ConditionText.read(&scanner)
    }

    /// Decodes a line whose checksum was verified, reusing nothing.
    static func decode(_ line: UnsafeRawBufferPointer, payload: Bool) throws(JSONSyntaxError) -> DecodedLine {
        var cache = LineDecodingCache()
        return try decode(line, payload: payload, using: &cache)
    }

    private static func readPair(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> (UInt64, UInt64) {
        try scanner.expect(UInt8(ascii: "["))
        let first = try scanner.readUInt64()
        try scanner.expect(UInt8(ascii: ","))
        let second = try scanner.readUInt64()
        try scanner.expect(UInt8(ascii: "]"))
        return (first, second)
    }

    /// Reads the `metadata` object; without `payload`, steps over it.
    private static func readMetadata(
        _ scanner: inout JSONScanner,
        payload: Bool,
        into metadata: inout EventMetadata,
        timestamp: inout RecentTimestamp
    ) throws(JSONSyntaxError) {
        metadata = EventMetadata()
        guard payload else {
            _ = scanner.skipVerifiedValue()
            return
        }
        let start = scanner.index
        var expected: Field? = .eventId
        if readWrittenMetadataStart(&scanner, into: &metadata, timestamp: &timestamp) {
            guard try scanner.consume(UInt8(ascii: ",")) else {
                try scanner.expect(UInt8(ascii: "}"))
                return
            }
            expected = nil
        } else {
            scanner.index = start
            metadata = EventMetadata()
            try scanner.expect(UInt8(ascii: "{"))
        }
        repeat {
            let field = try readField(&scanner, expecting: expected)
            expected = field.usuallyNext
            switch field {
            case .eventId:
                metadata.eventId = try scanner.withStringBytes { UUIDText.parse($0) }
                if metadata.eventId == nil { throw scanner.fail("malformed eventId") }
            case .timestamp:
                metadata.timestamp = try scanner.withStringBytes { timestamp.date(for: $0) }
                if metadata.timestamp == nil { throw scanner.fail("malformed timestamp") }
            case .correlationId: metadata.correlationId = try scanner.readString()
            case .causationId: metadata.causationId = try scanner.readString()
            default: _ = scanner.skipVerifiedValue()
            }
        } while try scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"))
    }

    /// Reads the id and the timestamp at the start of the metadata as Opossum writes
    /// them, `{"eventId":"` + 36 bytes + `","timestamp":"` + 27 bytes + `"`, at their
    /// fixed offsets; `false` at the first byte that differs.
    private static func readWrittenMetadataStart(
        _ scanner: inout JSONScanner,
        into metadata: inout EventMetadata,
        timestamp: inout RecentTimestamp
    ) -> Bool {
        guard scanner.consumeLiteral("{\"eventId\":\""), let id = scanner.take(36).flatMap(UUIDText.parse),
            scanner.consumeLiteral("\",\"timestamp\":\""),
            let date = scanner.take(Timestamp.textLength).flatMap({ timestamp.date(for: $0) }),
            scanner.consumeLiteral("\"")
        else { return false }
        metadata.eventId = id
        metadata.timestamp = date
        return true
    }

    private static func readOrigin(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> EventOrigin {
        var storeId: UUID?
        var position: UInt64?
        try scanner.expect(UInt8(ascii: "{"))
        repeat {
            switch try readField(&scanner, expecting: nil) {
            case .storeId: storeId = try scanner.withStringBytes { UUIDText.parse($0) }
            case .position: position = try scanner.readUInt64()
            default: _ = scanner.skipVerifiedValue()
            }
        } while try scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"))
        guard let storeId, let position else { throw scanner.fail("malformed origin") }
        return EventOrigin(storeId: storeId, position: Position(position))
    }
}
