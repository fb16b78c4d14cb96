import Foundation

/// What the soak counted while it ran, and every violation it met, shared by its tasks.
actor SoakLedger {
    /// What one site did.
    struct SiteCounts: Sendable {
        var decisions = 0
        var events = 0
        var outOfStock = 0
        var localConflicts = 0
        /// Syncs by how they ended: `exit 0`, `exit 2`, `exit 75`, `killed`.
        var syncs: [String: Int] = [:]
    }

    private(set) var violations: [String] = []
    private(set) var sites: [Int: SiteCounts] = [:]
    private(set) var hubKills = 0
    private(set) var hubReceipts = 0
    private(set) var hubReservations = 0
    private(set) var hubConflicts = 0
    private let clock = ContinuousClock()
    private let started = ContinuousClock.now

    /// Records a violation and says so at once on standard error.
    func violation(_ message: String) {
        violations.append(message)
        let seconds = (clock.now - started).components.seconds
        FileHandle.standardError.write(Data("opossum-soak: [\(seconds)s] VIOLATION: \(message)\n".utf8))
    }

    /// Records a decision site `index` appended, of `events` events.
    func appended(site index: Int, events: Int) {
        sites[index, default: SiteCounts()].decisions += 1
        sites[index, default: SiteCounts()].events += events
    }

    /// Records a reservation site `index` did not make: no stock as far as it knew.
    func outOfStock(site index: Int) {
        sites[index, default: SiteCounts()].outOfStock += 1
    }

    /// Records a decision whose condition failed at its own site (exit 3).
    func localConflict(site index: Int) {
        sites[index, default: SiteCounts()].localConflicts += 1
    }

    /// Records how a sync of site `index` ended.
    func synced(site index: Int, ending: String) {
        sites[index, default: SiteCounts()].syncs[ending, default: 0] += 1
    }

    func hubKilled() { hubKills += 1 }

    /// Records a head-office decision at the hub: a receipt, a reservation, or a
    /// reservation whose condition failed.
    func headOffice(receipt: Bool = false, reservation: Bool = false, conflict: Bool = false) {
        if receipt { hubReceipts += 1 }
        if reservation { hubReservations += 1 }
        if conflict { hubConflicts += 1 }
    }

    /// One line for the progress log.
    func progressLine() -> String {
        let decisions = sites.values.reduce(0) { $0 + $1.decisions }
        let syncs = sites.values.reduce(0) { $0 + $1.syncs.values.reduce(0, +) }
        let unreachable = sites.values.reduce(0) { $0 + $1.syncs["exit 75", default: 0] }
        return "\(decisions) decisions, \(syncs) syncs (\(unreachable) unreachable), \(hubKills) hub kills, "
            + "\(hubReceipts + hubReservations) head-office decisions, \(violations.count) violations"
    }
}
