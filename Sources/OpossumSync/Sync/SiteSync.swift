import Foundation
public import Opossum
import Synchronization

/// A site's side of sync: writes push bundles of its own decisions and applies the
/// pull bundles the hub sends back.
///
/// Both directions work on bundle files, whether they then travel over HTTP or on a
/// USB stick. Every step is safe to repeat: exporting again resends what the hub has
/// not judged yet (it answers with the same verdicts), and a pull imported twice is
/// refused the second time as older than what the store has, changing nothing.
public struct SiteSync: Sendable {
    /// The site's store.
    public let store: FileEventStore
    /// The hub this site syncs with.
    public let hub: PublicIdentity
    private let signer: SigningIdentity
    /// What the site knows of its exchange with the hub, kept between syncs.
    private let siteState = SiteStateCache()

    /// Prepares to sync `store` with `hub`, loading (or making) the store's signing key.
    public init(store: FileEventStore, hub: PublicIdentity) async throws {
        self.store = store
        self.hub = hub
        self.signer = try await SigningIdentity.loadOrCreate(for: store)
    }

    /// The hub's verdicts on `store`'s own batches received so far, in the order the
    /// hub gave them; the rejected ones are what `opossum rejections` lists.
    public static func verdicts(in store: FileEventStore) async throws -> [Verdict] {
        try await SiteState.load(from: store).verdicts.values.sorted { $0.number < $1.number }
    }

    /// What the site asks the hub for when it pulls: the hub position it has pulled
    /// up to, and how many verdicts it has received.
    public func pullRequest() async throws -> (hubCursor: UInt64, verdictsSeen: UInt64) {
        let state = try await siteState.state(from: store)
        return (state.hubCursor, state.verdictsSeen)
    }

    /// Writes the site's own batches that the hub has not judged yet to a push bundle
    /// at `path`, each with its condition in hub terms (DESIGN §7), at most about
    /// `maximumEvents` events (whole batches).
    ///
    /// The bundle is written even when there is nothing to push: it still tells the
    /// hub how far this site has pulled, which is what a pull bundle on a USB stick
    /// needs.
    ///
    /// With `compressed`, the file is gzip-compressed (readers recognise it). A bundle
    /// that only crosses a network and is deleted right after need not be `durable`
    /// (flushed to disk).
    ///
    /// - Parameters:
    ///   - hubJudgedThrough: The own position up to which the hub says it has judged
    ///     this site's batches (``SiteStatus/judgedThrough``), when it was asked: the
    ///     bundle starts after it even before its verdicts arrive, so a large first push
    ///     that was cut short resumes instead of starting over.
    ///   - maximumBytes: About the most bytes the bundle's lines may take (before
    ///     compression): it ends with the batch that reaches it. A hub refuses a push
    ///     over its body limit, so an agent passes that limit here.
    /// - Returns: What the bundle holds (``BundleHeader/eventCount`` 0 when nothing was left to push).
    public func exportPush(
        to path: String,
        hubJudgedThrough: UInt64 = 0,
        maximumEvents: Int = 10_000,
        maximumBytes: Int = .max,
        compressed: Bool = false,
        durable: Bool = true
    ) async throws -> BundleSummary {
        let state = try await siteState.state(from: store)
        let acknowledged = state.acknowledgedThrough
        let start = max(acknowledged, hubJudgedThrough)
        var lines: [BundleLine] = []
        var batchCount = 0
        var eventCount = 0
        var byteCount = 0
        var firstPosition: Position?
        var lastPosition: Position?
        // The batch being gathered: its first event, and its lines so far.
        var openFirst: StoredEvent?
        var openLines: [BundleLine] = []
        var openBytes = 0
        var next = Position(start + 1)
        scan: while eventCount < maximumEvents && byteCount < maximumBytes {
            // Pulled events are the hub's: read only between the pulls' commits.
            let (from, nextPull) = state.ownRange(from: next)
            let limit = nextPull.map { Int(min($0.rawValue - from.rawValue, 4096)) } ?? 4096
            // The lines are copied as they are: no need to decode payloads.
            let chunk = try await store.readStored(from: from, limit: limit, lines: true)
            guard let last = chunk.last else { break }
            next = last.event.position.next
            for index in chunk.indices
            where chunk[index].event.origin == nil && !chunk[index].event.type.hasPrefix("$") {
                let position = chunk[index].event.position
                if position == chunk[index].batchFirst {
                    openFirst = chunk[index]
                    openLines.removeAll(keepingCapacity: true)
                    openBytes = 0
                }
                guard let first = openFirst else { continue }
                let line = chunk[index].line ?? []
                openLines.append(.storedLine(line))
                openBytes += line.count + 1
                guard openLines.count == first.batchCount else { continue }
                lines.append(.batch(translate(first, count: openLines.count, state: state)))
                lines += openLines
                // Each line and its newline, and the batch's own line, which holds the
                // condition the first line holds, and a few numbers.
                byteCount += openBytes + 256 + (first.line?.count ?? 0)
                firstPosition = firstPosition ?? first.batchFirst
                lastPosition = position
                batchCount += 1
                eventCount += openLines.count
                openFirst = nil
                if eventCount >= maximumEvents || byteCount >= maximumBytes { break scan }
            }
        }
        let header = BundleHeader(
            kind: .push,
            source: signer.identity,
            targetStoreId: hub.storeId,
            firstPosition: firstPosition?.rawValue ?? start + 1,
            lastPosition: lastPosition?.rawValue ?? start,
            prerequisites: [
                "acknowledgedThrough": acknowledged,
                "hubCursor": state.hubCursor,
                "verdictsSeen": state.verdictsSeen,
            ],
            batchCount: UInt64(batchCount),
            eventCount: UInt64(eventCount)
        )
        return try await BundleFile.write(
            lines,
            header: header,
            to: path,
            signer: signer,
            compressed: compressed,
            durable: durable
        )
    }

    /// The condition of an own batch in hub terms: what the site had pulled, knew of
    /// its own events and had been told by the hub at the decision's read point.
    private func translate(_ first: StoredEvent, count: Int, state: SiteState) -> BundleLine.PushedBatch {
        // With an explicit `after` the decision read up to it; without one, it saw the
        // whole log before the batch.
        let readPoint = first.condition?.after ?? Position(first.batchFirst.rawValue - 1)
        let pull = state.pull(asOf: readPoint)
        return BundleLine.PushedBatch(
            originFirst: first.batchFirst,
            count: count,
            condition: first.condition,
            afterHub: pull?.hubCursor ?? 0,
            ownKnown: readPoint.rawValue,
            verdictsSeen: pull?.verdictsSeen ?? 0
        )
    }

    /// Verifies the pull bundle at `path` and applies it: the hub's events after this
    /// site's cursor, appended in the hub's order with the new cursor in the same
    /// commit, and the verdicts on this site's batches — rejected batches become
    /// invisible to reads, conditions and projections.
    ///
    /// The bundle is verified whole first, then applied a part at a time (about
    /// ``HubSync/importChunkEvents`` lines, whole hub batches), each part committed
    /// with the cursor it reaches while the next is decoded: a bundle of any size
    /// imports in bounded memory, and an import cut short continues where it stopped.
    ///
    /// - Throws: ``SyncError`` when the bundle is refused (nothing is imported then).
    public func importPull(from path: String) async throws -> PullSummary {
        let (hub, target) = (self.hub, store.identity.storeId)
        let reader = try await IOThreadPool.shared.run {
            try BundleReader(path: path, trustedSource: { $0 == hub.storeId ? hub : nil }, target: target)
        }
        guard reader.header.kind == .pull else {
            throw SyncError(.wrongKind, "this is a push bundle, where a pull bundle was expected", path: path)
        }
        var summary = PullSummary(eventCount: 0, verdicts: [], hubCursor: 0, broughtNothing: true)
        var carried: [BundleLine] = []
        var isFirst = true
        var parts = BundleParts(reader, linesPerPart: HubSync.importChunkEvents)
        while true {
            let lines = try await parts.next()
            let isLast = lines.isEmpty
            var part = carried + lines
            carried = Self.takeUnfinishedBatch(from: &part)
            guard !isLast || carried.isEmpty else {
                throw SyncError(.malformed, "the bundle ends inside a batch of head office's events", path: path)
            }
            let step = try await apply(
                part,
                header: reader.header,
                checkingOrder: isFirst,
                isLast: isLast,
                importedBefore: !summary.broughtNothing,
                path: path
            )
            summary.eventCount += step.eventCount
            summary.verdicts += step.verdicts
            summary.hubCursor = max(summary.hubCursor, step.hubCursor)
            summary.broughtNothing = summary.broughtNothing && step.broughtNothing
            isFirst = false
            if isLast { return summary }
        }
    }

    /// How far the hub's log must have grown with nothing for this site before a pull
    /// records the new cursor anyway, so later pulls need not scan it again.
    static let unseenStepWorthRecording: UInt64 = 10_000

    /// Removes from `lines` the events of a hub batch that the next lines finish, and
    /// returns them: a decision is never committed in part.
    private static func takeUnfinishedBatch(from lines: inout [BundleLine]) -> [BundleLine] {
        guard case .event(let last, let batchFirst, let batchCount)? = lines.last,
            last.position.rawValue < batchFirst.rawValue + UInt64(batchCount) - 1,
            let start = lines.lastIndex(where: { line in
                if case .event(let event, _, _) = line { return event.position == batchFirst }
                return false
            })
        else { return [] }
        defer { lines.removeSubrange(start...) }
        return Array(lines[start...])
    }

    /// Applies one part of a pull bundle in one commit.
    private func apply(
        _ lines: [BundleLine],
        header: BundleHeader,
        checkingOrder: Bool,
        isLast: Bool,
        importedBefore: Bool,
        path: String
    ) async throws -> PullSummary {
        let after = header.prerequisites["hubCursorAfter"] ?? 0
        let hub = self.hub
        let outcome = Mutex(PullSummary(eventCount: 0, verdicts: [], hubCursor: 0, broughtNothing: true))
        let decoder = SyncRecords.decoder()
        _ = try await store.commitDecided { view in
            // The site's cursor as of this commit: another import may have just run.
            var cursor: UInt64 = 0
            var verdictsSeen: UInt64 = 0
            let pulledQuery = Query(try QueryItem(types: [SyncRecords.pulled]))
            if let latest = try view.read(pulledQuery, includingHidden: true).last {
                let pulled = try decoder.decode(SyncRecords.Pulled.self, from: latest.data)
                (cursor, verdictsSeen) = (pulled.hubCursor, pulled.verdictsSeen)
            }
            guard !checkingOrder || after <= cursor else {
                throw SyncError(
                    .outOfOrder,
                    "the bundle continues from head-office position \(after), but this store has only pulled up to "
                        + "\(cursor); import the earlier bundles first",
                    path: path
                )
            }
            var batches: [DecidedBatch] = []
            var openBatch: Position?
            var records: [Event] = []
            var newVerdicts: [Verdict] = []
            var reached = cursor
            for line in lines {
                switch line {
                case .event(let event, _, _) where event.position.rawValue <= cursor:
                    continue
                case .event(let event, let batchFirst, _):
                    let origin = event.origin ?? EventOrigin(storeId: hub.storeId, position: event.position)
                    // A hub batch stays one batch here: a decision is never seen in part.
                    if openBatch != batchFirst {
                        // Decoding the pull's lines checked every payload.
                        batches.append(DecidedBatch(events: [], dataIsCheckedJSON: true))
                        openBatch = batchFirst
                    }
                    batches[batches.count - 1].events.append(event.event)
                    batches[batches.count - 1].origins.append(origin)
                    reached = max(reached, event.position.rawValue)
                case .verdict(let verdict) where verdict.number > verdictsSeen:
                    records.append(try SyncRecords.event(SyncRecords.verdict, verdict))
                    newVerdicts.append(verdict)
                case .verdict, .batch, .storedLine:
                    continue
                }
            }
            // The last part takes the cursor as far as the hub scanned for this site.
            var newCursor = isLast ? max(cursor, header.lastPosition) : reached
            let imported = batches.reduce(0) { $0 + $1.events.count }
            // A pull that brings nothing at all moves the cursor over the hub positions a
            // site never sees (the hub's own records, other sites' rejected batches) only
            // a long step at a time: recording every small step would make each sync
            // write here, and the hub write the new cursor it reports, for ever.
            let bringsNothing = !importedBefore && imported == 0 && newVerdicts.isEmpty
            if bringsNothing && newCursor - cursor < Self.unseenStepWorthRecording {
                newCursor = cursor
            }
            let nothing = imported == 0 && newVerdicts.isEmpty && newCursor == cursor
            outcome.withLock {
                $0 = PullSummary(
                    eventCount: imported,
                    verdicts: newVerdicts,
                    hubCursor: newCursor,
                    broughtNothing: nothing
                )
            }
            if nothing {
                // Up to date is fine; a bundle from before what this store has is refused.
                guard !isLast || importedBefore || after >= cursor else {
                    throw SyncError(
                        .outOfOrder,
                        "this bundle is older than what this store already has: it continues from head-office "
                            + "position \(after), and this store has everything up to \(cursor); nothing was imported",
                        path: path
                    )
                }
                return []
            }
            // Rejected own batches are withdrawn: hidden from now on, undone by projections.
            let rejected = newVerdicts.filter { $0.outcome == .rejected }.map(\.originRange)
            if !rejected.isEmpty { records.append(Withdrawal.event(hiding: rejected)) }
            records.append(
                try SyncRecords.event(
                    SyncRecords.pulled,
                    SyncRecords.Pulled(
                        hubStoreId: hub.storeId,
                        firstLocalPosition: view.head.rawValue + 1,
                        hubCursor: newCursor,
                        verdictsSeen: max(verdictsSeen, newVerdicts.map(\.number).max() ?? 0)
                    )
                )
            )
            return batches + [DecidedBatch(events: records)]
        }
        return outcome.withLock { $0 }
    }
}

/// What a pull bundle brought.
public struct PullSummary: Hashable, Sendable {
    /// How many hub events were appended.
    public var eventCount: Int
    /// The verdicts on this site's batches that arrived with it.
    public var verdicts: [Verdict]
    /// The hub position this site has now pulled up to.
    public var hubCursor: UInt64
    /// Whether the bundle brought nothing new: the site was up to date.
    public var broughtNothing: Bool
}
