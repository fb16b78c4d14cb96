/// When a scheduled sync runs: every ``interval`` while the hub answers, and sooner,
/// backing off, while it does not.
///
/// A laptop that goes offline keeps retrying — after ``firstRetry``, then twice as
/// long each time, never longer than the interval — and is back on schedule with the
/// first sync that succeeds. Waits carry ±20 % jitter so a fleet of laptops that lost
/// the hub together does not come back in lockstep.
public struct SyncSchedule: Hashable, Sendable {
    /// The time between syncs while the hub answers.
    public var interval: Duration
    /// The first wait after a sync that could not reach the hub.
    public var firstRetry: Duration

    /// Makes a schedule.
    public init(interval: Duration, firstRetry: Duration = .seconds(10)) {
        self.interval = interval
        self.firstRetry = min(firstRetry, interval)
    }

    /// What the schedule does after a sync ended with `outcome`, and how long to wait
    /// before the next one, given `failures` syncs in a row that could not reach the hub
    /// before this one.
    public func nextWait(after outcome: Outcome, failures: Int) -> Duration {
        let base: Duration
        switch outcome {
        case .synced, .failed:
            base = interval
        case .unreachable:
            // 10 s, 20 s, 40 s … up to the interval.
            let factor = 1 << min(failures, 30)
            base = min(firstRetry * factor, interval)
        }
        return base * Double.random(in: 0.8...1.2)
    }

    /// How a sync ended, for the schedule.
    public enum Outcome: Hashable, Sendable {
        /// It synced.
        case synced
        /// The hub could not be reached or was busy: try again soon.
        case unreachable
        /// It failed in a way retrying soon will not fix (a refused token, a refused
        /// bundle): try again at the next interval, after someone looked.
        case failed
    }

    /// The outcome of a sync that threw `error`.
    public static func outcome(of error: any Error) -> Outcome {
        if let error = error as? TransportError, error.isRetryable { return .unreachable }
        return .failed
    }

    /// Runs `agent`'s sync now and then on this schedule until the task is cancelled,
    /// handing each result to `onResult` along with the wait before the next one.
    public func run(
        _ agent: SyncAgent,
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in },
        onResult: @Sendable (Result<SyncReport, any Error>, _ nextIn: Duration) async -> Void
    ) async {
        var failures = 0
        while !Task.isCancelled {
            let result: Result<SyncReport, any Error>
            do {
                result = .success(try await agent.sync(progress: progress))
            } catch is CancellationError {
                return
            } catch {
                result = .failure(error)
            }
            let outcome: Outcome
            switch result {
            case .success: outcome = .synced
            case .failure(let error): outcome = Self.outcome(of: error)
            }
            let wait = nextWait(after: outcome, failures: failures)
            failures = outcome == .unreachable ? failures + 1 : 0
            await onResult(result, wait)
            do {
                try await Task.sleep(for: wait)
            } catch {
                return
            }
        }
    }
}
