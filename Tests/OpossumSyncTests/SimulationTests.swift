import Foundation
import Opossum
import OpossumTestSupport
import Testing

@testable import OpossumSync

/// A hub and three sites working offline on contended resources, syncing at random,
/// seeded and repeatable; then a final full sync and the checks that nothing was lost.
@Suite("multi-site simulation")
struct SimulationTests {
    /// What one run ended with, comparable across runs of the same seed.
    struct Outcome: Equatable {
        /// The hub's visible log, as (type, tags) in order.
        var hubLog: [String]
        /// Every verdict, per site, as (outcome, origin position).
        var verdicts: [[String]]
    }

    static let parts = ["P-1", "P-2", "P-3"]
    static let workOrders = (1...6).map { "wo-\($0)" }
    static let emails = ["ada@example.com", "grace@example.com"]

    /// One random decision of the field-service kind on `store`.
    static func act(on store: FileEventStore, site: String, random: inout SeededRandom) async throws {
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<5:
            // Reserve a part: never below zero.
            let part = parts.randomElement(using: &random)!
            try await SyncTests.reserve(part, for: workOrders.randomElement(using: &random)!, on: store)
        case 5..<8:
            // Complete a work order: at most once.
            let workOrder = workOrders.randomElement(using: &random)!
            let query = Query(try QueryItem(types: ["WorkOrderCompleted"], tags: [Opossum.Tag("workOrder", workOrder)]))
            let done = DecisionProjection(initialState: false, query: query) { _, _ in true }
            _ = try await store.decide(done) { _, isDone in
                isDone
                    ? .nothing
                    : .append(
                        Event(
                            type: "WorkOrderCompleted",
                            tags: [Opossum.Tag("workOrder", workOrder), Opossum.Tag("by", site)]
                        )
                    )
            }
        case 8:
            // Register an email: unique.
            let email = emails.randomElement(using: &random)!
            let query = Query(try QueryItem(types: ["TechnicianRegistered"], tags: [Opossum.Tag("email", email)]))
            let taken = DecisionProjection(initialState: false, query: query) { _, _ in true }
            _ = try await store.decide(taken) { _, isTaken in
                isTaken
                    ? .nothing
                    : .append(
                        Event(
                            type: "TechnicianRegistered",
                            tags: [Opossum.Tag("email", email), Opossum.Tag("by", site)]
                        )
                    )
            }
        default:
            // A note: no condition, always accepted.
            try await store.append(Event(type: "NoteTaken", tags: [Opossum.Tag("by", site)]))
        }
    }

    static func run(seed: UInt64) async throws -> Outcome {
        var outcome = Outcome(hubLog: [], verdicts: [])
        try await SyncFixture.with(sites: ["site-0", "site-1", "site-2"]) { fixture, sites in
            var random = SeededRandom(state: seed)
            try await fixture.hub.append(
                parts.map { SyncTests.received($0, 1) } + parts.map { SyncTests.received($0, 1) }
            )
            var verdicts = [[BatchVerdict]](repeating: [], count: sites.count)
            var pulledVerdicts = [[Verdict]](repeating: [], count: sites.count)
            for _ in 0..<120 {
                let index = Int.random(in: 0..<sites.count, using: &random)
                if Int.random(in: 0..<4, using: &random) == 0 {
                    verdicts[index] += try await fixture.push(sites[index])
                    if Bool.random(using: &random) {
                        pulledVerdicts[index] += try await fixture.pull(sites[index]).verdicts
                    }
                } else {
                    try await act(on: sites[index].store, site: "site-\(index)", random: &random)
                }
            }
            // The final full sync: push everything, then everybody pulls everything.
            for (index, site) in sites.enumerated() { verdicts[index] += try await fixture.push(site) }
            for (index, site) in sites.enumerated() { pulledVerdicts[index] += try await fixture.pull(site).verdicts }

            let hubEvents = try await fixture.hub.readAll(.all)
            let hubIds = hubEvents.map(\.eventId)
            #expect(Set(hubIds).count == hubIds.count, "no event twice at the hub")
            for (index, site) in sites.enumerated() {
                // Every verdict the hub gave reached its site, once.
                let given = verdicts[index].filter { !$0.isDuplicate }.map(\.verdict)
                #expect(pulledVerdicts[index] == given, "site \(index) was told every verdict once")
                // Every own event is accepted (at the hub) or rejected (reported, hidden).
                var own: [SequencedEvent] = []
                for try await event in site.store.readIncludingHidden(.all)
                where event.origin == nil && !event.type.hasPrefix("$") {
                    own.append(event)
                }
                let rejected = Set(
                    given.filter { $0.outcome == .rejected }.flatMap { v in
                        (0..<v.count).map { v.originFirst.rawValue + UInt64($0) }
                    }
                )
                for event in own {
                    if rejected.contains(event.position.rawValue) {
                        #expect(!hubIds.contains(event.eventId))
                    } else {
                        #expect(
                            hubIds.contains(event.eventId),
                            "site \(index)'s event \(event.position) reached the hub"
                        )
                    }
                }
                // The site's visible log holds exactly the hub's events.
                let siteIds = try await site.store.readAll(.all).map(\.eventId)
                #expect(Set(siteIds) == Set(hubIds))
                #expect(siteIds.count == hubIds.count)
            }
            // The invariants hold at the hub.
            for part in parts {
                let stock = hubEvents.filter { $0.tags.contains(Opossum.Tag("part", part)) }
                let received = stock.filter { $0.type == "StockReceived" }.count
                #expect(stock.count - received <= received, "\(part) never reserved below zero")
            }
            for workOrder in workOrders {
                #expect(
                    hubEvents.filter {
                        $0.type == "WorkOrderCompleted" && $0.tags.contains(Opossum.Tag("workOrder", workOrder))
                    }.count <= 1
                )
            }
            for email in emails {
                #expect(
                    hubEvents.filter {
                        $0.type == "TechnicianRegistered" && $0.tags.contains(Opossum.Tag("email", email))
                    }.count <= 1
                )
            }
            outcome.hubLog = hubEvents.map { "\($0.type) \($0.tags.map(\.description).sorted())" }
            outcome.verdicts = verdicts.map { $0.map { "\($0.verdict.outcome) \($0.verdict.originFirst)" } }
            #expect(outcome.verdicts.joined().contains { $0.hasPrefix("rejected") }, "the run had conflicts to resolve")
        }
        return outcome
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func noEventIsLostOrDuplicatedAndTheInvariantsHold(seed: UInt64) async throws {
        let first = try await Self.run(seed: seed)
        let second = try await Self.run(seed: seed)
        #expect(first == second, "the same seed gives the same run")
    }
}
