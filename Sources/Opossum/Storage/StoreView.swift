package import Foundation

/// The store as a decided commit sees it: the index at the moment of deciding, with
/// nothing else being written until the decision is committed.
///
/// Sync uses it to judge a pushed decision by its own rule (DESIGN §7) and to write
/// the verdict in the same commit as the events it concerns. It is handed to the
/// closure of ``FileEventStore/commitDecided(_:)`` on the store's writer thread, so
/// its reads block that thread — which is what they are for.
package struct StoreView: @unchecked Sendable {
    /// What a decided request runs on the writer thread.
    package typealias Decide = @Sendable (StoreView) throws -> [DecidedBatch]

    let engine: StoreEngine
    let index: EventIndex

    /// The last committed position.
    package var head: Position { Position(index.head) }

    /// The lowest visible position after `after` (or any, without) that matches
    /// `query` and did not come from `excludedOrigin`.
    package func firstMatch(_ query: Query, after: Position?, excludingOrigin excludedOrigin: UUID? = nil) -> Position?
    {
        let cursor = index.plan(for: query).cursor(backwards: false)
        let excluded = excludedOrigin.flatMap { index.origins[$0] }.map { ListCursor($0, backwards: false) }
        var target = (after?.rawValue ?? 0) + 1
        while let position = cursor.seek(target) {
            guard let excluded, excluded.seek(position) == position else { return Position(position) }
            target = position + 1
        }
        return nil
    }

    /// Whether the event at `position` was copied from the store `storeId`.
    package func position(_ position: Position, isFrom storeId: UUID) -> Bool {
        guard let list = index.origins[storeId] else { return false }
        return ListCursor(list, backwards: false).seek(position.rawValue) == position.rawValue
    }

    /// The events matching `query`, forwards from `from` (inclusive), at most `limit`:
    /// the visible ones, or with `includingHidden` also system and withdrawn events.
    package func read(
        _ query: Query,
        from: Position? = nil,
        limit: Int? = nil,
        includingHidden: Bool = false
    ) throws -> [SequencedEvent] {
        let reader = EventReader(
            engine: engine,
            snapshot: index,
            query: query,
            options: ReadOptions(from: from, limit: limit),
            includingHidden: includingHidden
        )
        var events: [SequencedEvent] = []
        while !reader.isFinished {
            events += try reader.nextChunk(count: 1024)
        }
        return events
    }
}

/// One batch a decided commit writes: events, where each came from, and the
/// condition it was decided under.
package struct DecidedBatch: Sendable {
    /// The events, written in this order.
    package var events: [Event]
    /// One origin per event: where it was first appended, or `nil` for events new here.
    package var origins: [EventOrigin?]
    /// The condition to keep on the batch's first line, if any.
    package var condition: AppendCondition?
    /// Whether every event's data is known to be valid JSON, as `TransferLine.decode`
    /// checks the lines it reads: the commit then does not scan the payloads again.
    /// Every other check of the events still runs.
    package var dataIsCheckedJSON: Bool

    /// Creates a batch.
    package init(
        events: [Event],
        origins: [EventOrigin?]? = nil,
        condition: AppendCondition? = nil,
        dataIsCheckedJSON: Bool = false
    ) {
        self.events = events
        self.origins = origins ?? Array(repeating: nil, count: events.count)
        self.condition = condition
        self.dataIsCheckedJSON = dataIsCheckedJSON
    }
}
