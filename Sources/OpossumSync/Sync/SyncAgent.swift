import Opossum

/// Syncs a site with its hub through a ``SyncTransport``: pushes the site's decisions
/// in bounded bundles, pulls back everyone else's and the hub's verdicts, and does it
/// again when the app appended meanwhile.
///
/// Every step is safe to interrupt and repeat. A push starts after what the hub says
/// it has judged (``SiteStatus/judgedThrough``), so a first sync of a million events
/// that was cut short resumes instead of starting over; a pull applies each bundle with
/// its cursor in one commit. Two agents never sync one store at once: the second waits
/// for the first (a lock file in the store's `Sync/` directory, held across processes).
public struct SyncAgent: Sendable {
    /// How an agent sizes and shapes its bundles.
    public struct Options: Hashable, Sendable {
        /// The most events a bundle carries (whole batches; the hub may lower it for pulls).
        public var maximumEventsPerBundle: Int
        /// About the most bytes a push bundle carries (whole batches, before
        /// compression); the agent goes lower when the hub says it takes less.
        public var maximumBytesPerBundle: Int
        /// Whether push bundles are gzip-compressed, and pulls asked to be.
        public var compressed: Bool

        /// The default ``maximumBytesPerBundle``: 64 MiB.
        public static let defaultMaximumBytesPerBundle = 64 << 20

        /// Makes options.
        public init(
            maximumEventsPerBundle: Int = 20_000,
            maximumBytesPerBundle: Int = Options.defaultMaximumBytesPerBundle,
            compressed: Bool = false
        ) {
            self.maximumEventsPerBundle = maximumEventsPerBundle
            self.maximumBytesPerBundle = maximumBytesPerBundle
            self.compressed = compressed
        }
    }

    /// What a push bundle holds besides its lines: the header and the trailer.
    static let bundleFraming = 16 << 10

    /// The site's side of sync.
    public let site: SiteSync
    /// How the hub is reached.
    public let transport: any SyncTransport
    /// Bundle sizes and compression.
    public let options: Options

    /// Makes an agent for `site`, talking to its hub through `transport`.
    public init(site: SiteSync, transport: any SyncTransport, options: Options = Options()) {
        self.site = site
        self.transport = transport
        self.options = options
    }

    /// Pushes the site's decisions that the hub has not judged yet, in bundles of at
    /// most ``Options/maximumEventsPerBundle`` events, and returns the hub's verdicts.
    ///
    /// The verdicts are final, but the site records them only when a pull brings them
    /// (signed by the hub): until then its reads still show the decisions.
    public func push(progress: @Sendable (SyncProgress) -> Void = { _ in }) async throws -> PushReport {
        try await locked(progress) { try await pushAll(progress) }
    }

    /// Pulls everything the hub has for this site: its events after the site's
    /// cursor, and the verdicts on the site's batches.
    public func pull(progress: @Sendable (SyncProgress) -> Void = { _ in }) async throws -> PullReport {
        try await locked(progress) { try await pullAll(progress) }
    }

    /// Pushes, then pulls; if the app appended while that ran, pushes and pulls once more,
    /// so the site leaves the sync with a verdict on every decision made before it.
    public func sync(progress: @Sendable (SyncProgress) -> Void = { _ in }) async throws -> SyncReport {
        try await locked(progress) {
            var report = SyncReport()
            report.pushed = try await pushAll(progress)
            report.pulled = try await pullAll(progress)
            let again = try await pushAll(progress, sendingEmpty: false)
            if again.bundleCount > 0 {
                report.pushed.add(again)
                report.pulled.add(try await pullAll(progress))
            }
            return report
        }
    }

    /// Runs `body` holding the store's sync lock, with the work directories cleared of
    /// what an interrupted sync left.
    private func locked<Result: Sendable>(
        _ progress: @Sendable (SyncProgress) -> Void,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let lock = try await SyncLock.acquire(for: site.store, onWait: { progress(.waitingForAnotherSync) })
        // The lock holds while its file is open: keep it alive to the end.
        defer { withExtendedLifetime(lock) {} }
        try await SyncWorkspace(store: site.store).clear()
        return try await body()
    }

    /// Pushes in bounded bundles until nothing is left; with `sendingEmpty`, a push
    /// with nothing to send still goes out once, to tell the hub how far the site pulled.
    private func pushAll(
        _ progress: @Sendable (SyncProgress) -> Void,
        sendingEmpty: Bool = true
    ) async throws -> PushReport {
        let status = try await transport.status()
        try checkHub(status)
        let workspace = SyncWorkspace(store: site.store)
        var report = PushReport()
        // Under the hub's body limit, with room for the header and the trailer.
        let maximumBytes = min(
            options.maximumBytesPerBundle,
            status.maximumPushBytes.map { max(1, $0 - Self.bundleFraming) } ?? .max
        )
        var bundle = try await exportPush(after: status.judgedThrough, maximumBytes: maximumBytes)
        while true {
            let eventCount = Int(bundle.header.eventCount)
            guard eventCount > 0 || (sendingEmpty && report.bundleCount == 0) else {
                try await workspace.remove(bundle.path)
                return report
            }
            progress(.pushing(bundle: report.bundleCount + 1, eventCount: eventCount))
            // The next bundle is exported while this one travels and is judged: it starts
            // after this one, which the hub judges whole or refuses (and then it is dropped).
            let (sent, batchCount, last) = (bundle.path, Int(bundle.header.batchCount), bundle.header.lastPosition)
            async let next = (eventCount > 0 ? last : nil).asyncMap {
                try await exportPush(after: $0, maximumBytes: maximumBytes)
            }
            let receipt: PushReceipt
            do {
                receipt = try await transport.push(bundleAt: sent)
                try await workspace.remove(sent)
                guard receipt.verdicts.count == batchCount else {
                    throw TransportError(
                        .invalidResponse,
                        "the hub answered \(receipt.verdicts.count) verdicts for a push of \(batchCount) batches"
                    )
                }
            } catch {
                try? await workspace.remove(sent)
                if let unsent = try? await next { try? await workspace.remove(unsent.path) }
                throw error
            }
            report.bundleCount += 1
            report.eventCount += eventCount
            report.verdicts += receipt.verdicts
            progress(.pushed(bundle: report.bundleCount, eventCount: report.eventCount, receipt: receipt))
            // After an empty push there is nothing more; otherwise the next export finds
            // nothing when this one took the rest.
            guard let following = try await next else { return report }
            bundle = following
        }
    }

    /// Pulls in bounded bundles until the site has caught up with the hub's head as it
    /// was when the pull began. Each bundle after the first is downloaded while the one
    /// before it is applied.
    private func pullAll(_ progress: @Sendable (SyncProgress) -> Void) async throws -> PullReport {
        let status = try await transport.status()
        try checkHub(status)
        let workspace = SyncWorkspace(store: site.store)
        var report = PullReport()
        var ahead: PulledBundle?
        while true {
            let bundle: PulledBundle
            if let ready = ahead {
                bundle = ready
                ahead = nil
                progress(.pulling(bundle: report.bundleCount + 1, cursor: bundle.after))
            } else {
                let (cursor, verdictsSeen) = try await site.pullRequest()
                progress(.pulling(bundle: report.bundleCount + 1, cursor: cursor))
                bundle = try await download(after: cursor, verdictsAfter: verdictsSeen)
            }
            // The next bundle continues where this one's header says it ends, if it holds
            // events and ends before the head; the import below verifies the header. The
            // site will have every verdict the hub had when this pull began, so the next
            // bundle need not carry them again.
            let header = try await IOThreadPool.shared.run { BundleReader.unverifiedHeader(of: bundle.path) }
            let verdictsAfter = max(bundle.verdictsAfter, status.verdictCount)
            let nextCursor = header.flatMap {
                $0.eventCount > 0 && $0.lastPosition < status.hubHead ? $0.lastPosition : nil
            }
            async let next = nextCursor.asyncMap { try await download(after: $0, verdictsAfter: verdictsAfter) }
            let summary: PullSummary
            do {
                summary = try await site.importPull(from: bundle.path)
                try await workspace.remove(bundle.path)
            } catch {
                try? await workspace.remove(bundle.path)
                if let unused = try? await next { try? await workspace.remove(unused.path) }
                throw error
            }
            report.bundleCount += 1
            report.eventCount += summary.eventCount
            report.verdicts += summary.verdicts
            report.hubCursor = max(report.hubCursor, summary.hubCursor)
            progress(.pulled(bundle: report.bundleCount, eventCount: report.eventCount, summary: summary))
            // A download ahead that failed is asked for again the ordinary way, which
            // reports its error; one that does not continue the site's cursor is dropped.
            let downloaded = try? await next
            let done = summary.broughtNothing || summary.hubCursor >= status.hubHead
            if let downloaded, done || downloaded.after != summary.hubCursor {
                try? await workspace.remove(downloaded.path)
            } else {
                ahead = downloaded
            }
            if done { return report }
        }
    }

    /// Downloads the pull bundle after hub position `cursor` into the workspace.
    private func download(after cursor: UInt64, verdictsAfter: UInt64) async throws -> PulledBundle {
        let workspace = SyncWorkspace(store: site.store)
        let path = try await workspace.newBundlePath("pull")
        do {
            try await transport.pull(
                after: cursor,
                verdictsAfter: verdictsAfter,
                maximumEvents: options.maximumEventsPerBundle,
                compressed: options.compressed,
                to: path
            )
        } catch {
            try? await workspace.remove(path)
            throw error
        }
        return PulledBundle(path: path, after: cursor, verdictsAfter: verdictsAfter)
    }

    /// Writes the push bundle of what follows `judged` to the workspace.
    private func exportPush(after judged: UInt64, maximumBytes: Int) async throws -> BundleSummary {
        let workspace = SyncWorkspace(store: site.store)
        let path = try await workspace.newBundlePath("push")
        do {
            return try await site.exportPush(
                to: path,
                hubJudgedThrough: judged,
                maximumEvents: options.maximumEventsPerBundle,
                maximumBytes: maximumBytes,
                compressed: options.compressed,
                durable: false
            )
        } catch {
            try? await workspace.remove(path)
            throw error
        }
    }

    /// A pull bundle downloaded to the workspace, and what it was asked for with.
    private struct PulledBundle: Sendable {
        let path: String
        let after: UInt64
        let verdictsAfter: UInt64
    }

    /// Refuses to sync with a hub other than the one the site enrolled with.
    private func checkHub(_ status: SiteStatus) throws {
        guard status.hubStoreId == site.hub.storeId else {
            throw SyncError(
                .invalidEnrolment,
                "the server answering is store \(status.hubStoreId.uuidString), not this site's hub "
                    + "\(site.hub.name.debugDescription) (\(site.hub.storeId.uuidString)); check the hub URL",
                path: site.store.directory
            )
        }
        guard status.siteStoreId == site.store.identity.storeId else {
            throw TransportError(
                .invalidResponse,
                "the hub answered for site \(status.siteStoreId.uuidString), not this one "
                    + "(\(site.store.identity.storeId.uuidString))"
            )
        }
    }
}

extension PushReport {
    /// Adds what another push sent and got back.
    mutating func add(_ other: PushReport) {
        bundleCount += other.bundleCount
        eventCount += other.eventCount
        verdicts += other.verdicts
    }
}

extension PullReport {
    /// Adds what another pull brought.
    mutating func add(_ other: PullReport) {
        bundleCount += other.bundleCount
        eventCount += other.eventCount
        verdicts += other.verdicts
        hubCursor = max(hubCursor, other.hubCursor)
    }
}

extension Optional {
    /// `transform` of the wrapped value, or `nil`.
    fileprivate func asyncMap<Result>(_ transform: (Wrapped) async throws -> Result) async rethrows -> Result? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
