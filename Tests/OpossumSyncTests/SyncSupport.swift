import Foundation
import Opossum
import OpossumSync
import Synchronization

/// A hub and its sites, each a real store in a temporary directory, exchanging real
/// bundle files.
struct SyncFixture: Sendable {
    let directory: String
    let hub: FileEventStore
    let hubSync: HubSync
    let hubIdentity: PublicIdentity
    private let counter = Counter()

    /// A site: its store, its sync, its identity as the hub knows it.
    struct Site: Sendable {
        let store: FileEventStore
        let sync: SiteSync
        let identity: PublicIdentity
    }

    static func with(sites names: [String], _ body: (SyncFixture, [Site]) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let (hub, hubSigner) = try await makeStore("hub", in: directory)
            let fixture = SyncFixture(
                directory: directory,
                hub: hub,
                hubSync: try await HubSync(store: hub),
                hubIdentity: hubSigner.identity
            )
            var sites: [Site] = []
            for name in names {
                let (store, signer) = try await makeStore(name, in: directory)
                sites.append(
                    Site(
                        store: store,
                        sync: try await SiteSync(store: store, hub: hubSigner.identity),
                        identity: signer.identity
                    )
                )
            }
            do {
                try await body(fixture, sites)
            } catch {
                for site in sites { await site.store.close() }
                await hub.close()
                throw error
            }
            for site in sites { await site.store.close() }
            await hub.close()
        }
    }

    /// A fresh bundle path.
    func bundlePath(_ name: String) -> String {
        directory + "/\(name)-\(counter.next()).bundle"
    }

    /// Pushes what `site` has not had judged; returns the verdicts (none if nothing to push).
    @discardableResult
    func push(_ site: Site) async throws -> [BatchVerdict] {
        let path = bundlePath("push")
        guard try await site.sync.exportPush(to: path).header.eventCount > 0 else { return [] }
        return try await hubSync.importPush(from: path, site: site.identity)
    }

    /// Writes the pull bundle `site` would ask for now.
    func pullBundle(for site: Site) async throws -> String {
        let request = try await site.sync.pullRequest()
        let path = bundlePath("pull")
        _ = try await hubSync.exportPull(
            for: site.identity,
            after: request.hubCursor,
            verdictsAfter: request.verdictsSeen,
            to: path
        )
        return path
    }

    /// Pulls everything the hub has for `site`.
    @discardableResult
    func pull(_ site: Site) async throws -> PullSummary {
        try await site.sync.importPull(from: try await pullBundle(for: site))
    }

    /// Push, then pull.
    @discardableResult
    func sync(_ site: Site) async throws -> ([BatchVerdict], PullSummary) {
        let verdicts = try await push(site)
        return (verdicts, try await pull(site))
    }
}

/// Numbers bundle files.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}
