import Foundation
import Opossum

/// Fuzzes the event-line decoder that segments and bundles share.
///
/// Each input is tried twice: as a whole line, which almost never passes the
/// checksum, and as the part before the checksum, sealed with the right one so that
/// the decoder behind it sees the fuzzer's bytes. A line that decodes must encode to
/// a line that decodes to the same event, position and batch: otherwise an import
/// could write a segment line that reads back as something else.
final class SegmentLineHarness: FuzzHarness {
    func run(_ input: [UInt8]) throws(FuzzViolation) {
        _ = try? TransferLine.decode(input)
        guard let decoded = try? TransferLine.decode(TransferLine.sealed(input)) else { return }
        try Self.checkRoundTrip(decoded)
    }

    private static func checkRoundTrip(
        _ decoded: (event: SequencedEvent, batchFirst: Position, batchCount: Int)
    ) throws(FuzzViolation) {
        guard decoded.batchCount > 0,
            decoded.event.position >= decoded.batchFirst,
            decoded.event.position.rawValue - decoded.batchFirst.rawValue < UInt64(decoded.batchCount)
        else {
            throw FuzzViolation(
                "decoded position \(decoded.event.position) lies outside its batch "
                    + "\(decoded.batchFirst) + \(decoded.batchCount)"
            )
        }
        // The encoder makes up an id and a time for an event without them, as an append does.
        var completed = decoded.event.event
        completed.metadata.eventId =
            completed.metadata.eventId ?? UUID(uuid: (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16))
        completed.metadata.timestamp = completed.metadata.timestamp ?? Date(timeIntervalSince1970: 0)
        let event = SequencedEvent(position: decoded.event.position, event: completed, origin: decoded.event.origin)
        let line = TransferLine.encode(event, batchFirst: decoded.batchFirst, batchCount: decoded.batchCount)
        let again: (event: SequencedEvent, batchFirst: Position, batchCount: Int)
        do {
            again = try TransferLine.decode(line)
        } catch {
            throw FuzzViolation(
                "a decoded line does not decode once encoded again (\(error.message)): "
                    + String(decoding: line, as: UTF8.self).debugDescription
            )
        }
        guard again.event == event, again.batchFirst == decoded.batchFirst, again.batchCount == decoded.batchCount
        else {
            throw FuzzViolation(
                "a decoded line changes when encoded again: \(event) in batch \(decoded.batchFirst) + "
                    + "\(decoded.batchCount) came back as \(again.event) in batch \(again.batchFirst) + \(again.batchCount)"
            )
        }
    }
}
