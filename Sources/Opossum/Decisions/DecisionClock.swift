public import Foundation
import Synchronization

/// Where a decision gets the time and how it waits between attempts.
///
/// Decisions never call `Date()` or `Task.sleep` themselves, so that a test can fix
/// the time a rule sees (a reservation expires, a name is held for 30 days) and can
/// run a retry schedule without waiting for it.
public protocol DecisionClock: Sendable {
    /// The current wall-clock time, handed to the decision as ``DecisionContext/now``.
    var now: Date { get }

    /// Waits `duration` before the next attempt.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    func sleep(for duration: Duration) async throws
}

/// The real time and real waits.
public struct SystemDecisionClock: DecisionClock {
    /// Creates the system clock.
    public init() {}

    /// The current time.
    public var now: Date { Date() }

    /// Suspends the task for `duration`.
    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}

extension DecisionClock where Self == SystemDecisionClock {
    /// The real time and real waits.
    public static var system: SystemDecisionClock { SystemDecisionClock() }
}

/// A clock for tests: time stands still until advanced, and waits return at once.
///
/// A wait moves ``now`` forward by its duration and is recorded in ``sleeps``, so a
/// test can check a retry schedule exactly and still run in microseconds.
public final class ManualDecisionClock: DecisionClock {
    private struct State {
        var now: Date
        var sleeps: [Duration]
    }

    private let state: Mutex<State>

    /// Creates a clock showing `now`.
    public init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        state = Mutex(State(now: now, sleeps: []))
    }

    /// The clock's current time.
    public var now: Date { state.withLock { $0.now } }

    /// Every wait asked of the clock, in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }

    /// Moves the time forward by `duration`.
    public func advance(by duration: Duration) {
        state.withLock { $0.now += duration.timeInterval }
    }

    /// Sets the time to `date`.
    public func set(_ date: Date) {
        state.withLock { $0.now = date }
    }

    /// Records the wait and moves the time forward by it, without suspending.
    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.sleeps.append(duration)
            state.now += duration.timeInterval
        }
    }
}

extension Duration {
    /// The duration in seconds, as `Date` arithmetic wants it.
    fileprivate var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
