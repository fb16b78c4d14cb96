import Foundation
import Opossum
import Testing

@testable import OpossumSync

/// A push holds one header line per decision, written and read by hand: it must read
/// back as written, read what `JSONEncoder` wrote (bundles made before), and refuse
/// what is not a whole header.
@Suite("Batch header lines")
struct BatchHeaderLineTests {
    private let conditions: [AppendCondition?] = [
        nil,
        AppendCondition(failIfEventsMatch: .all),
        AppendCondition(failIfEventsMatch: try! .tags(Opossum.Tag("order", "w-17")), after: Position(42)),
        AppendCondition(
            failIfEventsMatch: try! Query(items: [
                QueryItem(types: ["PartReserved", "Part \"quoted\""], tags: [Opossum.Tag("part", "p:1")]),
                QueryItem(types: ["OrderClosed"], tags: []),
            ])
        ),
    ]

    private func batch(_ condition: AppendCondition?) -> BundleLine.PushedBatch {
        BundleLine.PushedBatch(
            originFirst: Position(1_001),
            count: 100,
            condition: condition,
            afterHub: 7,
            ownKnown: 1_000,
            verdictsSeen: 9
        )
    }

    private func read(_ text: String) throws -> BundleLine.PushedBatch {
        try BundleLine.PushedBatch(line: ArraySlice(Array(text.utf8)), path: "push.bundle")
    }

    @Test("a header reads back as written, with and without a condition")
    func headersRoundTrip() throws {
        for condition in conditions {
            let written = batch(condition)
            #expect(try BundleLine.PushedBatch(line: ArraySlice(written.line), path: "push.bundle") == written)
        }
    }

    @Test("a header JSONEncoder wrote reads the same, and so do other key orders and unknown keys")
    func encoderFormReads() throws {
        for condition in conditions {
            let written = batch(condition)
            let encoded = String(decoding: try SyncRecords.encoder().encode(["batch": written]), as: UTF8.self)
            #expect(try read(encoded) == written)
        }
        let reordered =
            #"{"later":[1,{"x":"}"}],"batch":{"verdictsSeen":9,"ownKnown":1000,"originFirst":1001,"#
            + #""new":"field","count":100,"afterHub":7,"condition":null}}"#
        #expect(try read(reordered) == batch(nil))
    }

    @Test(
        "a header that is not whole is refused",
        arguments: [
            #"{"batch":{"afterHub":7,"count":100,"originFirst":1001,"ownKnown":1000}}"#,
            #"{"batch":{"afterHub":7,"count":-1,"originFirst":1001,"ownKnown":1000,"verdictsSeen":9}}"#,
            #"{"batch":{"afterHub":7,"count":100,"originFirst":1001,"ownKnown":1000,"verdictsSeen":9}} x"#,
            #"{"batch":{"afterHub":7,"count":100,"originFirst":1001,"ownKnown":1000,"verdictsSeen":9}"#,
            #"{"batch":{"afterHub":7,"condition":{"after":3},"count":1,"originFirst":1,"ownKnown":0,"verdictsSeen":0}}"#,
            #"{"other":{"afterHub":7,"count":100,"originFirst":1001,"ownKnown":1000,"verdictsSeen":9}}"#,
        ]
    )
    func partialHeadersAreRefused(text: String) {
        #expect(throws: (any Error).self) { try read(text) }
        #expect(throws: SyncError.self) { try BundleLine.decode(ArraySlice(Array(text.utf8)), path: "push.bundle") }
    }
}
