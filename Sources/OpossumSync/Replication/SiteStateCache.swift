import Opossum
import Synchronization

/// A site's ``SiteState``, kept between syncs and brought up to date with the sync
/// records committed since: each record is read and decoded once.
///
/// Records are only ever appended, and read including hidden ones, so a state folded
/// through a position stays true; a newer state replaces an older one, never the
/// reverse.
final class SiteStateCache: Sendable {
    private let kept = Mutex(SiteState())

    /// The state as `store` has committed it.
    func state(from store: FileEventStore) async throws -> SiteState {
        var state = kept.withLock { $0 }
        var records: [SequencedEvent] = []
        let options = ReadOptions(from: state.foldedThrough?.next)
        for try await record in store.readIncludingHidden(try SiteState.query(), options: options) {
            records.append(record)
        }
        try state.fold(records)
        kept.withLock { kept in
            if (state.foldedThrough?.rawValue ?? 0) > (kept.foldedThrough?.rawValue ?? 0) { kept = state }
        }
        return state
    }
}
