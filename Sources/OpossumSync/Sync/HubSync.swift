import Foundation
public import Opossum
import Synchronization

/// The hub's side of sync: judges the decisions sites push, and writes each site
/// the pull bundle of what it has not seen.
///
/// A push is judged by DESIGN §7's rule, in the site's order, in one commit with its
/// verdicts: nothing is ever half-imported, and a resent push gets its stored
/// verdicts back.
public struct HubSync: Sendable {
    /// The hub's store.
    public let store: FileEventStore
    private let signer: SigningIdentity
    /// What the hub has recorded of each site, kept between imports and pulls.
    let siteStates = HubSiteStateCache()

    /// Prepares `store` to act as the hub, loading (or making) its signing key.
    public init(store: FileEventStore) async throws {
        self.store = store
        self.signer = try await SigningIdentity.loadOrCreate(for: store)
    }

    /// Verifies the push bundle at `path` from the enrolled `site` and judges each of
    /// its batches: accepted batches are appended to the hub's log (keeping their
    /// origin), rejected ones quarantined (kept, hidden), and every verdict stored.
    ///
    /// - Returns: One verdict per batch, in the bundle's order.
    /// - Throws: ``SyncError`` when the bundle is refused; nothing is imported then.
    public func importPush(from path: String, site: PublicIdentity) async throws -> [BatchVerdict] {
        try await importPush(from: path, trusting: [site]).verdicts
    }

    /// Verifies the push bundle at `path` from whichever of the enrolled `sites` wrote
    /// it, and judges it; see ``importPush(from:site:)``.
    ///
    /// The bundle is verified whole first, then read and judged a part at a time (about
    /// ``importChunkEvents`` events, whole batches), each part committed with its
    /// verdicts while the next is decoded: a bundle of any size imports in bounded
    /// memory, and an import cut short resumes where it stopped (the parts already
    /// judged come back as duplicates).
    ///
    /// - Returns: The site that pushed, and one verdict per batch.
    public func importPush(
        from path: String,
        trusting sites: [PublicIdentity]
    ) async throws -> (site: PublicIdentity, verdicts: [BatchVerdict]) {
        let target = store.identity.storeId
        let reader = try await IOThreadPool.shared.run {
            try BundleReader(path: path, trustedSource: { id in sites.first { $0.storeId == id } }, target: target)
        }
        let header = reader.header
        guard header.kind == .push else {
            throw SyncError(
                .wrongKind,
                "this is a \(header.kind.rawValue) bundle, where a push was expected",
                path: path
            )
        }
        guard let site = sites.first(where: { $0.storeId == header.sourceStoreId }) else {
            throw SyncError(.unknownSource, "the bundle's source is not enrolled here", path: path)
        }
        var verdicts: [BatchVerdict] = []
        var pending = PushedBatches(site: site, path: path)
        var parts = BundleParts(reader, linesPerPart: Self.importChunkEvents)
        while true {
            let lines = try await parts.next()
            let isLast = lines.isEmpty
            try pending.add(lines)
            let complete = try pending.takeComplete(atEnd: isLast)
            if !complete.isEmpty || isLast {
                verdicts += try await judge(complete, from: site, header: header, reportingContact: isLast, path: path)
            }
            if isLast { return (site, verdicts) }
        }
    }

    /// Events (lines) read and judged at a time by an import.
    public static let importChunkEvents = 10_000

    /// Judges `batches` of a push in one decided commit.
    private func judge(
        _ batches: [(BundleLine.PushedBatch, [SequencedEvent])],
        from site: PublicIdentity,
        header: BundleHeader,
        reportingContact: Bool,
        path: String
    ) async throws -> [BatchVerdict] {
        let acknowledged = header.prerequisites["acknowledgedThrough"] ?? 0
        let answers = Mutex<[BatchVerdict]>([])
        _ = try await store.commitDecided { view in
            let state = try siteStates.state(of: site.storeId, in: view)
            guard acknowledged <= state.judgedThrough else {
                throw SyncError(
                    .outOfOrder,
                    "\(site.name) has verdicts up to its position \(acknowledged), but head office has judged only up to "
                        + "\(state.judgedThrough): this hub's store is older than the one the site synced with",
                    path: path
                )
            }
            var judge = PushJudge(view: view, site: site, state: state)
            for (batch, events) in batches {
                try judge.judge(batch, events)
            }
            answers.withLock { $0 = judge.answers }
            let contact = reportingContact ? Self.contact(from: header, site: site.storeId, known: state.contact) : nil
            return try judge.batches(reporting: contact)
        }
        return answers.withLock { $0 }
    }

    /// What the push says of the site's state, if it changed since the last one.
    private static func contact(
        from header: BundleHeader,
        site: UUID,
        known: SyncRecords.Contact?
    ) -> SyncRecords.Contact? {
        guard let cursor = header.prerequisites["hubCursor"], let seen = header.prerequisites["verdictsSeen"],
            cursor != known?.hubCursor || seen != known?.verdictsSeen
        else { return nil }
        return SyncRecords.Contact(site: site, hubCursor: cursor, verdictsSeen: seen, at: header.createdAt)
    }

    /// Writes the pull bundle for `site` from what it reported with its latest push
    /// (from the beginning if it never pushed): the USB path, where the site cannot ask.
    public func exportPull(
        for site: PublicIdentity,
        to path: String,
        maximumEvents: Int = 10_000,
        compressed: Bool = false
    ) async throws -> BundleSummary {
        let contact = try await siteStates.state(of: site.storeId, from: store).contact
        return try await exportPull(
            for: site,
            after: contact?.hubCursor ?? 0,
            verdictsAfter: contact?.verdictsSeen ?? 0,
            to: path,
            maximumEvents: maximumEvents,
            compressed: compressed
        )
    }

    /// Writes the pull bundle for `site`: the hub's events after `cursor` that did not
    /// come from the site, in hub order (at most about `maximumEvents`, whole
    /// batches), and the site's verdicts numbered after `verdictsAfter`; gzip-compressed
    /// with `compressed`, and flushed to disk when `durable` (a bundle served over HTTP
    /// and deleted right after need not be).
    public func exportPull(
        for site: PublicIdentity,
        after cursor: UInt64,
        verdictsAfter: UInt64,
        to path: String,
        maximumEvents: Int = 10_000,
        compressed: Bool = false,
        durable: Bool = true
    ) async throws -> BundleSummary {
        let head = try await store.status().head.rawValue
        var lines: [BundleLine] = []
        let state = try await siteStates.state(of: site.storeId, from: store)
        for verdict in state.verdicts(after: verdictsAfter) {
            lines.append(.verdict(verdict))
        }
        var eventCount = 0
        var batchCount = 0
        var reached = cursor
        var next = Position(cursor + 1)
        scan: while next.rawValue <= head {
            let chunk = try await store.readStored(
                from: next,
                limit: 4096,
                includingHidden: false,
                excludingOrigin: site.storeId,
                lines: true
            )
            guard let last = chunk.last else {
                // Nothing left for the site up to the head: it has everything.
                reached = head
                break
            }
            for stored in chunk {
                // Stop only between batches, so no decision arrives in part.
                if stored.event.position == stored.batchFirst && eventCount >= maximumEvents { break scan }
                reached = stored.event.position.rawValue
                // As the hub stores it: an event first appended here has no origin in its
                // line, and the site records the hub as its origin.
                lines.append(.storedLine(stored.line ?? []))
                if stored.event.position == stored.batchFirst { batchCount += 1 }
                eventCount += 1
            }
            next = last.event.position.next
            reached = max(reached, last.event.position.rawValue)
        }
        if next.rawValue > head { reached = max(reached, head) }
        let header = BundleHeader(
            kind: .pull,
            source: signer.identity,
            targetStoreId: site.storeId,
            firstPosition: cursor + 1,
            lastPosition: reached,
            prerequisites: ["hubCursorAfter": cursor, "verdictsAfter": verdictsAfter],
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
}
