import Foundation
import Opossum
import Synchronization

/// The hub's ``HubSiteState`` of each site, kept between imports and brought up to
/// date with the records committed since: each record is read and decoded once.
///
/// Records are only ever appended, and read including hidden ones, so a state folded
/// through a position stays true; a newer state replaces an older one, never the
/// reverse.
final class HubSiteStateCache: Sendable {
    private let known = Mutex<[UUID: HubSiteState]>([:])

    /// The state of `site` as the decided commit's `view` sees it. Blocking: runs on
    /// the store's writer thread.
    func state(of site: UUID, in view: StoreView) throws -> HubSiteState {
        var state = known.withLock { $0[site] } ?? HubSiteState()
        try state.fold(
            try view.read(try HubSiteState.query(site), from: state.foldedThrough?.next, includingHidden: true)
        )
        keep(state, of: site)
        return state
    }

    /// The state of `site` as `hub` has committed it.
    func state(of site: UUID, from hub: FileEventStore) async throws -> HubSiteState {
        var state = known.withLock { $0[site] } ?? HubSiteState()
        var records: [SequencedEvent] = []
        let options = ReadOptions(from: state.foldedThrough?.next)
        for try await record in hub.readIncludingHidden(try HubSiteState.query(site), options: options) {
            records.append(record)
        }
        try state.fold(records)
        keep(state, of: site)
        return state
    }

    private func keep(_ state: HubSiteState, of site: UUID) {
        known.withLock { known in
            let kept = known[site]?.foldedThrough?.rawValue ?? 0
            if (state.foldedThrough?.rawValue ?? 0) > kept { known[site] = state }
        }
    }
}
