import Foundation
import Opossum

/// Fuzzes the JSON forms of queries, append conditions and events that the
/// command-line tool, scripts and bundles use.
///
/// Any input must decode or fail with an error, and whatever decodes must encode to
/// JSON that decodes to the same value.
final class QueryHarness: FuzzHarness {
    func run(_ input: [UInt8]) throws(FuzzViolation) {
        let json = Data(input)
        try Self.checkCodableRoundTrip(Query.self, json)
        try Self.checkCodableRoundTrip(AppendCondition.self, json)
        try Self.checkEventRoundTrip(input)
    }

    private static func checkCodableRoundTrip<Value: Codable & Equatable>(
        _ type: Value.Type,
        _ json: Data
    ) throws(FuzzViolation) {
        guard let value = try? JSONDecoder().decode(type, from: json) else { return }
        let encoded: Data
        do {
            encoded = try JSONEncoder().encode(value)
        } catch {
            throw FuzzViolation("a decoded \(type) does not encode: \(value): \(error)")
        }
        let again: Value
        do {
            again = try JSONDecoder().decode(type, from: encoded)
        } catch {
            throw FuzzViolation(
                "a \(type) does not decode from its own JSON \(String(decoding: encoded, as: UTF8.self)): \(error)"
            )
        }
        guard again == value else {
            throw FuzzViolation("a \(type) changes through its JSON: \(value) came back as \(again)")
        }
    }

    private static func checkEventRoundTrip(_ input: [UInt8]) throws(FuzzViolation) {
        guard var event = try? Event(json: input) else { return }
        let line = SequencedEvent(position: Position(1), event: event).jsonLine
        // A read prints the id and time a stored event always has, and line breaks in
        // the payload as spaces, to keep one event per line. (An event without a
        // payload prints `"data":null`, which parses back to no payload.)
        event.data = Data(event.data.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 })
        event.metadata.eventId = event.metadata.eventId ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        event.metadata.timestamp = event.metadata.timestamp ?? Date(timeIntervalSince1970: 0)
        let again: Event
        do {
            again = try Event(json: Array(line.utf8))
        } catch {
            throw FuzzViolation(
                "an event does not parse from its own JSON line \(line.debugDescription): \(error.message)"
            )
        }
        guard again == event else {
            throw FuzzViolation("an event changes through its JSON line: \(event) came back as \(again)")
        }
    }
}
