import Opossum
import Synchronization

/// A site's ``SiteState``, kept between syncs and brought up to date with the sync
/// records committed since: each record is read and decoded once.
///
/// A newer state replaces an older one, never the reverse.
final class SiteStateCache: Sendable {
    private let kept = Mutex(SiteState())

    /// The state as `store` has committed it.
    func state(from store: FileEventStore) async throws -> SiteState {
        let state = try await kept.withLock { $0 }.caughtUp(with: try SiteState.query(), in: store)
        kept.withLock { kept in
            if state.isNewer(than: kept) { kept = state }
        }
        return state
    }
}
