import Foundation
import Testing

@testable import Opossum

@Suite("Events arriving through sync are held to the same limits")
struct ImportLimitsTests {
    private let origin = EventOrigin(storeId: UUID(), position: 1)

    @Test("An imported event over a limit fails the whole commit, writing nothing")
    func importedEventOverALimitIsRefused() async throws {
        try await withStore { store in
            try await store.append(.courseCreated("c1"))
            let before = try await store.snapshot()
            let big = AppendLimitsTests.event(size: FileEventStore.Limits.default.maximumEventSize + 1)
            let error = await expectStoreError(.eventTooLarge) {
                try await store.commitDecided { _ in
                    [
                        DecidedBatch(events: [.courseCreated("c2")], origins: [origin]),
                        DecidedBatch(events: [.courseCreated("c3"), big], origins: [origin, origin]),
                    ]
                }
            }
            #expect(error?.message.contains("event 2 (\"T\")") == true, "\(String(describing: error))")
            #expect(try await store.snapshot() == before)
            let tagged = Event(type: "T", tags: AppendLimitsTests.tags(65))
            await expectStoreError(.tooManyTags) {
                try await store.commitDecided { _ in [DecidedBatch(events: [tagged], origins: [origin])] }
            }
            #expect(try await store.snapshot() == before)
        }
    }

    @Test("Opossum's own records are not held to the limits")
    func systemRecordsAreExempt() async throws {
        let limits = FileEventStore.Limits(maximumEventSize: 100, maximumTagsPerEvent: 1, maximumEventsPerBatch: 2)
        try await withStore(options: .init(durability: .none, limits: limits)) { store in
            let record = Event(
                type: "$sync.test",
                data: json("\"" + String(repeating: "r", count: 1_000) + "\""),
                tags: [Opossum.Tag("$site", "a"), Opossum.Tag("$site", "b")]
            )
            let head = try await store.commitDecided { _ in
                [DecidedBatch(events: [.courseCreated("c1"), record, record, record, .courseCreated("c2")])]
            }
            #expect(head == 5)
        }
    }
}
