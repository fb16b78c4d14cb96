import Foundation
import Logging
import Opossum
import OpossumCurl
import OpossumHub
import OpossumSync
import OpossumTestSupport
import Synchronization

/// A real hub served on a loopback port by an in-process ``HubServer``, and real sites
/// that sync with it through libcurl — the whole HTTP path, nothing stood in for.
struct HTTPSyncFixture: Sendable {
    let directory: String
    let hub: FileEventStore
    let server: HubServer
    /// The hub's base URL, `http://127.0.0.1:PORT`.
    let url: String
    let port: Int

    /// A site: its store, its enrolment at the hub.
    struct Site: Sendable {
        let store: FileEventStore
        let identity: PublicIdentity
        let token: String
        let hub: PublicIdentity
    }

    /// Runs `body` with a hub on a free port and one enrolled site per name; stops the
    /// server and closes every store afterwards.
    static func with(
        sites names: [String],
        configuration: HubServer.Configuration = HubServer.Configuration(port: 0),
        _ body: (HTTPSyncFixture, [Site]) async throws -> Void
    ) async throws {
        try await withScratchDirectory("OpossumHubTests") { directory in
            let hub = try await FileEventStore.create(
                at: directory + "/hub",
                name: "head-office",
                options: FileEventStore.Options(durability: .none)
            )
            try await HubRole.initialize(hub, name: "head-office")
            let hubIdentity = try await SigningIdentity.loadOrCreate(for: hub).identity
            var sites: [Site] = []
            for name in names {
                let store = try await FileEventStore.create(
                    at: directory + "/" + name,
                    name: name,
                    options: FileEventStore.Options(durability: .none)
                )
                let identity = try await SigningIdentity.loadOrCreate(for: store).identity
                let (_, token) = try await SiteRegistry.enrol(identity, hubURL: nil, in: hub)
                sites.append(Site(store: store, identity: identity, token: token, hub: hubIdentity))
            }
            var logger = Logger(label: "opossum.hub.test")
            logger.logLevel = .warning
            let server = try await HubServer(store: hub, configuration: configuration, logger: logger)
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let serving = Task { try await server.run { continuation.yield($0) } }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let scheme = configuration.tls == nil ? "http" : "https"
            let fixture = HTTPSyncFixture(
                directory: directory,
                hub: hub,
                server: server,
                url: "\(scheme)://127.0.0.1:\(port)",
                port: port
            )
            do {
                try await body(fixture, sites)
            } catch {
                await fixture.close(sites, serving)
                throw error
            }
            await fixture.close(sites, serving)
        }
    }

    private func close(_ sites: [Site], _ serving: Task<Void, any Error>) async {
        await server.shutDownGracefully()
        _ = await serving.result
        for site in sites { await site.store.close() }
        await hub.close()
    }

    /// The libcurl transport of `site`, to `url` (the hub's unless told otherwise).
    func transport(
        for site: Site,
        url: String? = nil,
        tls: TLSOptions = TLSOptions(),
        attempts: Int = 5,
        lowSpeedTime: Duration = .seconds(30)
    ) -> CurlTransport {
        CurlTransport(
            configuration: CurlTransport.Configuration(
                hubURL: url ?? self.url,
                siteStoreId: site.identity.storeId,
                token: site.token,
                tls: tls,
                connectTimeout: .seconds(5),
                lowSpeedLimit: 1000,
                lowSpeedTime: lowSpeedTime,
                retryPolicy: TransferRetryPolicy(
                    maximumAttempts: attempts,
                    baseDelay: .milliseconds(10),
                    maximumDelay: .milliseconds(100)
                )
            )
        )
    }

    /// The sync agent of `site` over `transport` (the direct one by default).
    func agent(
        for site: Site,
        transport: (any SyncTransport)? = nil,
        maximumEventsPerBundle: Int = 50_000
    ) async throws -> SyncAgent {
        SyncAgent(
            site: try await SiteSync(store: site.store, hub: site.hub),
            transport: transport ?? self.transport(for: site),
            options: SyncAgent.Options(maximumEventsPerBundle: maximumEventsPerBundle)
        )
    }

    /// The ids of the events `store` shows (rejected ones hidden), in log order.
    static func log(of store: FileEventStore) async throws -> [UUID] {
        var ids: [UUID] = []
        for try await event in store.read(Query.all) { ids.append(event.eventId) }
        return ids
    }
}
