import Foundation
import Opossum

/// What the hub has recorded about one site: the verdicts on its batches, folded
/// from the hub's `$hub.verdicts` records.
///
/// The fold is incremental: ``fold(_:)`` takes the records after ``foldedThrough``,
/// so a hub that keeps the state (``HubSiteStateCache``) reads and decodes each record
/// once, however many imports follow.
struct HubSiteState: SyncRecordFold {
    /// The site's verdicts, by number: verdict *n* is at index *n − 1*.
    private(set) var verdicts: [Verdict] = []
    /// The site's rejections, by number.
    private(set) var rejections: [Verdict] = []
    /// What the site last reported of its state.
    private(set) var contact: SyncRecords.Contact?
    /// The position of the last record folded, `nil` before the first.
    private(set) var foldedThrough: Position?

    /// The last site position judged: every own batch up to it has a verdict.
    var judgedThrough: UInt64 { verdicts.last?.originRange.upperBound.rawValue ?? 0 }
    /// The number of the latest verdict.
    var lastNumber: UInt64 { verdicts.last?.number ?? 0 }

    /// The verdict on the batch starting at site position `originFirst`.
    func verdict(startingAt originFirst: Position) -> Verdict? {
        // Verdicts are in site order: search by the batch's first position.
        let index = verdicts.partitioningIndex { $0.originFirst >= originFirst }
        return index < verdicts.count && verdicts[index].originFirst == originFirst ? verdicts[index] : nil
    }

    /// The verdicts numbered after `number`.
    func verdicts(after number: UInt64) -> ArraySlice<Verdict> {
        verdicts[verdicts.partitioningIndex { $0.number > number }...]
    }

    /// The rejections numbered after `number`.
    func rejections(after number: UInt64) -> ArraySlice<Verdict> {
        rejections[rejections.partitioningIndex { $0.number > number }...]
    }

    /// The query selecting the hub's records about `site`.
    static func query(_ site: UUID) throws -> Query {
        Query(
            try QueryItem(types: [SyncRecords.hubVerdicts, SyncRecords.hubContact], tags: [SyncRecords.siteTag(site)])
        )
    }

    /// Folds the records `events` (in log order), all of them after ``foldedThrough``.
    mutating func fold(_ events: [SequencedEvent]) throws {
        let decoder = SyncRecords.decoder()
        for record in events {
            if record.type == SyncRecords.hubContact {
                contact = try decoder.decode(SyncRecords.Contact.self, from: record.data)
            } else {
                let decided = try decoder.decode(SyncRecords.HubVerdicts.self, from: record.data).verdicts
                verdicts += decided
                rejections += decided.filter { $0.outcome == .rejected }
            }
            foldedThrough = record.position
        }
    }
}
