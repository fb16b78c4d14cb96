import Foundation
import OpossumTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// One site: a store enrolled at the hub through its own fault proxy.
struct SoakSite: Sendable {
    /// Its number, from 0.
    let index: Int
    /// Its name, `site-1`…
    let name: String
    /// Its store directory.
    let store: String
    /// Its store id (lowercase), the `origin` of its events at the hub.
    let storeId: String
    /// The proxy between it and the hub.
    let proxy: FaultProxy
    /// What the proxy does to each connection.
    let planner: FaultPlanner
}

/// What kind of decision a batch was.
enum DecisionKind: String, CaseIterable, Sendable {
    /// A reservation of stock, under a condition other sites' decisions can break.
    case reservation
    /// A work order completed, under a condition on the site's own work order.
    case completion
    /// A technician's note, without a condition.
    case note
}

/// A decision a site appended: its positions in the site's log, as `append` reported.
struct AppendedBatch: Sendable {
    let first: UInt64
    let last: UInt64
    let kind: DecisionKind

    var positions: ClosedRange<UInt64> { first...last }
}

/// The app at one site: bursts of field-service decisions, made on what the site knows.
struct SiteApp {
    let site: SoakSite
    let runner: OpossumRunner
    let ledger: SoakLedger
    let workDirectory: String
    var random: SeededRandom
    private(set) var batches: [AppendedBatch] = []
    private var nextWorkOrder = 1
    /// Work orders this site started and has not completed.
    private var openWorkOrders: [String] = []

    init(site: SoakSite, runner: OpossumRunner, ledger: SoakLedger, workDirectory: String, random: SeededRandom) {
        self.site = site
        self.runner = runner
        self.ledger = ledger
        self.workDirectory = workDirectory
        self.random = random
    }

    /// Makes decisions in bursts of 1–3, a pause of 0.5–3 s between bursts, until `deadline`.
    mutating func run(until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                do {
                    try await decide()
                } catch {
                    await ledger.violation("\(site.name): a decision failed: \(error)")
                }
            }
            try? await Task.sleep(for: .milliseconds(Int.random(in: 500...3000, using: &random)))
        }
    }

    private mutating func decide() async throws {
        let roll = Int.random(in: 0..<100, using: &random)
        if roll < 60 {
            try await reserve()
        } else if roll < 80 {
            try await complete()
        } else {
            try await append(
                [DecisionEvent(type: "TechnicianNote", tags: ["technician:\(site.name)"], quantity: nil)],
                condition: nil,
                kind: .note
            )
        }
    }

    /// Reserves 1–2 of a part if the site believes the depot has them, under the condition
    /// that no receipt or reservation of that stock came after what it read.
    private mutating func reserve() async throws {
        let key = StockKey.all.randomElement(using: &random)!
        let level = StockLevel(try await runner.read(["--store", site.store, "--query", key.query]))
        let quantity = Int.random(in: 1...2, using: &random)
        guard level.available >= quantity else {
            await ledger.outOfStock(site: site.index)
            return
        }
        let workOrder = "workOrder:\(site.name)-wo\(nextWorkOrder)"
        nextWorkOrder += 1
        var events = [DecisionEvent(type: "PartReserved", tags: key.tags + [workOrder], quantity: quantity)]
        if Bool.random(using: &random) {
            events.append(DecisionEvent(type: "WorkOrderStarted", tags: [workOrder], quantity: nil))
        }
        if try await append(events, condition: key.condition(after: level), kind: .reservation) {
            openWorkOrders.append(workOrder)
        }
    }

    /// Completes a work order this site started (or a walk-in one), once: the condition
    /// is on that work order's completion, which only this site writes.
    private mutating func complete() async throws {
        let workOrder: String
        if !openWorkOrders.isEmpty, Bool.random(using: &random) {
            workOrder = openWorkOrders.remove(at: Int.random(in: 0..<openWorkOrders.count, using: &random))
        } else {
            workOrder = "workOrder:\(site.name)-wo\(nextWorkOrder)"
            nextWorkOrder += 1
        }
        let condition = #"{"failIfEventsMatch":{"items":[{"types":["WorkOrderCompleted"],"tags":["\#(workOrder)"]}]}}"#
        try await append(
            [DecisionEvent(type: "WorkOrderCompleted", tags: [workOrder], quantity: nil)],
            condition: condition,
            kind: .completion
        )
    }

    /// Appends `events` as one decision; `false` if its condition failed here already.
    @discardableResult
    private mutating func append(
        _ events: [DecisionEvent],
        condition: String?,
        kind: DecisionKind
    ) async throws -> Bool {
        let file = "\(workDirectory)/\(site.name).batch.jsonl"
        try Data(events.map { $0.jsonLine + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: file))
        var arguments = ["append", "--store", site.store, "--batch", file]
        if let condition { arguments += ["--condition", condition] }
        let outcome = try await runner.run(arguments)
        switch outcome.exitCode {
        case 0:
            guard let position = outcome.jsonObject?["position"] as? Int, position >= events.count else {
                await ledger.violation("\(site.name): append printed no position: \(outcome.summary) \(outcome.stdout)")
                return false
            }
            let last = UInt64(position)
            batches.append(AppendedBatch(first: last - UInt64(events.count) + 1, last: last, kind: kind))
            await ledger.appended(site: site.index, events: events.count)
            return true
        case 3:
            // A pull landed between the read and the append: the store said no, as it should.
            await ledger.localConflict(site: site.index)
            return false
        default:
            await ledger.violation("\(site.name): \(outcome.summary)")
            return false
        }
    }
}

/// The scheduled sync at one site: every 1–4 s, through the site's proxy, sometimes
/// killed part-way.
struct SiteSyncer {
    let site: SoakSite
    let runner: OpossumRunner
    let ledger: SoakLedger
    let killRate: Double
    var random: SeededRandom

    /// Syncs until `deadline`.
    mutating func run(until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(Int.random(in: 1000...4000, using: &random)))
            let maximumEvents = [5, 50, 50_000].randomElement(using: &random)!
            let killAfter: Duration? =
                Double.random(in: 0..<1, using: &random) < killRate
                ? .milliseconds(Int.random(in: 20...700, using: &random)) : nil
            do {
                let outcome = try await runner.run(
                    [
                        "sync", "--store", site.store, "--json", "--attempts", "2", "--max-events",
                        String(maximumEvents),
                    ],
                    killAfter: killAfter
                )
                await record(outcome)
            } catch {
                await ledger.violation("\(site.name): could not run a sync: \(error)")
            }
        }
    }

    private func record(_ outcome: CommandOutcome) async {
        if outcome.timedOut {
            await ledger.violation("\(site.name): \(outcome.summary)")
            return
        }
        if outcome.killedOnPurpose && outcome.exitCode == 128 + SIGKILL {
            await ledger.synced(site: site.index, ending: "killed")
            return
        }
        switch outcome.exitCode {
        case 0, 2, 75:
            await ledger.synced(site: site.index, ending: "exit \(outcome.exitCode)")
        default:
            await ledger.synced(site: site.index, ending: "exit \(outcome.exitCode)")
            await ledger.violation("\(site.name): \(outcome.summary)")
        }
    }
}
