import Foundation
import Opossum
import Testing

/// `subscribe(_:from:)`: catching up, then following live appends.
@Suite("subscriptions")
struct SubscriptionTests {
    /// Collects the first `count` events of `subscription` in a task of its own.
    static func collect(
        _ count: Int,
        of subscription: EventSubscription
    ) -> Task<[SequencedEvent], any Error> {
        Task {
            var events: [SequencedEvent] = []
            for try await event in subscription {
                events.append(event)
                if events.count == count { break }
            }
            return events
        }
    }

    @Test func catchesUpThenDeliversNewAppendsInOrder() async throws {
        try await withStoreAndDirectory { store, _ in
            for number in 1...5 { try await store.append(.courseCreated("c\(number)")) }
            let subscriber = Self.collect(12, of: store.subscribe(.all))
            for number in 6...12 { try await store.append(.courseCreated("c\(number)")) }
            let events = try await subscriber.value
            #expect(events.map(\.position.rawValue) == Array(1...12))
            #expect(events.last?.event.tags == [.course("c12")])
        }
    }

    @Test func deliversOnlyMatchingEventsFromThePositionGiven() async throws {
        try await withStoreAndDirectory { store, _ in
            try await store.append([.courseCreated("a"), .courseCreated("b"), .studentEnrolled("s", in: "a")])
            let subscriber = Self.collect(3, of: store.subscribe(.course("a"), from: 3))
            try await store.append(.courseCreated("b"))
            try await store.append([.studentEnrolled("t", in: "b"), .studentEnrolled("u", in: "a")])
            try await store.append(.studentEnrolled("v", in: "a"))
            let events = try await subscriber.value
            #expect(events.map(\.position.rawValue) == [3, 6, 7])
        }
    }

    @Test func waitsForTheFirstMatchWhenNothingMatchesYet() async throws {
        try await withStoreAndDirectory { store, _ in
            let subscriber = Self.collect(1, of: store.subscribe(.course("late")))
            for number in 1...50 { try await store.append(.courseCreated("early\(number)")) }
            try await store.append(.courseCreated("late"))
            let events = try await subscriber.value
            #expect(events.map(\.position.rawValue) == [51])
        }
    }

    @Test func aBatchArrivesWhole() async throws {
        try await withStoreAndDirectory { store, _ in
            let subscriber = Self.collect(600, of: store.subscribe(.all))
            let batch = (1...600).map { Event.courseCreated("c\($0)") }
            try await store.append(batch)
            let events = try await subscriber.value
            #expect(events.map(\.position.rawValue) == Array(1...600))
        }
    }

    @Test func cancellingTheConsumerEndsTheSubscription() async throws {
        try await withStoreAndDirectory { store, _ in
            try await store.append(.courseCreated("a"))
            let subscription = store.subscribe(.all)
            let (received, receivedOne) = AsyncStream.makeStream(of: Void.self)
            let consumer = Task {
                var count = 0
                for try await _ in subscription {
                    count += 1
                    receivedOne.yield()
                }
                return count
            }
            // Once the consumer has the one event, it is waiting for more: cancel it then.
            for await _ in received { break }
            consumer.cancel()
            #expect(try await consumer.value == 1)
        }
    }

    @Test func closingTheStoreEndsAWaitingSubscriptionWithAnError() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await FileEventStore.create(at: directory.storePath, name: "site", options: .testing)
            let consumer = Task {
                for try await _ in store.subscribe(.all) {}
            }
            try await Task.sleep(for: .milliseconds(50))
            await store.close()
            await #expect {
                try await consumer.value
            } throws: { error in
                (error as? EventStoreError)?.code == .closed
            }
        }
    }

    @Test func aConsumerThatFallsBehindStillGetsEveryEventOnce() async throws {
        try await withStoreAndDirectory { store, _ in
            var iterator = store.subscribe(.all).makeAsyncIterator()
            try await store.append(.courseCreated("first"))
            #expect(try await iterator.next()?.position == 1)
            // The consumer pauses while thousands are committed; the store holds none of them for it.
            for start in stride(from: 0, to: 5_000, by: 500) {
                try await store.append((start..<start + 500).map { Event.courseCreated("c\($0)") })
            }
            var positions: [UInt64] = []
            while positions.count < 5_000, let event = try await iterator.next() {
                positions.append(event.position.rawValue)
            }
            #expect(positions == Array(2...5_001))
        }
    }

    @Test func seesAppendsMadeThroughAnotherOpeningOfTheSameDirectory() async throws {
        try await withStoreAndDirectory { store, directory in
            // A second opening has its own writer and index, as another process would.
            let other = try await FileEventStore.open(at: directory.storePath, options: .testing)
            let subscriber = Self.collect(20, of: store.subscribe(.all))
            for number in 1...20 { try await other.append(.courseCreated("c\(number)")) }
            let events = try await subscriber.value
            await other.close()
            #expect(events.map(\.position.rawValue) == Array(1...20))
        }
    }
}
