import Foundation
import Opossum

/// What the hub has recorded about one site: the verdicts on its batches, folded
/// from the hub's `$hub.verdicts` records.
struct HubSiteState: Sendable {
    /// The site's verdicts, by number.
    private(set) var verdicts: [Verdict] = []
    /// What the site last reported of its state.
    private(set) var contact: SyncRecords.Contact?

    /// The last site position judged: every own batch up to it has a verdict.
    var judgedThrough: UInt64 { verdicts.last?.originRange.upperBound.rawValue ?? 0 }
    /// The number of the latest verdict.
    var lastNumber: UInt64 { verdicts.last?.number ?? 0 }

    /// The verdict on the batch starting at site position `originFirst`.
    func verdict(startingAt originFirst: Position) -> Verdict? {
        // Verdicts are in site order: search by the batch's first position.
        var low = 0
        var high = verdicts.count
        while low < high {
            let middle = (low + high) / 2
            if verdicts[middle].originFirst < originFirst { low = middle + 1 } else { high = middle }
        }
        return low < verdicts.count && verdicts[low].originFirst == originFirst ? verdicts[low] : nil
    }

    /// The rejections numbered after `number`.
    func rejections(after number: UInt64) -> [Verdict] {
        verdicts.filter { $0.number > number && $0.outcome == .rejected }
    }

    /// The query selecting the hub's records about `site`.
    static func query(_ site: UUID) throws -> Query {
        Query(
            try QueryItem(types: [SyncRecords.hubVerdicts, SyncRecords.hubContact], tags: [SyncRecords.siteTag(site)])
        )
    }

    /// Folds the records `events` (in log order).
    init(records events: [SequencedEvent]) throws {
        let decoder = SyncRecords.decoder()
        for record in events {
            if record.type == SyncRecords.hubContact {
                contact = try decoder.decode(SyncRecords.Contact.self, from: record.data)
            } else {
                verdicts += try decoder.decode(SyncRecords.HubVerdicts.self, from: record.data).verdicts
            }
        }
    }

    /// Reads the hub's records about `site`.
    static func load(_ site: UUID, from hub: FileEventStore) async throws -> HubSiteState {
        var records: [SequencedEvent] = []
        for try await record in hub.readIncludingHidden(try query(site)) { records.append(record) }
        return try HubSiteState(records: records)
    }
}
