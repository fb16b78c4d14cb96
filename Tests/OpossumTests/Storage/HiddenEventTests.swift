import Foundation
import Synchronization
import Testing

@testable import Opossum

/// System events (`$` types) and withdrawn ranges: in the log, invisible to applications.
@Suite("hidden events")
struct HiddenEventTests {
    @Test func applicationsCannotAppendReservedTypesOrTagKeys() async throws {
        try await withStore { store in
            await #expect(throws: EventStoreError.self) {
                try await store.append(Event(type: "$sync.pulled"))
            }
            await #expect(throws: EventStoreError.self) {
                try await store.append(Event(type: "Forged", tags: [Opossum.Tag("$hide", "1-10")]))
            }
            let head = try await store.status().head
            #expect(head == 0)
        }
    }

    @Test func systemEventsAndTheRangesTheyHideAreInvisibleToReadsConditionsAndSubscriptions() async throws {
        try await withStoreAndDirectory { store, directory in
            for number in 1...5 { try await store.append(.courseCreated("c\(number)")) }
            let origin = EventOrigin(storeId: UUID(), position: 9)
            let headSeen = Mutex<Position?>(nil)
            let last = try await store.commitDecided { view in
                headSeen.withLock { $0 = view.head }
                return [
                    DecidedBatch(events: [.courseCreated("copied")], origins: [origin]),
                    DecidedBatch(events: [Event(type: "$sync.rejected", tags: [Opossum.Tag("$hide", "2-3")])]),
                ]
            }
            #expect(headSeen.withLock { $0 } == 5)
            #expect(last == 7)
            try await store.append(.courseCreated("c8"))
            let expected: [UInt64] = [1, 4, 5, 6, 8]
            #expect(try await store.readAll(.all).map(\.position.rawValue) == expected)
            #expect(
                try await store.readAll(.all, options: ReadOptions(backwards: true)).map(\.position.rawValue)
                    == expected.reversed()
            )
            #expect(try await store.readAll(.course("c2")).isEmpty)
            #expect(try await store.readAll(.all).first { $0.position == 6 }?.origin == origin)
            // Sync and audits can still read everything.
            var everything: [UInt64] = []
            for try await event in store.readIncludingHidden(.all) { everything.append(event.position.rawValue) }
            #expect(everything == Array(1...8))
            // A condition that only the hidden events would fail passes.
            _ = try await store.append(
                .courseCreated("c9"),
                condition: AppendCondition(failIfEventsMatch: .course("c3"))
            )
            await #expect(throws: AppendConditionError.self) {
                try await store.append(
                    .courseCreated("x"),
                    condition: AppendCondition(failIfEventsMatch: .all, after: 8)
                )
            }
            var subscription = store.subscribe(.all).makeAsyncIterator()
            var seen: [UInt64] = []
            for _ in 0..<6 { seen.append(try #require(try await subscription.next()).position.rawValue) }
            #expect(seen == expected + [9])
            // The same after reopening, from the checkpoint, and after rebuilding the index.
            await store.close()
            for rebuild in [false, true] {
                if rebuild {
                    try FileManager.default.removeItem(atPath: directory.storePath + "/Indices/index.checkpoint")
                }
                try await withReopenedStore(in: directory) { reopened in
                    #expect(try await reopened.readAll(.all).map(\.position.rawValue) == expected + [9])
                    let answers = Mutex<[String]>([])
                    let head = try await reopened.commitDecided { view in
                        answers.withLock {
                            $0 = [
                                "\(view.position(6, isFrom: origin.storeId))",
                                "\(view.position(5, isFrom: origin.storeId))",
                                "\(view.firstMatch(.all, after: 3, excludingOrigin: origin.storeId)?.rawValue ?? 0)",
                                "\(view.firstMatch(.all, after: 5, excludingOrigin: origin.storeId)?.rawValue ?? 0)",
                            ]
                        }
                        return []
                    }
                    #expect(head == 9)
                    #expect(answers.withLock { $0 } == ["true", "false", "4", "8"])
                }
            }
        }
    }
}
