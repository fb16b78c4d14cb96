import Foundation

// The JSON-lines form of events that the command-line tool reads and writes:
//   {"type": "T", "tags": ["key:value", ...], "data": <any JSON>,
//    "metadata": {"timestamp": "...", "eventId": "...", "correlationId": "...", "causationId": "..."}}
// A read adds "position" (and "origin" for events that came from another store).

extension Event {
    /// Parses one event from its JSON object form.
    ///
    /// `type` is required; `tags`, `data` and `metadata` are optional. `data` may be
    /// any JSON value and is kept byte for byte. A `position` field (as `opossum read`
    /// prints) is accepted and ignored, so a read's output can be appended elsewhere.
    ///
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/invalidEvent``
    ///   naming the field and byte offset that is wrong.
    public init(json: some Collection<UInt8>) throws(EventStoreError) {
        let bytes = Array(json)
        self = try bytes.withUnsafeBytes { buffer in
            Result { () throws(EventStoreError) -> Event in
                do {
                    return try Event.parse(buffer)
                } catch let error as JSONSyntaxError {
                    throw EventStoreError(.invalidEvent, "invalid event JSON at byte \(error.offset): \(error.reason)")
                } catch let error as EventStoreError {
                    throw error
                } catch {
                    throw EventStoreError(.invalidEvent, "invalid event JSON: \(error)")
                }
            }
        }.get()
    }

    private static func parse(_ buffer: UnsafeRawBufferPointer) throws -> Event {
        try JSONScanner.validateUTF8(buffer)
        var scanner = JSONScanner(buffer)
        var type: String?
        var tags: [Tag] = []
        var data = Data()
        var metadata = EventMetadata()
        try scanner.expect(UInt8(ascii: "{"))
        if try !scanner.consume(UInt8(ascii: "}")) {
            repeat {
                let key = try scanner.readString()
                try scanner.expect(UInt8(ascii: ":"))
                switch key {
                case "type":
                    type = try scanner.readString()
                case "tags":
                    tags = try readTags(&scanner)
                case "data":
                    let range = try scanner.skipValue()
                    let raw = UnsafeRawBufferPointer(rebasing: buffer[range])
                    if !(raw.count == 4 && raw.elementsEqual("null".utf8)) { data = Data(raw) }
                case "metadata":
                    metadata = try readMetadata(&scanner)
                case "position", "origin":
                    _ = try scanner.skipValue()
                default:
                    throw EventStoreError(.invalidEvent, "unknown field \(key.debugDescription) in event JSON")
                }
            } while try scanner.consume(UInt8(ascii: ","))
            try scanner.expect(UInt8(ascii: "}"))
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.fail("unexpected text after the event object") }
        guard let type else { throw EventStoreError(.invalidEvent, "event JSON has no \"type\"") }
        return Event(type: type, data: data, tags: tags, metadata: metadata)
    }

    private static func readTags(_ scanner: inout JSONScanner) throws -> [Tag] {
        var tags: [Tag] = []
        try scanner.expect(UInt8(ascii: "["))
        if try scanner.consume(UInt8(ascii: "]")) { return tags }
        repeat {
            tags.append(try Tag(parsing: try scanner.readString()))
        } while try scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "]"))
        return tags
    }

    private static func readMetadata(_ scanner: inout JSONScanner) throws -> EventMetadata {
        var metadata = EventMetadata()
        try scanner.expect(UInt8(ascii: "{"))
        if try scanner.consume(UInt8(ascii: "}")) { return metadata }
        repeat {
            let key = try scanner.readString()
            try scanner.expect(UInt8(ascii: ":"))
            if try scanner.peek() == UInt8(ascii: "n"), scanner.consumeLiteral("null") { continue }
            let text = try scanner.readString()
            switch key {
            case "timestamp":
                guard let date = Timestamp.parse(text) ?? ISO8601DateFormatter().date(from: text) else {
                    throw EventStoreError(.invalidEvent, "metadata timestamp \(text.debugDescription) is not RFC 3339")
                }
                guard Timestamp.isRepresentable(date) else {
                    throw EventStoreError(
                        .invalidEvent,
                        "metadata timestamp \(text.debugDescription) is outside the years 1 to 9999"
                    )
                }
                metadata.timestamp = date
            case "eventId":
                guard let id = UUID(uuidString: text) else {
                    throw EventStoreError(.invalidEvent, "metadata eventId \(text.debugDescription) is not a UUID")
                }
                metadata.eventId = id
            case "correlationId": metadata.correlationId = text
            case "causationId": metadata.causationId = text
            default:
                throw EventStoreError(.invalidEvent, "unknown metadata field \(key.debugDescription) in event JSON")
            }
        } while try scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"))
        return metadata
    }
}

extension SequencedEvent {
    /// The event as one line of JSON (without the newline), as `opossum read` prints it:
    /// `{"position": N, "type": ..., "tags": [...], "data": <JSON>, "metadata": {...}}`.
    ///
    /// `data` is embedded as the JSON value it is; an empty payload prints as `null`.
    public var jsonLine: String {
        var writer = JSONWriter(capacity: 128 + event.data.count)
        writer.append("{\"position\":")
        writer.append(position.rawValue)
        writer.append(",\"type\":")
        writer.appendString(event.type)
        writer.append(",")
        writer.appendTagsField(event.tags)
        writer.append(",\"data\":")
        if event.data.isEmpty {
            writer.append("null")
        } else {
            let start = writer.bytes.count
            event.data.withUnsafeBytes { writer.bytes.append(contentsOf: $0) }
            // Line breaks can only be whitespace between tokens in valid JSON; a
            // space keeps the value identical and the output one line per event.
            for index in start..<writer.bytes.count where writer.bytes[index] == 0x0A || writer.bytes[index] == 0x0D {
                writer.bytes[index] = 0x20
            }
        }
        writer.append(",\"metadata\":{\"timestamp\":\"")
        Timestamp.append(timestamp, to: &writer)
        writer.append("\",\"eventId\":\"")
        UUIDText.append(eventId, to: &writer)
        writer.append("\"")
        writer.appendTracingIds(event.metadata)
        writer.append("}")
        writer.appendOriginField(origin)
        writer.append("}")
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
