/// The events a subscription delivers: every matching event from a starting
/// position on, first those already committed, then each new one as it commits.
///
/// Events come in position order, without gaps or repeats, including those that
/// another process appends to the same store directory. The sequence is pulled: the
/// store reads the next chunk only when the consumer asks, so a slow consumer
/// never makes anything buffer beyond one chunk. It never ends by itself; it ends
/// (returns `nil`) when the consuming task is cancelled, and throws
/// ``EventStoreError/Code/closed`` when the store is closed.
///
/// A subscription is open from its first `next()` until it ends or its iterator is
/// dropped (a `for` loop left with `break` drops it); a store allows
/// ``FileEventStore/Limits/maximumSubscriptions`` open at once, and the first `next()`
/// of one more throws ``EventStoreError/Code/tooManySubscriptions``.
///
/// ```swift
/// let completions = try Query.types("WorkOrderCompleted")
/// let task = Task {
///     for try await event in store.subscribe(completions, from: checkpoint.next) {
///         try await report(event)
///     }
/// }
/// // later
/// task.cancel()
/// ```
public struct EventSubscription: AsyncSequence, Sendable {
    /// The element type: committed events.
    public typealias Element = SequencedEvent

    /// Events per chunk, while catching up and live.
    static let chunkSize = 256

    let engine: StoreEngine
    /// The store's count of open subscriptions.
    let slots: SubscriptionSlots
    let query: Query
    let from: Position?
    /// Whether system and withdrawn events are delivered too (for sync and projections).
    var includingHidden = false

    /// Starts the subscription; nothing is read until the first `next()`.
    public func makeAsyncIterator() -> Iterator {
        Iterator(
            engine: engine,
            slots: slots,
            query: query,
            next: from?.rawValue ?? 1,
            includingHidden: includingHidden
        )
    }

    /// Iterates an ``EventSubscription``.
    public struct Iterator: AsyncIteratorProtocol {
        private let engine: StoreEngine
        private let slots: SubscriptionSlots
        /// This subscription's place among the store's open ones, from the first `next()` on.
        private var slot: SubscriptionSlots.Slot?
        /// Whether the subscription ended (cancelled, or failed): it delivers nothing more.
        private var hasEnded = false
        private let query: Query
        /// The lowest position not yet delivered.
        private var next: UInt64
        private var reader: EventReader?
        /// The head as of the last finished read: the subscription waits for more.
        private var seenHead: UInt64?
        /// The current chunk, last event first, so each is moved out rather than copied.
        private var chunk: [SequencedEvent] = []

        private let includingHidden: Bool

        init(engine: StoreEngine, slots: SubscriptionSlots, query: Query, next: UInt64, includingHidden: Bool) {
            self.engine = engine
            self.slots = slots
            self.query = query
            self.includingHidden = includingHidden
            self.next = Swift.max(next, 1)
        }

        /// The next matching event, waiting for it to be committed if need be;
        /// `nil` once the task is cancelled.
        public mutating func next() async throws -> SequencedEvent? {
            try await next(isolation: nil)
        }

        /// The next matching event, waiting for it to be committed if need be;
        /// `nil` once the task is cancelled. Runs in the caller's isolation, so only
        /// fetching a new chunk or waiting for a commit leaves it.
        ///
        /// - Throws: ``EventStoreError/Code/tooManySubscriptions`` on the first call when
        ///   the store has ``FileEventStore/Limits/maximumSubscriptions`` open already;
        ///   ``EventStoreError/Code/closed`` once the store is closed.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> SequencedEvent? {
            guard !hasEnded else { return nil }
            if slot == nil && Task.isCancelled { return end() }
            do {
                if slot == nil { slot = try slots.acquire() }
                return try await nextEvent(isolation: actor) ?? end()
            } catch {
                _ = end()
                throw error
            }
        }

        /// Ends the subscription, giving its slot back; `nil`, for `next()` to return.
        private mutating func end() -> SequencedEvent? {
            hasEnded = true
            slot = nil
            chunk = []
            reader = nil
            return nil
        }

        /// The next matching event, or `nil` once the task is cancelled.
        private mutating func nextEvent(isolation actor: isolated (any Actor)?) async throws -> SequencedEvent? {
            while true {
                if let event = chunk.popLast() { return event }
                if Task.isCancelled { return nil }
                let reader = try await currentReader(isolation: actor)
                guard let reader else { return nil }
                let (events, isFinished, head) = try await IOThreadPool.shared.run {
                    (try reader.nextChunk(count: EventSubscription.chunkSize), reader.isFinished, reader.snapshotHead)
                }
                if let last = events.last { next = last.position.rawValue + 1 }
                chunk = events.reversed()
                if isFinished {
                    // Everything up to `head` has been seen: the next read starts past it.
                    self.reader = nil
                    seenHead = head
                    next = Swift.max(next, head + 1)
                }
            }
        }

        /// The reader to take the next chunk from, after waiting for the head to
        /// move if the last read reached it; `nil` when cancelled while waiting.
        private mutating func currentReader(isolation actor: isolated (any Actor)?) async throws -> EventReader? {
            if let reader { return reader }
            if let seenHead {
                do {
                    try await engine.headSignal.wait(beyond: seenHead)
                } catch is CancellationError {
                    return nil
                }
            } else {
                // Before the first read, so that no commit after it goes unnoticed.
                engine.startWatching()
            }
            let reader = EventReader(
                engine: engine,
                query: query,
                options: ReadOptions(from: Position(next)),
                includingHidden: includingHidden
            )
            self.reader = reader
            return reader
        }
    }
}
