/// How often, and how patiently, a decision retries after a conflict.
///
/// A conflict means another writer got to the same boundary first; re-reading and
/// deciding again usually succeeds (or finds the rule now refuses). Waiting a little
/// between attempts — exponentially longer each time, with random jitter so that
/// contenders that collided do not collide again in lockstep — keeps a hot boundary
/// from turning into a busy loop.
public struct RetryPolicy: Hashable, Sendable {
    /// The most attempts, the first included; at least 1.
    public var maxAttempts: Int
    /// The wait before the second attempt, before jitter.
    public var initialDelay: Duration
    /// The longest wait between two attempts, before jitter.
    public var maxDelay: Duration
    /// The share of each wait that is random, from 0 (waits are exact) to 1 (a wait is
    /// anywhere from zero to the full delay).
    public var jitter: Double

    /// Creates a policy; values out of range are clamped.
    public init(
        maxAttempts: Int = 10,
        initialDelay: Duration = .milliseconds(5),
        maxDelay: Duration = .milliseconds(500),
        jitter: Double = 0.5
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = max(.zero, initialDelay)
        self.maxDelay = max(self.initialDelay, maxDelay)
        self.jitter = min(1, max(0, jitter))
    }

    /// Ten attempts, waits from 5 ms doubling up to 500 ms, half of each wait random.
    public static let `default` = RetryPolicy()

    /// One attempt: a conflict is reported at once, for callers that retry on their own terms.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// The wait after attempt `attempt` (from 1) conflicted, before jitter:
    /// `initialDelay * 2^(attempt - 1)`, at most `maxDelay`.
    public func baseDelay(afterAttempt attempt: Int) -> Duration {
        // Doubling past 2^30 only matters for absurd policies, and would overflow.
        let doublings = min(max(attempt - 1, 0), 30)
        return min(maxDelay, initialDelay * (1 << doublings))
    }

    /// The wait after attempt `attempt` conflicted, with jitter taken from `random`
    /// (a number in `0..<1`): the base delay less up to ``jitter`` of it.
    public func delay(afterAttempt attempt: Int, random: Double) -> Duration {
        let fraction = 1 - jitter * min(1, max(0, random))
        return baseDelay(afterAttempt: attempt) * fraction
    }
}
