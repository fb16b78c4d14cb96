import ArgumentParser
import Foundation
import OpossumTestSupport

/// What one soak run does: how long, how many sites, how much chaos, from which seed.
struct SoakConfiguration: Sendable {
    /// How long sites append and sync under faults, before the clean sync and the check.
    var duration: Duration
    /// How many sites.
    var siteCount: Int
    /// The seed every random choice derives from.
    var seed: UInt64
    /// Where the stores and logs go; kept after the run.
    var directory: String
    /// The share of proxied connections that meet a fault.
    var faultRate: Double
    /// The share of syncs killed part-way.
    var syncKillRate: Double
    /// How long the hub runs between kills.
    var hubUptime: SecondsRange
    /// How long the hub stays down after a kill.
    var hubDowntime: SecondsRange
    /// The hub's largest pull bundle: small, so that pulls come in several bundles.
    var hubPullMaximumEvents = 40
    /// How long any one `opossum` command may run before it counts as hung.
    var commandTimeout: Duration = .seconds(180)
    /// What to break on purpose before the check, to show the check finds it.
    var sabotage: Sabotage = .none

    /// A generator for the component `index` (0 the chaos, 1 head office, 100 + i site i's
    /// app, 200 + i its sync, 300 + i its proxy), derived from the seed.
    func random(for index: UInt64) -> SeededRandom {
        var mixer = SeededRandom(state: seed ^ (index &* 0xD1B5_4A32_D192_ED03))
        return SeededRandom(state: mixer.next())
    }
}

/// Damage done on purpose after the clean sync, before the check: a run with it must
/// end with violations, or the checker is blind to that damage.
enum Sabotage: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Nothing is broken.
    case none
    /// The ledger of the first site gains a decision its `append` "acknowledged" that
    /// no store holds: an acknowledged decision lost.
    case lostDecision = "lost-decision"
    /// A byte in the middle of the hub's first segment is flipped: committed data damaged.
    case damagedHub = "damaged-hub"
}

/// A duration typed as `90`, `90s`, `2m` or `1h`.
struct SoakDuration: ExpressibleByArgument, Sendable {
    let duration: Duration

    init(seconds: Int64) {
        duration = .seconds(seconds)
    }

    init?(argument: String) {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600]
        var text = Substring(argument)
        var unit: Int64 = 1
        if let last = text.last, let seconds = units[last] {
            unit = seconds
            text = text.dropLast()
        }
        guard let value = Int64(text), value > 0, value <= 48 * 3600 / unit else { return nil }
        duration = .seconds(value * unit)
    }

    var defaultValueDescription: String { "\(duration.components.seconds)s" }
}

/// A range of seconds typed as `MIN-MAX`, e.g. `20-60` or `0.5-3`.
struct SecondsRange: ExpressibleByArgument, Sendable {
    let lower: Double
    let upper: Double

    init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    init?(argument: String) {
        let parts = argument.split(separator: "-", maxSplits: 1).map { Double($0) }
        guard parts.count == 2, let lower = parts[0], let upper = parts[1], lower >= 0, lower <= upper else {
            return nil
        }
        self.init(lower: lower, upper: upper)
    }

    var defaultValueDescription: String { "\(lower)-\(upper)" }

    /// A duration drawn uniformly from the range.
    func random(using generator: inout SeededRandom) -> Duration {
        .milliseconds(Int((Double.random(in: lower...upper, using: &generator) * 1000).rounded()))
    }
}
