import Foundation
import Testing

@testable import Opossum

/// The segment line decoder reads what the format allows, not only what Opossum writes:
/// fields in any order and fields it does not know (docs/format.md).
@Suite("Segment lines")
struct SegmentLineTests {
    /// `body` (a JSON object without its closing brace) with the checksum trailer appended.
    private func line(_ body: String) -> [UInt8] {
        let bytes = Array(body.utf8)
        let crc = String(CRC32C.checksum(bytes), radix: 16)
        return bytes + Array((",\"crc\":\"" + String(repeating: "0", count: 8 - crc.count) + crc + "\"}").utf8)
    }

    @Test("fields in another order, with unknown fields among them, decode the same")
    func fieldsInAnyOrderDecode() throws {
        let id = "6f1c1c2e-0a0b-4c0d-8e0f-101112131415"
        let bytes = line(
            #"{"metadata":{"timestamp":"2026-11-29T08:49:37.123456Z","future":[1,{"x":"\"}"}],"eventId":"\#(id)"},"#
                + #""tags":["course:7","student:1"],"unknown":{"a":"b"},"type":"Enrolled","data":{"seat":"\\"},"#
                + #""batch":[5,2],"commit":[5,3],"position":6"#
        )
        #expect(bytes.withUnsafeBytes { SegmentLine.checksumIsValid($0) })
        let decoded = try bytes.withUnsafeBytes { try SegmentLine.decode($0, payload: true) }
        #expect(decoded.position == 6)
        #expect(decoded.framing == LineFraming(commitFirst: 5, commitCount: 3, batchFirst: 5, batchCount: 2))
        #expect(decoded.event.type == "Enrolled")
        #expect(decoded.event.tags == [Opossum.Tag("course", "7"), Opossum.Tag("student", "1")])
        #expect(String(decoding: decoded.event.data, as: UTF8.self) == #"{"seat":"\\"}"#)
        #expect(decoded.event.metadata.eventId == UUID(uuidString: id))
        #expect(decoded.event.metadata.timestamp == Timestamp.parse("2026-11-29T08:49:37.123456Z"))
    }

    @Test(
        "a line that starts in Opossum's order and then departs from it decodes the same",
        arguments: [
            // The metadata's keys swapped, and an unknown one between them.
            #"{"position":6,"commit":[5,3],"batch":[5,2],"type":"Enrolled","tags":["course:7"],"data":{"seat":1},"#
                + #""metadata":{"timestamp":"2026-11-29T08:49:37.123456Z","x":0,"eventId":"ID"}"#,
            // An id in capitals, and a tracing id after the timestamp.
            #"{"position":6,"commit":[5,3],"batch":[5,2],"type":"Enrolled","tags":["course:7"],"data":{"seat":1},"#
                + #""metadata":{"eventId":"UPPER","timestamp":"2026-11-29T08:49:37.123456Z","correlationId":"c"}"#,
            // An unknown field between the tags and the payload.
            #"{"position":6,"commit":[5,3],"batch":[5,2],"type":"Enrolled","tags":["course:7"],"new":[1],"#
                + #""data":{"seat":1},"metadata":{"eventId":"ID","timestamp":"2026-11-29T08:49:37.123456Z"}"#,
            // The payload after the metadata, and a space before a value.
            #"{"position":6,"commit":[5,3],"batch":[5,2],"type":"Enrolled","tags":["course:7"],"#
                + #""metadata":{"eventId":"ID","timestamp": "2026-11-29T08:49:37.123456Z"},"data":{"seat":1}"#,
            // The tags before the type.
            #"{"position":6,"commit":[5,3],"batch":[5,2],"tags":["course:7"],"type":"Enrolled","data":{"seat":1},"#
                + #""metadata":{"eventId":"ID","timestamp":"2026-11-29T08:49:37.123456Z"}"#,
        ]
    )
    func departuresFromTheWrittenOrderDecode(body: String) throws {
        let id = "6f1c1c2e-0a0b-4c0d-8e0f-101112131415"
        let text = body.replacingOccurrences(of: "\"UPPER\"", with: "\"\(id.uppercased())\"")
            .replacingOccurrences(of: "\"ID\"", with: "\"\(id)\"")
        let bytes = line(text)
        let decoded = try bytes.withUnsafeBytes { try SegmentLine.decode($0, payload: true) }
        #expect(decoded.position == 6)
        #expect(decoded.framing == LineFraming(commitFirst: 5, commitCount: 3, batchFirst: 5, batchCount: 2))
        #expect(decoded.event.type == "Enrolled")
        #expect(decoded.event.tags == [Opossum.Tag("course", "7")])
        #expect(String(decoding: decoded.event.data, as: UTF8.self) == #"{"seat":1}"#)
        #expect(decoded.event.metadata.eventId == UUID(uuidString: id))
        #expect(decoded.event.metadata.timestamp == Timestamp.parse("2026-11-29T08:49:37.123456Z"))
        #expect(decoded.event.metadata.correlationId == (text.contains("correlationId") ? "c" : nil))
    }

    @Test("a line Opossum writes decodes back to the event it was written from")
    func encodedLineDecodes() throws {
        let event = Event(
            type: "CourseDefined",
            data: Data(#"{"name":"Algèbre"}"#.utf8),
            tags: [Opossum.Tag("course", "7")],
            metadata: EventMetadata(
                timestamp: Timestamp.parse("2026-11-29T08:49:37.000001Z"),
                eventId: UUID(),
                correlationId: "c-1",
                causationId: "k-2"
            )
        )
        var writer = JSONWriter()
        let framing = LineFraming(commitFirst: 9, commitCount: 1, batchFirst: 9, batchCount: 1)
        SegmentLine.encode(event, position: 9, framing: framing, origin: nil, to: &writer)
        let bytes = Array(writer.bytes.dropLast())  // the newline
        #expect(bytes.withUnsafeBytes { SegmentLine.checksumIsValid($0) })
        let decoded = try bytes.withUnsafeBytes { try SegmentLine.decode($0, payload: true) }
        #expect(decoded.event == event)
        #expect(decoded.position == 9 && decoded.framing == framing)
    }

    @Test("a batch's first line keeps the condition it was appended under, and only the first")
    func conditionIsKeptOnTheFirstLineOfItsBatch() async throws {
        try await withStoreAndDirectory { store, directory in
            let query = try Query(
                QueryItem(types: ["PartReserved", "StockReceived"], tags: [Opossum.Tag("depot", "north")]),
                QueryItem(tags: [Opossum.Tag("part", "p:100")])
            )
            let condition = AppendCondition(failIfEventsMatch: query, after: 0)
            try await store.append(.courseCreated("a"))
            _ = try await store.append([.courseCreated("b"), .courseCreated("c")], condition: condition)
            try await store.append(.courseCreated("d"), condition: AppendCondition(failIfEventsMatch: .all, after: 3))
            let segment = try String(contentsOfFile: directory.storePath + "/Events/0000000001.jsonl", encoding: .utf8)
            let lines = segment.split(separator: "\n").map { Array($0.utf8) }
            let conditions = try lines.map { line in
                try line.withUnsafeBytes { bytes -> AppendCondition? in
                    let decoded = try SegmentLine.decode(bytes, payload: true)
                    return try decoded.conditionRange.map { try SegmentLine.decodeCondition(bytes, range: $0) }
                }
            }
            #expect(conditions == [nil, condition, nil, AppendCondition(failIfEventsMatch: .all, after: 3)])
        }
    }
}
