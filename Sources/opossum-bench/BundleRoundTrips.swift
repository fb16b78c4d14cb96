import Foundation
import Opossum
import OpossumSync

/// A laptop's whole log carried to head office: push bundles exported at the site and
/// imported at the hub, every decision's condition re-validated there.
struct BundleRoundTrips: Sendable {
    let context: BenchContext

    /// Events per batch: each batch is one decision under a condition on its own tag.
    static let batchSize = 100
    /// Events per bundle, as `opossum export` writes them by default.
    static let bundleSize = 100_000

    /// Events per second from the first export to the last import, for
    /// `sizes.bigStoreEvents` events (no flushes on the site, flushed at the hub).
    func roundTrips() async throws -> [Comparison] {
        let count = context.sizes.bigStoreEvents
        context.note("exporting \(Quantity.grouped(count)) events in push bundles and importing them at the hub")
        var samples = Samples()
        for run in 0..<context.sizes.runs {
            let directory = try context.directory.fresh("bundles-\(run)")
            let site = try await FileEventStore.create(
                at: directory + "/site",
                name: "laptop",
                options: FileEventStore.Options(durability: .none)
            )
            let hub = try await FileEventStore.create(at: directory + "/hub", name: "head-office")
            let hubSync = try await HubSync(store: hub)
            let siteSync = try await SiteSync(
                store: site,
                hub: try await SigningIdentity.loadOrCreate(for: hub).identity
            )
            let siteIdentity = try await SigningIdentity.loadOrCreate(for: site).identity
            var generator = EventGenerator(distinctTagValues: context.sizes.distinctTagValues, seed: UInt64(run))
            for batch in 0..<(count / Self.batchSize) {
                let tag = Tag("decision", "d\(batch)")
                let events = (0..<Self.batchSize).map { _ in generator.next(taggedOnly: tag) }
                _ = try await site.append(events, condition: AppendCondition(failIfEventsMatch: try .tags(tag)))
            }
            var imported = 0
            let seconds = try await ContinuousClock.seconds {
                var number = 0
                while true {
                    let path = directory + "/push-\(number).bundle"
                    let summary = try await siteSync.exportPush(to: path, maximumEvents: Self.bundleSize)
                    guard summary.header.eventCount > 0 else { break }
                    let verdicts = try await hubSync.importPush(from: path, site: siteIdentity)
                    try check(verdicts.allSatisfy { $0.verdict.outcome == .accepted }, "a decision was rejected")
                    imported += Int(summary.header.eventCount)
                    // The verdicts travel back before the next export, as they would in a sync.
                    let pull = directory + "/pull-\(number).bundle"
                    let request = try await siteSync.pullRequest()
                    _ = try await hubSync.exportPull(
                        for: siteIdentity,
                        after: request.hubCursor,
                        verdictsAfter: request.verdictsSeen,
                        to: pull
                    )
                    _ = try await siteSync.importPull(from: pull)
                    number += 1
                }
            }
            try check(imported == count, "the hub imported \(imported) events, not \(count)")
            await site.close()
            await hub.close()
            samples.append(Double(count) / seconds)
            try? FileManager.default.removeItem(atPath: directory)
        }
        return [
            Comparison(
                workload: "bundle export then import, conditions re-validated (\(Quantity.grouped(count)) events)",
                quantity: .rate("events"),
                opossum: samples,
                baselineName: "—",
                baseline: nil,
                target: .atLeast(100_000)
            )
        ]
    }
}
