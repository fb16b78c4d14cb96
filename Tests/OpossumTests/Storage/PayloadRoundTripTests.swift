import Foundation
import Opossum
import Testing

/// Payloads whose strings end in escaped quotes and backslashes come back byte for
/// byte: reading finds where a payload ends by scanning its strings, so every
/// combination of backslashes before a quote must be read right.
@Suite("Payload round trips")
struct PayloadRoundTripTests {
    static let payloads: [String] = [
        #"{"a":"\\"}"#,
        #"{"a":"\"","b":1}"#,
        #"{"a":"x\\\"y"}"#,
        #"["\\\\",{"b":"\\\""},"}",{"c":"]"}]"#,
        #""just a string with \"quotes\" and \\ slashes\\""#,
        #"{"nested":{"deeper":[1,2,{"x":"{[\"]}"}]},"after":true}"#,
        #"{"unicode":"\u00e9\ud83d\ude00","raw":"é😀"}"#,
        "12.5e-3",
        "null",
        #"{"metadata":{"eventId":"not-the-real-one"},"crc":"00000000"}"#,
    ]

    @Test("tricky payloads read back exactly, alone and between others", arguments: payloads)
    func trickyPayloadReadsBack(payload: String) async throws {
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "site", options: unflushed)
            let events = [#"{"before":"\\"}"#, payload, #"{"after":"\""}"#].map {
                Event(type: "Payload", data: Data($0.utf8), tags: [Tag("k", "v")])
            }
            try await store.append(events)
            await store.close()
            let reopened = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            let read = try await reopened.readAll(.all)
            #expect(
                read.map { String(decoding: $0.data, as: UTF8.self) }
                    == events.map { String(decoding: $0.data, as: UTF8.self) }
            )
            #expect(read.map(\.tags) == events.map(\.tags))
            await reopened.close()
        }
    }
}
