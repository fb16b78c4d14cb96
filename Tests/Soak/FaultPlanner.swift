import OpossumTestSupport
import Synchronization

/// Chooses, connection by connection, what a site's fault proxy does: mostly pass,
/// sometimes cut either way, delay, refuse, rarely stall (a stall ends only by the
/// client's 30 s low-speed timeout). Counts what it chose.
final class FaultPlanner: Sendable {
    /// What a connection met.
    enum Fault: String, CaseIterable, Sendable {
        case pass, cutUpstream, cutDownstream, delay, refuse, stall
    }

    private struct State {
        var random: SeededRandom
        var faultRate: Double
        var counts: [Fault: Int] = [:]
    }

    private let state: Mutex<State>

    init(random: SeededRandom, faultRate: Double) {
        state = Mutex(State(random: random, faultRate: faultRate))
    }

    /// The plan for the next connection.
    func plan() -> FaultProxy.Plan {
        state.withLock { state in
            let (fault, plan) = Self.choose(using: &state.random, faultRate: state.faultRate)
            state.counts[fault, default: 0] += 1
            return plan
        }
    }

    /// Sets the share of connections from now on that meet a fault.
    func setFaultRate(_ rate: Double) {
        state.withLock { $0.faultRate = rate }
    }

    /// From now on, every connection passes untouched.
    func stopFaults() {
        setFaultRate(0)
    }

    /// How many connections met each fault so far.
    var counts: [Fault: Int] {
        state.withLock { $0.counts }
    }

    private static func choose(using random: inout SeededRandom, faultRate: Double) -> (Fault, FaultProxy.Plan) {
        guard faultRate > 0, Double.random(in: 0..<1, using: &random) < faultRate else { return (.pass, .pass) }
        // Cut points up to a few kilobytes land in the headers, in a small bundle, or past it.
        let bytes = Int.random(in: 0..<6000, using: &random)
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<28: return (.cutUpstream, .cutUpstream(afterBytes: bytes))
        case 28..<56: return (.cutDownstream, .cutDownstream(afterBytes: bytes))
        case 56..<84: return (.delay, .delay(.milliseconds(Int.random(in: 5...150, using: &random))))
        case 84..<97: return (.refuse, .refuse)
        default:
            let direction: FaultProxy.Direction = Bool.random(using: &random) ? .upstream : .downstream
            return (.stall, .stall(afterBytes: bytes, direction: direction))
        }
    }
}
