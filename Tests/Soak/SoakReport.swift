import Foundation

/// What a soak run did and found, as the summary it prints.
struct SoakReport {
    let configuration: SoakConfiguration
    let chaosTime: Duration
    let sites: [SoakSite]
    let ledger: SoakLedger
    let check: SoakChecker.Result
    let cleanSyncRounds: Int
    let hubLogTrouble: [String]

    var violations: [String] { check.violations + ledgerViolations }
    private var ledgerViolations: [String] = []
    private var counts: [Int: SoakLedger.SiteCounts] = [:]
    private var hubKills = 0
    private var headOffice = (receipts: 0, reservations: 0, conflicts: 0)

    init(
        configuration: SoakConfiguration,
        chaosTime: Duration,
        sites: [SoakSite],
        ledger: SoakLedger,
        check: SoakChecker.Result,
        cleanSyncRounds: Int,
        hubLogTrouble: [String]
    ) async {
        self.configuration = configuration
        self.chaosTime = chaosTime
        self.sites = sites
        self.ledger = ledger
        self.check = check
        self.cleanSyncRounds = cleanSyncRounds
        self.hubLogTrouble = hubLogTrouble
        // The checker's findings were also recorded in the ledger; count each once.
        let all = await ledger.violations
        ledgerViolations = Array(all.dropLast(check.violations.count))
        counts = await ledger.sites
        hubKills = await ledger.hubKills
        headOffice = (await ledger.hubReceipts, await ledger.hubReservations, await ledger.hubConflicts)
    }

    var summary: String {
        var lines: [String] = []
        let seconds = chaosTime.components.seconds
        lines.append("== opossum sync soak ==")
        lines.append(
            "seed \(configuration.seed), \(sites.count) sites, chaos for \(seconds / 60)m\(seconds % 60)s, "
                + "fault rate \(configuration.faultRate), sync kill rate \(configuration.syncKillRate), "
                + "hub up \(configuration.hubUptime.lower)-\(configuration.hubUptime.upper) s, "
                + "down \(configuration.hubDowntime.lower)-\(configuration.hubDowntime.upper) s"
        )
        lines.append("stores and logs: \(configuration.directory)")
        lines.append("hub kills (SIGKILL): \(hubKills)")
        lines.append(
            "head office at the hub: \(headOffice.receipts) receipts, \(headOffice.reservations) reservations, "
                + "\(headOffice.conflicts) reservations refused locally"
        )
        var faults: [FaultPlanner.Fault: Int] = [:]
        for site in sites {
            faults.merge(site.planner.counts, uniquingKeysWith: +)
        }
        lines.append(
            "proxied connections: "
                + FaultPlanner.Fault.allCases.map { "\($0.rawValue) \(faults[$0, default: 0])" }.joined(separator: ", ")
        )
        var totals = (decisions: 0, events: 0, accepted: 0, rejected: 0, syncs: 0)
        for site in sites {
            let counted = counts[site.index] ?? SoakLedger.SiteCounts()
            let tally = check.sites[site.index] ?? SoakChecker.SiteTally()
            let rejected = tally.rejected.values.reduce(0, +)
            let syncs = counted.syncs.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            totals.decisions += counted.decisions
            totals.events += counted.events
            totals.accepted += tally.accepted
            totals.rejected += rejected
            totals.syncs += counted.syncs.values.reduce(0, +)
            lines.append(
                "\(site.name): \(counted.decisions) decisions (\(counted.events) events), \(tally.accepted) accepted, "
                    + "\(rejected) rejected; \(counted.outOfStock) reservations skipped (no stock), "
                    + "\(counted.localConflicts) refused locally; syncs: \(syncs.joined(separator: ", "))"
            )
        }
        lines.append(
            "total: \(totals.decisions) decisions (\(totals.events) events), \(totals.accepted) accepted, "
                + "\(totals.rejected) rejected, \(totals.syncs) syncs; clean sync took \(cleanSyncRounds) rounds"
        )
        lines.append(
            "hub log: \(check.hubVisible) visible events (\(check.hubOwn) head office's own), "
                + "\(check.hubQuarantined) quarantined"
        )
        lines.append("final stock at the hub: " + check.finalStock.joined(separator: "; "))
        lines.append("hub log lines with error/warning: \(hubLogTrouble.count)")
        for line in hubLogTrouble.prefix(5) { lines.append("  \(line)") }
        let violations = self.violations
        lines.append("violations: \(violations.count)")
        for violation in violations.prefix(40) { lines.append("  \(violation)") }
        if violations.count > 40 { lines.append("  … and \(violations.count - 40) more") }
        lines.append(violations.isEmpty ? "PASS" : "FAIL")
        return lines.joined(separator: "\n")
    }
}
