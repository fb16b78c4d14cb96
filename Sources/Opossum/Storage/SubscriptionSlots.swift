import Synchronization

/// Counts a store's open subscriptions against ``FileEventStore/Limits/maximumSubscriptions``.
///
/// Each open subscription holds a ``Slot``; the slot goes back when the subscription
/// ends or its iterator is dropped, whichever comes first, so a consumer that breaks
/// out of its loop without cancelling frees its slot too.
final class SubscriptionSlots: Sendable {
    /// One open subscription's place; released once, when it ends or is dropped.
    final class Slot: Sendable {
        private let slots: SubscriptionSlots

        fileprivate init(_ slots: SubscriptionSlots) {
            self.slots = slots
        }

        deinit {
            slots.open.withLock { $0 -= 1 }
        }
    }

    /// How many subscriptions may be open at once.
    let limit: Int
    /// How many are.
    private let open = Mutex(0)
    /// The store, for error messages.
    private let directory: String

    init(limit: Int, directory: String) {
        self.limit = limit
        self.directory = directory
    }

    /// The number of subscriptions open now.
    var count: Int { open.withLock { $0 } }

    /// A slot for one more subscription.
    ///
    /// - Throws: ``EventStoreError/Code/tooManySubscriptions`` when ``limit`` are open.
    func acquire() throws(EventStoreError) -> Slot {
        let acquired = open.withLock { open -> Bool in
            guard open < limit else { return false }
            open += 1
            return true
        }
        guard acquired else {
            throw EventStoreError(
                .tooManySubscriptions,
                "the store already has \(limit) open subscriptions, its limit (Limits.maximumSubscriptions); "
                    + "end one (cancel its task or stop iterating it) before starting another",
                path: directory
            )
        }
        return Slot(self)
    }
}
