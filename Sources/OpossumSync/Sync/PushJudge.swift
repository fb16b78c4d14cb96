import Foundation
import Opossum

/// Judges the batches of one push at the hub, on the writer thread, by DESIGN §7:
///
/// 1. a batch the hub has judged before gets its stored verdict (`duplicate`);
/// 2. a batch without a condition is accepted;
/// 3. otherwise it is rejected iff its query matches (a) a hub event after
///    `afterHub` that did not come from this site, or (b) one of this site's own
///    events that the hub rejected, that the site had seen (`ownKnown`) and whose
///    rejection it had not yet received (`verdictsSeen`).
struct PushJudge {
    let view: StoreView
    let site: PublicIdentity
    let state: HubSiteState
    /// One answer per batch, in the push's order.
    private(set) var answers: [BatchVerdict] = []
    private var accepted: [DecidedBatch] = []
    private var newVerdicts: [Verdict] = []
    /// Batches rejected earlier in this push, with their events: rule (b) sees them too.
    private var rejectedHere: [(Verdict, [Event])] = []
    private var nextPosition: UInt64

    init(view: StoreView, site: PublicIdentity, state: HubSiteState) {
        self.view = view
        self.site = site
        self.state = state
        self.nextPosition = view.head.rawValue + 1
    }

    /// Judges one batch.
    mutating func judge(_ batch: BundleLine.PushedBatch, _ events: [SequencedEvent]) throws {
        if batch.originFirst.rawValue <= state.judgedThrough {
            guard let stored = state.verdict(startingAt: batch.originFirst) else {
                throw SyncError(
                    .malformed,
                    "\(site.name)'s batch at its position \(batch.originFirst) overlaps batches head office already judged"
                )
            }
            answers.append(BatchVerdict(verdict: stored, isDuplicate: true))
            return
        }
        let conflicts = try batch.condition.map { try self.conflicts(of: $0.failIfEventsMatch, batch) } ?? []
        let verdict = Verdict(
            number: state.lastNumber + UInt64(newVerdicts.count) + 1,
            originFirst: batch.originFirst,
            count: batch.count,
            outcome: conflicts.isEmpty ? .accepted : .rejected,
            hubFirst: Position(nextPosition),
            reason: conflicts.first.map(reason(for:)),
            conflicts: conflicts
        )
        accepted.append(
            DecidedBatch(
                events: events.map(\.event),
                origins: events.map { EventOrigin(storeId: site.storeId, position: $0.position) },
                // What was checked here: the query, after what the site had pulled.
                condition: batch.condition.map {
                    AppendCondition(failIfEventsMatch: $0.failIfEventsMatch, after: Position(batch.afterHub))
                },
                // Decoding the push's lines checked every payload.
                dataIsCheckedJSON: true
            )
        )
        nextPosition += UInt64(events.count)
        newVerdicts.append(verdict)
        if verdict.outcome == .rejected { rejectedHere.append((verdict, events.map(\.event))) }
        answers.append(BatchVerdict(verdict: verdict, isDuplicate: false))
    }

    /// The batches to commit: every judged batch (rejected ones to be hidden as
    /// quarantine), then the record of the verdicts, which hides the rejected ones,
    /// and the site's reported state if it changed.
    func batches(reporting contact: SyncRecords.Contact?) throws -> [DecidedBatch] {
        let contactRecord = try contact.map {
            try SyncRecords.event(SyncRecords.hubContact, $0, tags: [SyncRecords.siteTag(site.storeId)])
        }
        guard !newVerdicts.isEmpty else { return contactRecord.map { [DecidedBatch(events: [$0])] } ?? [] }
        var tags = [SyncRecords.siteTag(site.storeId)]
        for verdict in newVerdicts where verdict.outcome == .rejected {
            tags.append(
                SyncRecords.hideTag(verdict.hubFirst...Position(verdict.hubFirst.rawValue + UInt64(verdict.count) - 1))
            )
        }
        let record = try SyncRecords.event(
            SyncRecords.hubVerdicts,
            SyncRecords.HubVerdicts(site: site.storeId, verdicts: newVerdicts),
            tags: tags
        )
        return accepted + [DecidedBatch(events: [record] + (contactRecord.map { [$0] } ?? []))]
    }

    /// The events that make a decision with `query` stale; empty if it holds.
    private func conflicts(of query: Query, _ batch: BundleLine.PushedBatch) throws -> [Verdict.Conflict] {
        // (a) A hub event the site had not seen.
        if let position = view.firstMatch(query, after: Position(batch.afterHub), excludingOrigin: site.storeId),
            let event = try view.read(.all, from: position, limit: 1).first
        {
            return [
                Verdict.Conflict(eventId: event.eventId, type: event.type, hubPosition: position, kind: .unseenHubEvent)
            ]
        }
        // (b) An own event the hub rejected, which the decision rested on.
        func restedOn(_ verdict: Verdict) -> Bool {
            verdict.number > batch.verdictsSeen && verdict.originFirst.rawValue <= batch.ownKnown
        }
        let quarantined = try state.rejections(after: batch.verdictsSeen).filter(restedOn).map { verdict in
            (
                verdict,
                try view.read(.all, from: verdict.hubFirst, limit: verdict.count, includingHidden: true).map(\.event)
            )
        }
        for (verdict, events) in quarantined + rejectedHere.filter({ restedOn($0.0) }) {
            if let index = events.firstIndex(where: query.matches) {
                let event = events[index]
                return [
                    Verdict.Conflict(
                        eventId: event.metadata.eventId!,
                        type: event.type,
                        hubPosition: Position(verdict.hubFirst.rawValue + UInt64(index)),
                        kind: .rejectedOwnEvent
                    )
                ]
            }
        }
        return []
    }

    private func reason(for conflict: Verdict.Conflict) -> String {
        switch conflict.kind {
        case .unseenHubEvent:
            "the decision was made without \(conflict.type) (head-office position \(conflict.hubPosition)), "
                + "which reached head office from elsewhere before this site's decision did"
        case .rejectedOwnEvent:
            "the decision rested on this site's earlier \(conflict.type), which head office rejected"
        }
    }
}
