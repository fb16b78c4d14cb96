import Foundation
import Opossum
import Synchronization

/// The hub's ``HubSiteState`` of each site, kept between imports and brought up to
/// date with the records committed since: each record is read and decoded once.
///
/// A newer state replaces an older one, never the reverse.
final class HubSiteStateCache: Sendable {
    private let known = Mutex<[UUID: HubSiteState]>([:])

    /// The state of `site` as the decided commit's `view` sees it. Blocking: runs on
    /// the store's writer thread.
    func state(of site: UUID, in view: StoreView) throws -> HubSiteState {
        keep(try kept(site).caughtUp(with: try HubSiteState.query(site), in: view), of: site)
    }

    /// The state of `site` as `hub` has committed it.
    func state(of site: UUID, from hub: FileEventStore) async throws -> HubSiteState {
        keep(try await kept(site).caughtUp(with: try HubSiteState.query(site), in: hub), of: site)
    }

    private func kept(_ site: UUID) -> HubSiteState {
        known.withLock { $0[site] } ?? HubSiteState()
    }

    private func keep(_ state: HubSiteState, of site: UUID) -> HubSiteState {
        known.withLock { known in
            if state.isNewer(than: known[site]) { known[site] = state }
        }
        return state
    }
}
