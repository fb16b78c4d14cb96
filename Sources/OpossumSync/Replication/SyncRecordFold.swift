import Opossum

/// A state folded from sync records in log order, which takes the records after the
/// last one it folded: how the hub's and the site's kept states catch up.
///
/// Records are only ever appended, and read including hidden ones, so a state folded
/// through a position stays true.
protocol SyncRecordFold: Sendable {
    /// The state before any record.
    init()
    /// The position of the last record folded, `nil` before the first.
    var foldedThrough: Position? { get }
    /// Folds `records` (in log order), all of them after ``foldedThrough``.
    mutating func fold(_ records: [SequencedEvent]) throws
}

extension SyncRecordFold {
    /// This state with the records of `query` that `store` committed since folded in.
    func caughtUp(with query: Query, in store: FileEventStore) async throws -> Self {
        var records: [SequencedEvent] = []
        for try await record in store.readIncludingHidden(query, options: ReadOptions(from: foldedThrough?.next)) {
            records.append(record)
        }
        var state = self
        try state.fold(records)
        return state
    }

    /// This state with the records of `query` that a decided commit's `view` sees since
    /// folded in. Blocking: runs on the store's writer thread.
    func caughtUp(with query: Query, in view: StoreView) throws -> Self {
        var state = self
        try state.fold(try view.read(query, from: foldedThrough?.next, includingHidden: true))
        return state
    }

    /// Whether this state has folded records past those `other` has.
    func isNewer(than other: Self?) -> Bool {
        (foldedThrough?.rawValue ?? 0) > (other?.foldedThrough?.rawValue ?? 0)
    }
}
