import Foundation
import Opossum
import Testing

@Suite("Appends over a store limit are refused and write nothing")
struct AppendLimitsTests {
    typealias Limits = FileEventStore.Limits

    /// An event of type `T` whose size, as the limits count it, is exactly `size` bytes.
    static func event(size: Int, tags: [Tag] = []) -> Event {
        let tagBytes = tags.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        // `"…"`: the quotes are data too.
        let data =
            size - 1 - tagBytes == 0 ? Data() : json("\"" + String(repeating: "x", count: size - 3 - tagBytes) + "\"")
        return Event(type: "T", data: data, tags: tags)
    }

    /// `count` distinct tags with short keys and empty values.
    static func tags(_ count: Int) -> [Tag] {
        (0..<count).map { Tag("k\($0)", "") }
    }

    /// Appends `events` to a store holding one event and expects `code`, a message
    /// containing each of `phrases`, and not one byte more in the log.
    private func expectRefused(
        _ events: [Event],
        with code: EventStoreError.Code,
        saying phrases: [String],
        options: FileEventStore.Options = .testing,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await withStore(options: options) { store in
            try await store.append(.courseCreated("c1"))
            let before = try await store.snapshot()
            let bytes = try await store.status().segmentBytes
            let error = await expectStoreError(code, sourceLocation: sourceLocation) {
                try await store.append(events, condition: nil)
            }
            #expect(error?.code.isLimitExceeded == true, sourceLocation: sourceLocation)
            for phrase in phrases {
                #expect(
                    error?.message.contains(phrase) == true,
                    "\(phrase.debugDescription) missing from: \(error?.message ?? "")",
                    sourceLocation: sourceLocation
                )
            }
            #expect(try await store.snapshot() == before, "the store changed", sourceLocation: sourceLocation)
            #expect(try await store.status().segmentBytes == bytes, "the log grew", sourceLocation: sourceLocation)
            #expect(try await store.append(.courseCreated("c2")) == 2, sourceLocation: sourceLocation)
        }
    }

    /// Appends `events` and expects them stored whole.
    private func expectStored(
        _ events: [Event],
        options: FileEventStore.Options = .testing,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await withStore(options: options) { store in
            let last = try await store.append(events, condition: nil)
            #expect(last == Position(UInt64(events.count)), sourceLocation: sourceLocation)
            let stored = try await store.readAll(.all)
            #expect(stored.map(\.data) == events.map(\.data), sourceLocation: sourceLocation)
            #expect(stored.map(\.tags) == events.map(\.tags), sourceLocation: sourceLocation)
        }
    }

    @Test("The default limits are the documented ones")
    func defaultLimitsAreTheDocumentedOnes() {
        let limits = FileEventStore.Options().limits
        #expect(limits == Limits.default)
        #expect(limits.maximumEventSize == 1 << 20)
        #expect(limits.maximumTagsPerEvent == 64)
        #expect(limits.maximumTagSize == 256)
        #expect(limits.maximumEventsPerBatch == 10_000)
        #expect(limits.maximumBatchSize == 16 << 20)
        #expect(limits.maximumSubscriptions == 1_024)
        #expect(FileEventStore.Options(maximumEventSize: 4_096).limits == Limits(maximumEventSize: 4_096))
    }

    @Test("An event of exactly the maximum size is stored")
    func eventAtMaximumSizeIsStored() async throws {
        let event = Self.event(size: Limits.default.maximumEventSize, tags: [Tag("k", "v")])
        try await expectStored([.courseCreated("c1"), event])
    }

    @Test("An event one byte over the maximum size is refused with eventTooLarge, naming it")
    func eventOneByteOverMaximumSizeIsRefused() async throws {
        let limit = Limits.default.maximumEventSize
        try await expectRefused(
            [.courseCreated("c1"), .courseCreated("c2"), Self.event(size: limit + 1)],
            with: .eventTooLarge,
            saying: ["event 3 (\"T\")", "\(limit + 1) bytes", "limit of \(limit) bytes", "maximumEventSize"]
        )
    }

    @Test("Correlation and causation ids count toward the event size")
    func tracingIdsCountTowardEventSize() async throws {
        var event = Self.event(size: 1_000)
        event.metadata.correlationId = "c"
        let options = FileEventStore.Options(durability: .none, limits: Limits(maximumEventSize: 1_000))
        try await expectRefused([event], with: .eventTooLarge, saying: ["1001 bytes"], options: options)
    }

    @Test("An event with exactly the maximum number of tags is stored")
    func eventWithMaximumTagsIsStored() async throws {
        try await expectStored([Event(type: "T", tags: Self.tags(Limits.default.maximumTagsPerEvent))])
    }

    @Test("An event with one tag too many is refused with tooManyTags, naming it")
    func eventWithOneTagTooManyIsRefused() async throws {
        let limit = Limits.default.maximumTagsPerEvent
        try await expectRefused(
            [.courseCreated("c1"), Event(type: "T", tags: Self.tags(limit + 1))],
            with: .tooManyTags,
            saying: ["event 2 (\"T\")", "\(limit + 1) tags", "limit of \(limit) tags", "maximumTagsPerEvent"]
        )
    }

    @Test(
        "A tag of exactly the maximum size is stored, counted in UTF-8 bytes of key and value",
        arguments: [
            Tag("k", String(repeating: "v", count: 255)), Tag(String(repeating: "k", count: 256), ""),
            Tag("kk", String(repeating: "\u{E9}", count: 127)),
        ]
    )
    func tagAtMaximumSizeIsStored(tag: Tag) async throws {
        try await expectStored([Event(type: "T", tags: [Tag("a", "b"), tag])])
    }

    @Test(
        "A tag one byte over the maximum size is refused with tagTooLarge, naming it",
        arguments: [
            Tag("k", String(repeating: "v", count: 256)), Tag(String(repeating: "k", count: 257), ""),
            Tag("k", String(repeating: "\u{E9}", count: 128)),
        ]
    )
    func tagOneByteOverMaximumSizeIsRefused(tag: Tag) async throws {
        try await expectRefused(
            [.courseCreated("c1"), Event(type: "T", tags: [Tag("a", "b"), tag])],
            with: .tagTooLarge,
            saying: ["event 2 (\"T\"): tag 2", "257 bytes", "limit of 256 bytes", "maximumTagSize"]
        )
    }

    @Test("A batch of exactly the maximum number of events is stored")
    func batchOfMaximumEventsIsStored() async throws {
        let events = (0..<Limits.default.maximumEventsPerBatch).map { Event(type: "T", data: json("\($0)")) }
        try await expectStored(events)
    }

    @Test("A batch of one event too many is refused with tooManyEvents, naming it")
    func batchOfOneEventTooManyIsRefused() async throws {
        let limit = Limits.default.maximumEventsPerBatch
        let events = (0...limit).map { Event(type: "T", data: json("\($0)")) }
        try await expectRefused(
            events,
            with: .tooManyEvents,
            saying: [
                "\(limit + 1) events", "limit of \(limit) events", "event \(limit + 1) (\"T\")",
                "maximumEventsPerBatch",
            ]
        )
    }

    @Test("A batch of exactly the maximum size is stored")
    func batchOfMaximumSizeIsStored() async throws {
        let limits = Limits.default
        let count = limits.maximumBatchSize / limits.maximumEventSize
        #expect(count * limits.maximumEventSize == limits.maximumBatchSize)
        try await expectStored(Array(repeating: Self.event(size: limits.maximumEventSize), count: count))
    }

    @Test("A batch one byte over the maximum size is refused with batchTooLarge at the event that crosses it")
    func batchOneByteOverMaximumSizeIsRefused() async throws {
        let limits = Limits.default
        let count = limits.maximumBatchSize / limits.maximumEventSize
        let events = Array(repeating: Self.event(size: limits.maximumEventSize), count: count) + [Self.event(size: 1)]
        try await expectRefused(
            events,
            with: .batchTooLarge,
            saying: [
                "reaches \(limits.maximumBatchSize + 1) bytes at event \(count + 1) (\"T\")",
                "limit of \(limits.maximumBatchSize) bytes", "maximumBatchSize",
            ]
        )
    }

    /// Custom limits, each with a batch just over it.
    static let customCases: [(EventStoreError.Code, [Event])] = [
        (.eventTooLarge, [event(size: 101)]),
        (.tooManyTags, [Event(type: "T", tags: tags(3))]),
        (.tagTooLarge, [Event(type: "T", tags: [Tag("key", "1234567890")])]),
        (.tooManyEvents, Array(repeating: event(size: 10), count: 4)),
        (.batchTooLarge, Array(repeating: event(size: 100), count: 3)),
    ]

    @Test("Limits given in the options are honoured", arguments: customCases)
    func customLimitsAreHonoured(code: EventStoreError.Code, events: [Event]) async throws {
        let limits = Limits(
            maximumEventSize: 100,
            maximumTagsPerEvent: 2,
            maximumTagSize: 12,
            maximumEventsPerBatch: 3,
            maximumBatchSize: 250
        )
        try await expectRefused(events, with: code, saying: [], options: .init(durability: .none, limits: limits))
        // Under the defaults, the same batch goes in.
        try await expectStored(events)
    }

    @Test("Limits may be raised above the defaults")
    func limitsMayBeRaised() async throws {
        let limits = Limits(maximumEventSize: 2 << 20, maximumTagsPerEvent: 100, maximumTagSize: 1_000)
        let event = Self.event(size: 2 << 20, tags: Self.tags(99) + [Tag("k", String(repeating: "v", count: 999))])
        try await expectStored([event], options: .init(durability: .none, limits: limits))
    }
}
