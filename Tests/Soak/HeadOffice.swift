import Foundation
import OpossumTestSupport

/// Head office, appending straight to the hub's store while the hub serves it: stock
/// arrives, and the office reserves parts itself, racing the sites.
struct HeadOffice {
    let hubStore: String
    let runner: OpossumRunner
    let ledger: SoakLedger
    let workDirectory: String
    var random: SeededRandom
    private var nextWorkOrder = 1

    init(hubStore: String, runner: OpossumRunner, ledger: SoakLedger, workDirectory: String, random: SeededRandom) {
        self.hubStore = hubStore
        self.runner = runner
        self.ledger = ledger
        self.workDirectory = workDirectory
        self.random = random
    }

    /// The stock every depot starts with, before any site joins.
    func stockDepots() async throws {
        for key in StockKey.all {
            try await runner.succeed(
                ["append", "--store", hubStore, "--batch", try batchFile(receipt(key, StockKey.initialStock))]
            )
        }
    }

    /// A decision every 1.5–5 s until `deadline`: mostly receipts, sometimes a reservation.
    mutating func run(until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(Int.random(in: 1500...5000, using: &random)))
            do {
                let key = StockKey.all.randomElement(using: &random)!
                if Int.random(in: 0..<100, using: &random) < 55 {
                    let quantity = Int.random(in: 3...6, using: &random)
                    let outcome = try await runner.run(
                        ["append", "--store", hubStore, "--batch", try batchFile(receipt(key, quantity))]
                    )
                    if outcome.exitCode == 0 {
                        await ledger.headOffice(receipt: true)
                    } else {
                        await ledger.violation("head office: \(outcome.summary)")
                    }
                } else {
                    try await reserve(key)
                }
            } catch {
                await ledger.violation("head office: \(error)")
            }
        }
    }

    /// Reserves one part at the hub, under the same condition a site would use.
    private mutating func reserve(_ key: StockKey) async throws {
        let level = StockLevel(try await runner.read(["--store", hubStore, "--query", key.query]))
        guard level.available >= 1 else { return }
        let workOrder = "workOrder:office-wo\(nextWorkOrder)"
        nextWorkOrder += 1
        let event = DecisionEvent(type: "PartReserved", tags: key.tags + [workOrder], quantity: 1)
        let outcome = try await runner.run([
            "append", "--store", hubStore, "--batch", try batchFile([event]), "--condition",
            key.condition(after: level),
        ])
        switch outcome.exitCode {
        case 0: await ledger.headOffice(reservation: true)
        case 3: await ledger.headOffice(conflict: true)
        default: await ledger.violation("head office: \(outcome.summary)")
        }
    }

    private func receipt(_ key: StockKey, _ quantity: Int) -> [DecisionEvent] {
        [DecisionEvent(type: "StockReceived", tags: key.tags, quantity: quantity)]
    }

    private func batchFile(_ events: [DecisionEvent]) throws -> String {
        let file = "\(workDirectory)/head-office.batch.jsonl"
        try Data(events.map { $0.jsonLine + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
}
