import Foundation
import Opossum
import Testing

@Suite("Tags")
struct TagTests {
    @Test(
        "Tag(parsing:) splits at the first colon",
        arguments: [
            ("studentId:42", "studentId", "42"),
            ("url:http://example.com:80/a", "url", "http://example.com:80/a"),
            ("k:", "k", ""),
            ("k::", "k", ":"),
            ("Name:Émile 🦫", "Name", "Émile 🦫"),
        ]
    )
    func tagParsingSplitsAtFirstColon(text: String, key: String, value: String) throws {
        let tag = try Tag(parsing: text)
        #expect(tag.key == key)
        #expect(tag.value == value)
        #expect(tag == Tag(key, value))
    }

    @Test("Tag(parsing:) refuses text without a colon or with an empty key", arguments: ["", "novalue", ":v", ":"])
    func tagParsingRefusesMissingColonOrEmptyKey(text: String) async {
        await expectStoreError(.invalidTag) { try Tag(parsing: text) }
    }

    @Test("A tag's description is key:value and parses back to the same tag")
    func tagDescriptionRoundTrips() throws {
        let tag = Tag(key: "courseId", value: "a:b/c")
        #expect(tag.description == "courseId:a:b/c")
        #expect(try Tag(parsing: tag.description) == tag)
    }

    @Test("Tag(key:value:) and Tag(_:_:) build the same tag")
    func labelledAndUnlabelledInitialisersAgree() {
        #expect(Tag(key: "studentId", value: "1") == Tag("studentId", "1"))
    }

    @Test("Tags compare byte-exact: no Unicode normalising")
    func tagsCompareWithoutUnicodeNormalising() {
        let composed = Tag("k", "\u{E9}")
        let decomposed = Tag("k", "e\u{301}")
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
        #expect(Tag("caf\u{E9}", "x") != Tag("cafe\u{301}", "x"))
    }

    @Test("Tags compare case-sensitively, in key and in value")
    func tagsCompareCaseSensitively() {
        #expect(Tag("Name", "x") != Tag("name", "x"))
        #expect(Tag("name", "X") != Tag("name", "x"))
        #expect(Set([Tag("Name", "x"), Tag("name", "x"), Tag("name", "X")]).count == 3)
    }
}

@Suite("Positions")
struct PositionTests {
    @Test("Positions are built from integers and literals and compare by value")
    func positionsCompareByValue() {
        let five: Position = 5
        #expect(Position(5) == five)
        #expect(Position(rawValue: 5) == five)
        #expect(five.rawValue == 5)
        #expect(Position.zero == Position(0))
        #expect(Position.zero < Position(1))
        #expect(Position(2) < Position(10))
        #expect([Position(3), 1, 2].sorted() == [1, 2, 3])
    }
}

@Suite("Query items and queries")
struct QueryModelTests {
    @Test("A query item with neither types nor tags cannot be built")
    func queryItemWithNeitherTypesNorTagsIsRefused() async {
        await expectStoreError(.invalidQuery) { try QueryItem() }
        await expectStoreError(.invalidQuery) { try QueryItem(types: [], tags: []) }
    }

    @Test("A query item naming an empty event type cannot be built")
    func queryItemWithEmptyTypeIsRefused() async {
        await expectStoreError(.invalidQuery) { try QueryItem(types: [""]) }
        await expectStoreError(.invalidQuery) { try QueryItem.types("A", "") }
    }

    @Test(
        "A query item with an invalid tag cannot be built",
        arguments: [Tag(key: "", value: "x"), Tag(key: "a:b", value: "c"), Tag(key: ":", value: "")]
    )
    func queryItemWithInvalidTagIsRefused(tag: Tag) async {
        await expectStoreError(.invalidQuery) { try QueryItem(tags: [tag]) }
    }

    @Test("A query with no items cannot be built; Query.all means everything")
    func queryWithoutItemsIsRefused() async {
        await expectStoreError(.invalidQuery) { try Query(items: []) }
    }

    @Test("Query.all matches every event, with or without tags or data")
    func queryAllMatchesEverything() {
        #expect(Query.all.matches(Event(type: "Anything")))
        #expect(Query.all.matches(.studentRegistered("s1")))
        #expect(Query.all.isAll)
        #expect(Query.all.items.isEmpty)
    }

    @Test("The types of an item are OR-ed")
    func typesAreOred() throws {
        let query = try Query.types("A", "B")
        #expect(query.matches(Event(type: "A")))
        #expect(query.matches(Event(type: "B")))
        #expect(!query.matches(Event(type: "C")))
        #expect(!query.isAll)
    }

    @Test("Types compare byte-exact and case-sensitively")
    func typesCompareByteExact() throws {
        let query = try Query.types(EventType.studentRegistered)
        #expect(!query.matches(Event(type: "studentregistered")))
        #expect(!query.matches(Event(type: "StudentRegistered ")))
        #expect(!(try Query.types("caf\u{E9}")).matches(Event(type: "cafe\u{301}")))
    }

    @Test("The tags of an item are AND-ed: the event's tags must be a superset")
    func tagsAreAndedAndSupersetMatches() throws {
        let query = try Query.tags(Tag("a", "1"), Tag("b", "2"))
        #expect(query.matches(Event(type: "T", tags: [Tag("a", "1"), Tag("b", "2")])))
        #expect(query.matches(Event(type: "T", tags: [Tag("c", "3"), Tag("b", "2"), Tag("a", "1")])))
        #expect(!query.matches(Event(type: "T", tags: [Tag("a", "1")])))
        #expect(!query.matches(Event(type: "T", tags: [Tag("a", "1"), Tag("b", "3")])))
        #expect(!query.matches(Event(type: "T")))
    }

    @Test("A tag matches only the exact value, not a prefix or a case variant")
    func tagValueMatchIsExact() throws {
        let query = try Query.tags(Tag("baz", "foos"))
        #expect(query.matches(Event(type: "T", tags: [Tag("baz", "foos")])))
        #expect(!query.matches(Event(type: "T", tags: [Tag("baz", "foosnot")])))
        #expect(!query.matches(Event(type: "T", tags: [Tag("baz", "foo")])))
        #expect(!query.matches(Event(type: "T", tags: [Tag("baz", "Foos")])))
        #expect(!query.matches(Event(type: "T", tags: [Tag("Baz", "foos")])))
    }

    @Test("An item with types and tags needs both to match")
    func itemWithTypesAndTagsNeedsBoth() throws {
        let query = Query(try QueryItem(types: [EventType.studentEnrolledToCourse], tags: [.course("c1")]))
        #expect(query.matches(.studentEnrolled("s1", in: "c1")))
        #expect(!query.matches(.studentEnrolled("s1", in: "c2")))
        #expect(!query.matches(.courseCreated("c1")))
    }

    @Test("The items of a query are OR-ed")
    func itemsAreOred() throws {
        let query = Query(try .types(EventType.courseCreated), try .tags(.student("s1")))
        #expect(query.matches(.courseCreated("c9")))
        #expect(query.matches(.studentRegistered("s1")))
        #expect(query.matches(.studentEnrolled("s1", in: "c2")))
        #expect(!query.matches(.studentRegistered("s2")))
        #expect(query.items.count == 2)
        #expect(try Query(items: query.items) == query)
    }
}

@Suite("Events, metadata and options")
struct EventModelTests {
    @Test("Fluent helpers add tags and metadata and leave the original alone")
    func fluentHelpersReturnChangedCopies() {
        let time = Date(timeIntervalSince1970: 1_700_000_000)
        let base = Event(type: "T", data: json("{}"))
        let event =
            base
            .tagged("k", "a")
            .tagged(Tag("k", "b"), Tag("other", "c"))
            .timestamped(time)
            .correlated(with: "workflow-1")
            .caused(by: "command-7")
        #expect(event.tags == [Tag("k", "a"), Tag("k", "b"), Tag("other", "c")])
        #expect(event.metadata.timestamp == time)
        #expect(event.metadata.correlationId == "workflow-1")
        #expect(event.metadata.causationId == "command-7")
        #expect(event.metadata.eventId == nil)
        #expect(base.tags.isEmpty)
        #expect(base.metadata == EventMetadata())
    }

    @Test("An event may have no payload")
    func eventWithoutPayloadHasEmptyData() {
        #expect(Event(type: "T").data.isEmpty)
    }

    @Test("ReadOptions.none reads forwards from the start without a limit")
    func readOptionsNoneIsForwardsUnlimited() {
        #expect(ReadOptions.none.from == nil)
        #expect(ReadOptions.none.backwards == false)
        #expect(ReadOptions.none.limit == nil)
        #expect(ReadOptions() == .none)
    }

    @Test("An append condition has no after unless given one")
    func appendConditionAfterDefaultsToNil() {
        #expect(AppendCondition(failIfEventsMatch: .all).after == nil)
        #expect(AppendCondition(failIfEventsMatch: .all, after: 3).after == Position(3))
    }

    @Test("SequencedEvent exposes its event's fields")
    func sequencedEventExposesEventFields() {
        let id = UUID()
        let time = Date(timeIntervalSince1970: 1_700_000_000)
        let event = Event.studentRegistered("s1").timestamped(time)
        var withId = event
        withId.metadata.eventId = id
        let sequenced = SequencedEvent(position: 7, event: withId)
        #expect(sequenced.position == 7)
        #expect(sequenced.type == EventType.studentRegistered)
        #expect(sequenced.tags == event.tags)
        #expect(sequenced.data == event.data)
        #expect(sequenced.eventId == id)
        #expect(sequenced.timestamp == time)
        #expect(sequenced.origin == nil)
    }
}
