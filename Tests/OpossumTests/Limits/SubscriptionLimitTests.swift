import Foundation
import Testing

@testable import Opossum

@Suite("A store keeps its open subscriptions under the limit")
struct SubscriptionLimitTests {
    /// Options allowing `count` open subscriptions.
    static func options(subscriptions count: Int) -> FileEventStore.Options {
        FileEventStore.Options(durability: .none, limits: FileEventStore.Limits(maximumSubscriptions: count))
    }

    /// Starts a task that consumes a subscription to everything, and returns it once
    /// the first event arrived (the subscription is open then).
    private func startConsumer(_ store: FileEventStore) async throws -> Task<Int, any Error> {
        let (started, continuation) = AsyncStream<Void>.makeStream()
        let task = Task {
            var count = 0
            for try await _ in store.subscribe(.all) {
                count += 1
                if count == 1 { continuation.yield() }
            }
            return count
        }
        var iterator = started.makeAsyncIterator()
        _ = await iterator.next()
        return task
    }

    @Test("One subscription over the limit is refused with tooManySubscriptions; cancelling one frees its slot")
    func subscriptionOverTheLimitIsRefusedUntilOneIsCancelled() async throws {
        try await withStore(options: Self.options(subscriptions: 2)) { store in
            try await store.append(.courseCreated("c1"))
            let first = try await startConsumer(store)
            let second = try await startConsumer(store)

            var refused = store.subscribe(.all).makeAsyncIterator()
            let error = await expectStoreError(.tooManySubscriptions) { try await refused.next() }
            #expect(error?.code.isLimitExceeded == true)
            #expect(error?.message.contains("2 open subscriptions") == true, "\(String(describing: error))")
            #expect(error?.message.contains("maximumSubscriptions") == true)
            // A refused subscription has ended: it delivers nothing more.
            #expect(try await refused.next() == nil)

            #expect(store.subscriptionSlots.count == 2)
            first.cancel()
            #expect(try await first.value == 1)
            #expect(store.subscriptionSlots.count == 1)
            var third = store.subscribe(.all).makeAsyncIterator()
            #expect(try await third.next()?.position == 1)

            second.cancel()
            _ = try await second.value
            #expect(store.subscriptionSlots.count == 1, "the third is still open")
            withExtendedLifetime(third) {}
        }
    }

    @Test("Leaving a for loop early frees the subscription's slot")
    func leavingTheLoopFreesTheSlot() async throws {
        try await withStore(options: Self.options(subscriptions: 1)) { store in
            try await store.append([.courseCreated("c1"), .courseCreated("c2")])
            for _ in 0..<5 {
                var seen: [Position] = []
                for try await event in store.subscribe(.all) {
                    seen.append(event.position)
                    if seen.count == 2 { break }
                }
                #expect(seen == [1, 2])
            }
        }
    }

    @Test("A subscription takes a slot only once it is iterated, and gives it back when dropped")
    func onlyIteratedSubscriptionsTakeSlots() async throws {
        try await withStore(options: Self.options(subscriptions: 1)) { store in
            try await store.append(.courseCreated("c1"))
            let unused = (0..<10).map { _ in store.subscribe(.all) }
            #expect(unused.count == 10)
            do {
                var iterator = store.subscribe(.all).makeAsyncIterator()
                #expect(try await iterator.next()?.position == 1)
                var other = store.subscribe(.all).makeAsyncIterator()
                await expectStoreError(.tooManySubscriptions) { try await other.next() }
                withExtendedLifetime(iterator) {}
            }
            #expect(store.subscriptionSlots.count == 0)
            var again = store.subscribe(.all).makeAsyncIterator()
            #expect(try await again.next()?.position == 1)
        }
    }

    @Test("Closing the store ends its subscriptions and frees their slots")
    func closingTheStoreFreesTheSlots() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await FileEventStore.create(
                at: directory.storePath,
                name: "test-site",
                options: Self.options(subscriptions: 1)
            )
            try await store.append(.courseCreated("c1"))
            let consumer = try await startConsumer(store)
            await store.close()
            await #expect(throws: EventStoreError.self) { try await consumer.value }
            #expect(store.subscriptionSlots.count == 0)
        }
    }
}
