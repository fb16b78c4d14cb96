import Foundation
import Logging
import Opossum
import OpossumCurl
import OpossumHub
import OpossumSync

/// A laptop's day over HTTP on loopback: one site's decisions pushed to a real hub
/// (its `HubServer`, conditions re-validated) through libcurl, then pulled by a second
/// site — both `opossum sync` as a technician runs it.
struct HTTPRoundTrips: Sendable {
    let context: BenchContext

    /// Events per decision, each decision under a condition on its own tag.
    static let batchSize = 100

    /// Events per second from the first push to the second site's last pull.
    func roundTrips() async throws -> [Comparison] {
        let count = context.sizes.httpEvents
        context.note("pushing \(Quantity.grouped(count)) events to a hub over HTTP and pulling them at another site")
        var samples = Samples()
        var pushSeconds: [Double] = []
        var pullSeconds: [Double] = []
        for run in 0..<context.sizes.runs {
            let directory = try context.directory.fresh("http-\(run)")
            let hub = try await FileEventStore.create(at: directory + "/hub", name: "head-office")
            try await HubRole.initialize(hub, name: "head-office")
            let hubIdentity = try await SigningIdentity.loadOrCreate(for: hub).identity
            let laptops = try await (0..<2).asyncMap { number in
                try await Laptop.make("laptop-\(number)", in: directory, hub: hub, hubIdentity: hubIdentity)
            }
            var generator = EventGenerator(distinctTagValues: context.sizes.distinctTagValues, seed: UInt64(run))
            for batch in 0..<(count / Self.batchSize) {
                let tag = Tag("decision", "d\(batch)")
                let events = (0..<Self.batchSize).map { _ in generator.next(taggedOnly: tag) }
                _ = try await laptops[0].store.append(
                    events,
                    condition: AppendCondition(failIfEventsMatch: try .tags(tag))
                )
            }
            var logger = Logger(label: "opossum.bench.hub")
            logger.logLevel = .warning
            let server = try await HubServer(
                store: hub,
                configuration: HubServer.Configuration(port: 0),
                logger: logger
            )
            let (ports, listening) = AsyncStream.makeStream(of: Int.self)
            let serving = Task { try await server.run { listening.yield($0) } }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw BenchError(message: "the hub did not start") }
            let agents = try await laptops.asyncMap { try await $0.agent(url: "http://127.0.0.1:\(port)") }

            var pushed = SyncReport()
            let push = try await ContinuousClock.seconds { pushed = try await agents[0].sync() }
            var pulled = SyncReport()
            let pull = try await ContinuousClock.seconds { pulled = try await agents[1].sync() }
            try check(pushed.pushed.eventCount == count, "pushed \(pushed.pushed.eventCount) events, not \(count)")
            try check(pushed.pushed.rejected.isEmpty, "a decision was rejected")
            try check(pulled.pulled.eventCount == count, "pulled \(pulled.pulled.eventCount) events, not \(count)")

            await server.shutDownGracefully()
            try await serving.value
            for laptop in laptops { await laptop.store.close() }
            await hub.close()
            samples.append(Double(count) / (push + pull))
            pushSeconds.append(push)
            pullSeconds.append(pull)
            try? FileManager.default.removeItem(atPath: directory)
        }
        context.note(
            "push (export, upload, judge, verdicts back) "
                + pushSeconds.map { String(format: "%.2f s", $0) }.joined(separator: ", ")
                + "; pull (export, download, import) "
                + pullSeconds.map { String(format: "%.2f s", $0) }.joined(separator: ", ")
        )
        return [
            Comparison(
                workload: "HTTP push then pull on loopback (\(Quantity.grouped(count)) events)",
                quantity: .rate("events"),
                opossum: samples,
                baselineName: "—",
                baseline: nil,
                target: .atLeast(50_000)
            )
        ]
    }

    /// One enrolled site: its store and the token the hub gave it.
    private struct Laptop: Sendable {
        let store: FileEventStore
        let identity: PublicIdentity
        let token: String
        let hub: PublicIdentity

        static func make(
            _ name: String,
            in directory: String,
            hub: FileEventStore,
            hubIdentity: PublicIdentity
        ) async throws -> Laptop {
            let store = try await FileEventStore.create(at: directory + "/" + name, name: name)
            let identity = try await SigningIdentity.loadOrCreate(for: store).identity
            let (_, token) = try await SiteRegistry.enrol(identity, hubURL: nil, in: hub)
            return Laptop(store: store, identity: identity, token: token, hub: hubIdentity)
        }

        /// The site's sync agent over libcurl to the hub at `url`.
        func agent(url: String) async throws -> SyncAgent {
            SyncAgent(
                site: try await SiteSync(store: store, hub: hub),
                transport: CurlTransport(
                    configuration: CurlTransport.Configuration(
                        hubURL: url,
                        siteStoreId: identity.storeId,
                        token: token
                    )
                )
            )
        }
    }
}

extension Sequence where Element: Sendable {
    /// The results of `transform` on each element, one after the other.
    fileprivate func asyncMap<Result>(_ transform: (Element) async throws -> Result) async rethrows -> [Result] {
        var results: [Result] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
