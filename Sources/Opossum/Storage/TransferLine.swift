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

    /// Decodes a line made by ``encode(_:batchFirst:batchCount:)``.
    ///
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/corrupted`` when
    ///   the line fails its checksum or is malformed.
    package static func decode(
        _ line: some Collection<UInt8>
    ) throws(EventStoreError) -> (
        event: SequencedEvent, batchFirst: Position, batchCount: Int
    ) {
        let bytes = Array(line)
        return try bytes.withUnsafeBytes { buffer in
            Result { () throws(EventStoreError) in
                guard SegmentLine.checksumIsValid(buffer), let decoded = try? SegmentLine.decode(buffer, payload: true)
                else {
                    throw EventStoreError(.corrupted, "an event line fails its checksum or is malformed")
                }
                let event = SequencedEvent(
                    position: Position(decoded.position),
                    event: decoded.event,
                    origin: decoded.origin
                )
                return (event, Position(decoded.framing.batchFirst), Int(decoded.framing.batchCount))
            }
        }.get()
    }
}
