import Foundation
import Opossum
import Testing

/// A query with a name for test output.
struct NamedQuery: Sendable, CustomTestStringConvertible {
    let name: String
    let query: Query

    var testDescription: String { name }
}

@Suite("JSON forms of queries and conditions")
struct QueryJSONTests {
    static let queries: [NamedQuery] = [
        NamedQuery(name: "all", query: .all),
        NamedQuery(name: "one type", query: .type(EventType.studentRegistered)),
        NamedQuery(name: "two types", query: try! .types("A", "B")),
        NamedQuery(name: "one tag", query: .student("s1")),
        NamedQuery(name: "tags AND-ed", query: try! .tags(Tag("a", "1"), Tag("b", "2"))),
        NamedQuery(name: "types and tags", query: .course("c1")),
        NamedQuery(
            name: "several items",
            query: Query(
                try! .types("A"),
                try! .tags(Tag("k", "v")),
                try! QueryItem(types: ["B"], tags: [Tag("x", "y")])
            )
        ),
        NamedQuery(
            name: "awkward tag values",
            query: try! .tags(Tag("url", "http://h:80/a"), Tag("k", "\u{E9}🦫"), Tag("nul", "a\u{0}b"), Tag("q", "\"\\"))
        ),
    ]

    @Test("A query survives encoding and decoding unchanged", arguments: queries)
    func queryRoundTrips(named: NamedQuery) throws {
        let data = try JSONEncoder().encode(named.query)
        #expect(try JSONDecoder().decode(Query.self, from: data) == named.query)
    }

    @Test(
        "An append condition survives encoding and decoding unchanged",
        arguments: queries,
        [nil, 0, 42] as [Position?]
    )
    func conditionRoundTrips(named: NamedQuery, after: Position?) throws {
        let condition = AppendCondition(failIfEventsMatch: named.query, after: after)
        let data = try JSONEncoder().encode(condition)
        #expect(try JSONDecoder().decode(AppendCondition.self, from: data) == condition)
    }

    @Test("Query.all is the JSON string \"all\"")
    func queryAllIsTheStringAll() throws {
        #expect(String(decoding: try JSONEncoder().encode(Query.all), as: UTF8.self) == "\"all\"")
        #expect(try JSONDecoder().decode(Query.self, from: json("\"all\"")) == .all)
    }

    @Test("A query decodes from the documented items form")
    func queryDecodesFromItems() throws {
        let text = """
            {"items": [
                {"types": ["StudentEnrolledToCourse", "CourseCreated"], "tags": ["courseId:c1"]},
                {"tags": ["studentId:s1", "studentEmail:a@b.c"]},
                {"types": ["StudentRegistered"]}
            ]}
            """
        let expected = Query(
            try QueryItem(types: ["StudentEnrolledToCourse", "CourseCreated"], tags: [.course("c1")]),
            try QueryItem(tags: [.student("s1"), .email("a@b.c")]),
            try QueryItem(types: ["StudentRegistered"])
        )
        #expect(try JSONDecoder().decode(Query.self, from: json(text)) == expected)
    }

    @Test("A query encodes tags as key:value strings and leaves out empty lists")
    func queryEncodesDocumentedForm() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let query = Query(try QueryItem(types: ["A"]), try QueryItem(tags: [Tag("k", "v:w")]))
        let text = String(decoding: try encoder.encode(query), as: UTF8.self)
        #expect(text == #"{"items":[{"types":["A"]},{"tags":["k:v:w"]}]}"#)
    }

    @Test("A condition decodes with and without after")
    func conditionDecodesWithAndWithoutAfter() throws {
        let withAfter = try JSONDecoder().decode(
            AppendCondition.self,
            from: json(#"{"failIfEventsMatch": {"items": [{"tags": ["courseId:c1"]}]}, "after": 17}"#)
        )
        #expect(withAfter == AppendCondition(failIfEventsMatch: try .tags(.course("c1")), after: 17))
        let withoutAfter = try JSONDecoder().decode(AppendCondition.self, from: json(#"{"failIfEventsMatch": "all"}"#))
        #expect(withoutAfter == AppendCondition(failIfEventsMatch: .all))
        #expect(withoutAfter.after == nil)
    }

    @Test("A condition without after leaves the field out; a position is a bare number")
    func conditionEncodesDocumentedForm() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let without = String(decoding: try encoder.encode(AppendCondition(failIfEventsMatch: .all)), as: UTF8.self)
        #expect(without == #"{"failIfEventsMatch":"all"}"#)
        let with = String(
            decoding: try encoder.encode(AppendCondition(failIfEventsMatch: .all, after: 9)),
            as: UTF8.self
        )
        #expect(with == #"{"after":9,"failIfEventsMatch":"all"}"#)
        #expect(String(decoding: try encoder.encode([Position(3)]), as: UTF8.self) == "[3]")
    }

    @Test(
        "A malformed query is refused with the store's error code",
        arguments: [
            (#""everything""#, EventStoreError.Code.invalidQuery),
            (#"{"items": []}"#, .invalidQuery),
            (#"{"items": [{}]}"#, .invalidQuery),
            (#"{"items": [{"types": [], "tags": []}]}"#, .invalidQuery),
            (#"{"items": [{"types": [""]}]}"#, .invalidQuery),
            (#"{"items": [{"tags": ["novalue"]}]}"#, .invalidTag),
            (#"{"items": [{"tags": [":v"]}]}"#, .invalidTag),
        ]
    )
    func malformedQueryIsRefusedWithCode(text: String, code: EventStoreError.Code) async {
        await expectStoreError(code) { try JSONDecoder().decode(Query.self, from: json(text)) }
    }

    @Test(
        "JSON that is not a query at all is refused",
        arguments: [
            "", "{", "42", "null", "[]", "{}", #"{"item": []}"#, #"{"items": "all"}"#,
            #"{"items": [{"types": "A"}]}"#, #"{"items": [{"tags": [42]}]}"#,
        ]
    )
    func nonQueryJSONIsRefused(text: String) {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Query.self, from: json(text)) }
    }

    @Test(
        "JSON that is not a condition is refused",
        arguments: [
            "{}", #"{"after": 3}"#, #"{"failIfEventsMatch": "all", "after": -1}"#,
            #"{"failIfEventsMatch": "all", "after": "3"}"#, #"{"failIfEventsMatch": {"items": []}}"#,
        ]
    )
    func nonConditionJSONIsRefused(text: String) {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(AppendCondition.self, from: json(text)) }
    }
}

@Suite("JSON form of events")
struct EventJSONTests {
    @Test("An event parses from its JSON object form, keeping data byte for byte")
    func eventParsesFromJSON() throws {
        let id = UUID()
        let text = """
            {"type": "StudentRegistered", "tags": ["studentId:s1", "k:a", "k:b"],
             "data": { "name" : "Ada",  "nested": [1, {"x": null}] },
             "metadata": {"timestamp": "2024-01-02T03:04:05.123456Z", "eventId": "\(id.uuidString)",
                          "correlationId": "c", "causationId": "d"}}
            """
        let event = try Event(json: Array(text.utf8))
        #expect(event.type == "StudentRegistered")
        #expect(event.tags == [.student("s1"), Tag("k", "a"), Tag("k", "b")])
        #expect(event.data == json(#"{ "name" : "Ada",  "nested": [1, {"x": null}] }"#))
        #expect(event.metadata.eventId == id)
        #expect(event.metadata.correlationId == "c")
        #expect(event.metadata.causationId == "d")
        let timestamp = try #require(event.metadata.timestamp)
        #expect(abs(timestamp.timeIntervalSince1970 - 1_704_164_645.123456) < 0.000_002)
    }

    @Test("A timestamp outside the years 1 to 9999 is refused as the event is parsed")
    func timestampOutOfRangeIsRefused() throws {
        // Found by fuzzing: Foundation's parser takes a six-digit year, which the
        // store's four-digit timestamps cannot say.
        let text = #"{"type":"T","metadata":{"timestamp":"202619-02-01T10:00:00Z"}}"#
        let error = #expect(throws: EventStoreError.self) { try Event(json: Array(text.utf8)) }
        #expect(error?.code == .invalidEvent)
        #expect(error?.message.contains("outside the years 1 to 9999") == true)
    }

    @Test("An event with only a type parses with no tags and no data")
    func minimalEventParses() throws {
        let event = try Event(json: Array(#"{"type":"T"}"#.utf8))
        #expect(event == Event(type: "T"))
    }

    @Test(
        "Malformed event JSON is refused",
        arguments: [
            ("", EventStoreError.Code.invalidEvent),
            ("{", .invalidEvent),
            ("nope", .invalidEvent),
            (#"{"type": "T"} garbage"#, .invalidEvent),
            (#"{"tags": []}"#, .invalidEvent),
            (#"{"type": "T", "data": {"a": }}"#, .invalidEvent),
            (#"{"type": "T", "surprise": 1}"#, .invalidEvent),
            (#"{"type": "T", "metadata": {"eventId": "not-a-uuid"}}"#, .invalidEvent),
            (#"{"type": "T", "tags": ["novalue"]}"#, .invalidTag),
        ]
    )
    func malformedEventJSONIsRefused(text: String, code: EventStoreError.Code) async {
        await expectStoreError(code) { try Event(json: Array(text.utf8)) }
    }
}
