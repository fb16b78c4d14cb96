/// An event as sync carries it in a bundle: the segment line format (docs/format.md)
/// with the event's batch as its framing, its origin, and its own checksum.
///
/// Using the log's own line format keeps the payload byte for byte (a payload with
/// line breaks travels as `dataText`, as in a segment) and lets a bundle be read with
/// the same tools as a segment.
package enum TransferLine {
    /// The line for `event` (whose metadata is complete), in a batch of `batchCount`
    /// events starting at `batchFirst`, without a newline.
    package static func encode(_ event: SequencedEvent, batchFirst: Position, batchCount: Int) -> [UInt8] {
        var writer = JSONWriter(capacity: 256 + event.event.data.count)
        let framing = LineFraming(
            commitFirst: batchFirst.rawValue,
            commitCount: UInt64(batchCount),
            batchFirst: batchFirst.rawValue,
            batchCount: UInt64(batchCount)
        )
        SegmentLine.encode(
            event.event,
            position: event.position.rawValue,
            framing: framing,
            origin: event.origin,
            to: &writer
        )
        writer.bytes.removeLast()  // the newline
        return writer.bytes
    }

    /// How many bytes ``sealed(_:)`` adds: the checksum field and the closing brace.
    package static let sealLength = SegmentLine.trailerLength

    /// `body`, the start of a line up to its checksum, ended with the checksum field and
    /// closing brace, as ``encode(_:batchFirst:batchCount:)`` ends the lines it makes.
    ///
    /// For tools that build lines from parts, such as the fuzzing harness, which lets
    /// the fuzzer's lines past the checksum to the decoder behind it.
    package static func sealed(_ body: some Collection<UInt8>) -> [UInt8] {
        var writer = JSONWriter(capacity: body.count + SegmentLine.trailerLength)
        writer.bytes.append(contentsOf: body)
        SegmentLine.appendChecksum(coveringFrom: 0, to: &writer)
        return writer.bytes
    }

    /// Decodes a line made by ``encode(_:batchFirst:batchCount:)``.
    ///
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/corrupted`` when
    ///   the line fails its checksum or is malformed.
    package static func decode(
        _ line: some Collection<UInt8>
    ) throws(EventStoreError) -> (
        event: SequencedEvent, batchFirst: Position, batchCount: Int
    ) {
        // In place when the bytes are contiguous, as a bundle reader's lines are.
        let decoded = line.withContiguousStorageIfAvailable { bytes in
            Result { () throws(EventStoreError) in try decode(UnsafeRawBufferPointer(bytes)) }
        }
        if let decoded { return try decoded.get() }
        return try Array(line).withUnsafeBytes { bytes in
            Result { () throws(EventStoreError) in try decode(bytes) }
        }.get()
    }

    private static func decode(
        _ buffer: UnsafeRawBufferPointer
    ) throws(EventStoreError) -> (
        event: SequencedEvent, batchFirst: Position, batchCount: Int
    ) {
        guard SegmentLine.checksumIsValid(buffer), let decoded = try? SegmentLine.decode(buffer, payload: true)
        else {
            throw EventStoreError(.corrupted, "an event line fails its checksum or is malformed")
        }
        // A segment's own lines hold valid JSON; a line from elsewhere is checked,
        // for a payload that is not JSON would make a line that reads back wrong.
        let validity = decoded.event.data.withUnsafeBytes { data in
            Result { () throws(JSONSyntaxError) in
                if !data.isEmpty { try JSONScanner.validate(data) }
            }
        }
        if case .failure(let error) = validity {
            throw EventStoreError(
                .corrupted,
                "the event at position \(decoded.position) has data that is not valid JSON "
                    + "(at byte \(error.offset): \(error.reason))"
            )
        }
        let event = SequencedEvent(
            position: Position(decoded.position),
            event: decoded.event,
            origin: decoded.origin
        )
        return (event, Position(decoded.framing.batchFirst), Int(decoded.framing.batchCount))
    }
}
