import Foundation

/// The check after the clean sync, from the `opossum` command line's output only: every
/// acknowledged decision reached the hub exactly once, accepted and visible or rejected,
/// quarantined and reported to its site; the hub's stock never went negative; and every
/// site sees what the hub sees.
struct SoakChecker {
    let runner: OpossumRunner
    let hubStore: String

    /// How one site's decisions were judged.
    struct SiteTally: Sendable {
        var accepted = 0
        var rejected: [DecisionKind: Int] = [:]
        var ownEvents = 0
        var visibleEvents = 0
    }

    /// What the check found.
    struct Result: Sendable {
        var violations: [String] = []
        var sites: [Int: SiteTally] = [:]
        var hubVisible = 0
        var hubQuarantined = 0
        var hubOwn = 0
        /// The stock per key at the hub at the end, as `received/reserved`.
        var finalStock: [String] = []
    }

    /// One line of `opossum rejections`: the site positions of a rejected decision.
    private static func rejectedRange(_ line: String) -> ClosedRange<UInt64>? {
        guard
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
            object["outcome"] as? String == "rejected",
            let text = object["sitePositions"] as? String
        else { return nil }
        let bounds = text.split(separator: "-").compactMap { UInt64($0) }
        guard bounds.count == 2, bounds[0] <= bounds[1] else { return nil }
        return bounds[0]...bounds[1]
    }

    func check(_ sites: [(site: SoakSite, batches: [AppendedBatch])]) async throws -> Result {
        var result = Result()
        for store in [hubStore] + sites.map(\.site.store) {
            let outcome = try await runner.run(["check", "--store", store])
            if outcome.exitCode != 0 { result.violations.append("not clean: \(outcome.summary)") }
        }
        do {
            try await compare(sites, into: &result)
        } catch {
            // A store too damaged to read is a violation to report, not the end of the report.
            result.violations.append("the stores cannot be compared: \(error)")
        }
        return result
    }

    /// The comparisons of the hub's log with each site's, added to `result`.
    private func compare(_ sites: [(site: SoakSite, batches: [AppendedBatch])], into result: inout Result) async throws
    {
        let hubAll = try await runner.read(["--store", hubStore, "--include-rejected"])
        let hubVisible = try await runner.read(["--store", hubStore])
        var hubById: [String: LoggedEvent] = [:]
        for event in hubAll where hubById.updateValue(event, forKey: event.eventId) != nil {
            result.violations.append("event \(event.eventId) is twice in the hub's log (again at \(event.position))")
        }
        let visibleIds = Set(hubVisible.map(\.eventId))
        for event in hubVisible where hubById[event.eventId] == nil {
            result.violations.append("hub position \(event.position) is visible but not in the full log")
        }
        let quarantined = hubAll.filter { !visibleIds.contains($0.eventId) }
        for event in quarantined where event.origin == nil {
            result.violations.append("the hub's own event at \(event.position) is hidden")
        }
        result.hubVisible = hubVisible.count
        result.hubQuarantined = quarantined.count
        result.hubOwn = hubVisible.filter { $0.origin == nil }.count
        result.violations += Self.stockInvariant(hubVisible, finalStock: &result.finalStock)
        let siteIds = Set(sites.map(\.site.storeId))
        for event in hubAll where event.origin.map({ !siteIds.contains($0.storeId) }) ?? false {
            result.violations.append("hub position \(event.position) comes from an unknown store")
        }
        for (site, batches) in sites {
            let (tally, violations) = try await checkSite(
                site,
                batches: batches,
                hubAll: hubAll,
                hubById: hubById,
                hubVisible: hubVisible
            )
            result.sites[site.index] = tally
            result.violations += violations.map { "\(site.name): \($0)" }
        }
    }

    /// Replays the hub's visible log: no depot ever hands out more of a part than it received.
    private static func stockInvariant(_ log: [LoggedEvent], finalStock: inout [String]) -> [String] {
        var levels: [StockKey: StockLevel] = [:]
        var violations: [String] = []
        for event in log where event.type == "StockReceived" || event.type == "PartReserved" {
            guard let key = StockKey(tags: event.tags) else {
                violations.append("hub position \(event.position): \(event.type) names no depot and part")
                continue
            }
            levels[key, default: StockLevel([])].apply(event)
            if levels[key]!.available < 0 {
                violations.append(
                    "stock of \(key) is \(levels[key]!.available) after hub position \(event.position) (\(event.type))"
                )
            }
        }
        finalStock = StockKey.all.map { key in
            let level = levels[key] ?? StockLevel([])
            return "\(key) \(level.received) received, \(level.reserved) reserved"
        }
        return violations
    }

    private func checkSite(
        _ site: SoakSite,
        batches: [AppendedBatch],
        hubAll: [LoggedEvent],
        hubById: [String: LoggedEvent],
        hubVisible: [LoggedEvent]
    ) async throws -> (SiteTally, [String]) {
        var violations: [String] = []
        var tally = SiteTally()
        let own = try await runner.read(["--store", site.store, "--include-rejected"]).filter { $0.origin == nil }
        let visible = try await runner.read(["--store", site.store])
        let rejectionLines = try await runner.succeed(["rejections", "--store", site.store]).lines
        tally.ownEvents = own.count
        tally.visibleEvents = visible.count

        // Every decision `append` acknowledged is in the site's log, and nothing else of its own.
        let acknowledged = Set(batches.flatMap { Array($0.positions) })
        let ownPositions = Set(own.map(\.position))
        if acknowledged != ownPositions {
            let lost = acknowledged.subtracting(ownPositions).sorted().prefix(10)
            let extra = ownPositions.subtracting(acknowledged).sorted().prefix(10)
            violations.append("own log differs from what append acknowledged: missing \(lost), unexpected \(extra)")
        }

        // Each rejection names exactly one decision, once.
        let batchByRange = Dictionary(batches.map { ($0.positions, $0) }, uniquingKeysWith: { first, _ in first })
        var rejectedRanges = Set<ClosedRange<UInt64>>()
        for line in rejectionLines {
            guard let range = Self.rejectedRange(line) else {
                violations.append("`opossum rejections` printed \(line)")
                continue
            }
            guard let batch = batchByRange[range] else {
                violations.append("a rejection names positions \(range), which are not one decision")
                continue
            }
            guard rejectedRanges.insert(range).inserted else {
                violations.append("the decision at \(range) is rejected twice")
                continue
            }
            tally.rejected[batch.kind, default: 0] += 1
            if batch.kind != .reservation {
                violations.append("a \(batch.kind) at \(range), which no other store can contend, was rejected")
            }
        }
        tally.accepted = batches.count - rejectedRanges.count
        let rejectedPositions = Set(rejectedRanges.flatMap { Array($0) })

        // Each own event is at the hub exactly once: visible if accepted, quarantined if rejected.
        let visibleIds = Set(hubVisible.map(\.eventId))
        let ownIds = Set(own.map(\.eventId))
        var lost: [UInt64] = []
        for event in own {
            guard let copy = hubById[event.eventId] else {
                lost.append(event.position)
                continue
            }
            if copy.origin != LoggedEvent.Origin(storeId: site.storeId, position: event.position) {
                violations.append(
                    "position \(event.position) is at the hub with origin \(String(describing: copy.origin))"
                )
            }
            let rejected = rejectedPositions.contains(event.position)
            if rejected && visibleIds.contains(event.eventId) {
                violations.append("position \(event.position) was rejected but is visible at the hub")
            }
            if !rejected && !visibleIds.contains(event.eventId) {
                violations.append("position \(event.position) is quarantined at the hub, but the site was never told")
            }
        }
        if !lost.isEmpty {
            violations.append("\(lost.count) own events never reached the hub, e.g. positions \(lost.prefix(10))")
        }
        var copied = Set<UInt64>()
        for event in hubAll where event.origin?.storeId == site.storeId {
            if !copied.insert(event.origin!.position).inserted {
                violations.append("site position \(event.origin!.position) is at the hub twice")
            }
            if !ownIds.contains(event.eventId) {
                violations.append(
                    "hub position \(event.position) claims to come from here, but no own event has its id"
                )
            }
        }

        // The site sees what the hub sees, and everyone else's events in the hub's order.
        let siteIds = Set(visible.map(\.eventId))
        if siteIds != visibleIds {
            violations.append(
                "visible log differs from the hub's: \(visibleIds.subtracting(siteIds).count) hub events missing, "
                    + "\(siteIds.subtracting(visibleIds).count) events the hub does not show"
            )
        }
        let othersAtHub = hubVisible.filter { $0.origin?.storeId != site.storeId }.map(\.eventId)
        let othersHere = visible.filter { $0.origin != nil }.map(\.eventId)
        if othersAtHub != othersHere {
            violations.append("the events pulled from the hub are not in the hub's order")
        }
        return (tally, violations)
    }
}
