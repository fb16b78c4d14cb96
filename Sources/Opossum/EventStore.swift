/// A store of events that implements the Dynamic Consistency Boundaries model.
///
/// Appends are atomic and guarded by an optional ``AppendCondition``; reads select
/// events with a ``Query`` and return them in position order. ``FileEventStore`` is
/// the durable, file-backed implementation.
public protocol EventStore: Sendable {
    /// The asynchronous sequence a read returns.
    associatedtype Events: AsyncSequence<SequencedEvent, any Error> & Sendable
    /// The asynchronous sequence a subscription returns.
    associatedtype Subscription: AsyncSequence<SequencedEvent, any Error> & Sendable

    /// Appends `events` as one atomic batch, if `condition` holds.
    ///
    /// - Returns: The position of the batch's last event.
    /// - Throws: ``AppendConditionError`` when the condition fails (nothing is
    ///   written); ``EventStoreError`` for invalid events and storage failures.
    func append(_ events: [Event], condition: AppendCondition?) async throws -> Position

    /// The events matching `query`, in position order, as an asynchronous sequence
    /// that holds only a small window of events in memory at a time.
    func read(_ query: Query, options: ReadOptions) -> Events

    /// The matching event with the highest position, or `nil` if none matches.
    func readLast(_ query: Query) async throws -> SequencedEvent?

    /// The events matching `query` from `from` on (inclusive; `nil` starts at the
    /// first), then each new match as it is committed — also by another process.
    ///
    /// The sequence ends when the consuming task is cancelled.
    func subscribe(_ query: Query, from: Position?) -> Subscription
}

extension EventStore {
    /// Appends one event, if `condition` holds.
    ///
    /// - Returns: The event's position.
    @discardableResult
    public func append(_ event: Event, condition: AppendCondition? = nil) async throws -> Position {
        try await append([event], condition: condition)
    }

    /// Appends `events` as one atomic batch without a condition.
    @discardableResult
    public func append(_ events: [Event]) async throws -> Position {
        try await append(events, condition: nil)
    }

    /// The events matching `query`, read forwards from the first.
    public func read(_ query: Query) -> Events {
        read(query, options: .none)
    }

    /// Reads the events matching `query` and collects them into an array.
    ///
    /// Convenient for small results; use ``read(_:options:)`` to stream large ones.
    public func readAll(_ query: Query, options: ReadOptions = .none) async throws -> [SequencedEvent] {
        var events: [SequencedEvent] = []
        for try await event in read(query, options: options) {
            events.append(event)
        }
        return events
    }
}
