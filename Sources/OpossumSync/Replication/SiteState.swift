import Foundation
import Opossum

/// What a site knows of its exchange with the hub, folded from its sync records.
///
/// The fold is incremental: ``fold(_:)`` takes the records after ``foldedThrough``,
/// so a site that keeps the state (``SiteStateCache``) decodes each record once.
///
/// Everything here comes from system events in the site's own log, so it is exactly
/// as durable as the events it describes and is never ahead of them.
struct SiteState: SyncRecordFold {
    /// A pull as the site applied it: from which local position its commit starts,
    /// up to which hub position, and with how many verdicts received by then.
    struct PullPoint: Sendable {
        var localPosition: Position
        var hubCursor: UInt64
        var verdictsSeen: UInt64
        /// The position of the pull's record, the last of its commit: the commit holds
        /// `localPosition...recordPosition`, the hub's events and sync records only.
        var recordPosition: Position
    }

    /// The pulls, in log order.
    private(set) var pulls: [PullPoint] = []
    /// The verdicts received, by number.
    private(set) var verdicts: [UInt64: Verdict] = [:]

    /// The hub position pulled up to.
    var hubCursor: UInt64 { pulls.last?.hubCursor ?? 0 }
    /// How many verdicts have been received.
    var verdictsSeen: UInt64 { pulls.last?.verdictsSeen ?? 0 }
    /// The last own position the hub has judged: everything up to it has a verdict.
    private(set) var acknowledgedThrough: UInt64 = 0
    /// The position of the last record folded, `nil` before the first.
    private(set) var foldedThrough: Position?

    /// The first position at or after `position` that no pull's commit holds — where a
    /// site's own events can be — and the position of the next pull's commit after it,
    /// if any: an export reads only between pulls.
    func ownRange(from position: Position) -> (start: Position, nextPull: Position?) {
        var start = position
        // Pulls are in log order and their commits do not overlap.
        var index = pullIndex(atOrAfter: start)
        while index < pulls.count, pulls[index].localPosition <= start {
            start = max(start, pulls[index].recordPosition.next)
            index += 1
        }
        return (start, index < pulls.count ? pulls[index].localPosition : nil)
    }

    /// The index of the first pull whose commit ends at or after `position`.
    private func pullIndex(atOrAfter position: Position) -> Int {
        pulls.partitioningIndex { $0.recordPosition >= position }
    }

    /// The pull that was the latest for a decision that read up to local position
    /// `position`: the last pull whose commit starts at or before it. (Commits are
    /// read whole, so reading any position of a pull's commit means having all of it.)
    func pull(asOf position: Position) -> PullPoint? {
        // Pulls are in log order: the last one at or before the position.
        let after = pulls.partitioningIndex { $0.localPosition > position }
        return after > 0 ? pulls[after - 1] : nil
    }

    /// The query selecting a site's sync records.
    static func query() throws -> Query {
        Query(try QueryItem(types: [SyncRecords.pulled, SyncRecords.verdict]))
    }

    /// Folds the sync records `events` (in log order), all of them after ``foldedThrough``.
    mutating func fold(_ events: [SequencedEvent]) throws {
        let decoder = SyncRecords.decoder()
        for record in events {
            switch record.type {
            case SyncRecords.pulled:
                let pulled = try decoder.decode(SyncRecords.Pulled.self, from: record.data)
                pulls.append(
                    PullPoint(
                        localPosition: Position(pulled.firstLocalPosition),
                        hubCursor: pulled.hubCursor,
                        verdictsSeen: pulled.verdictsSeen,
                        recordPosition: record.position
                    )
                )
            default:
                let verdict = try decoder.decode(Verdict.self, from: record.data)
                verdicts[verdict.number] = verdict
                acknowledgedThrough = max(acknowledgedThrough, verdict.originRange.upperBound.rawValue)
            }
            foldedThrough = record.position
        }
    }

    /// Reads the site's sync records.
    static func load(from store: FileEventStore) async throws -> SiteState {
        try await SiteStateCache().state(from: store)
    }
}
