public import OpossumSync

/// When a transport tries an exchange with the hub again: how many times, and how long
/// it waits in between.
///
/// Every exchange is idempotent on the hub's side (docs/http.md), so a retry is simply a
/// resend. Only failures that resending can cure are retried
/// (``OpossumSync/TransportError/isRetryable``): the hub unreachable, slow, busy, failing,
/// or a connection that broke; a refused token, a forbidden path, a refused or oversized
/// bundle and a TLS failure are reported at once.
///
/// It paces transfers; `Opossum.RetryPolicy` paces a decision that met a conflict.
///
/// The wait before attempt *n* + 1 is drawn uniformly from zero to
/// `min(maximumDelay, baseDelay × 2ⁿ⁻¹)` ("full jitter"), so many sites coming back
/// after an outage do not all knock at once; when the hub said how long to wait
/// (`Retry-After` on a 408, 429 or 503), that is the wait, up to
/// ``maximumRetryAfter``.
public struct TransferRetryPolicy: Sendable {
    /// How many times an exchange is tried in all, at least 1.
    public var maximumAttempts: Int
    /// The ceiling of the first wait; each later ceiling doubles it.
    public var baseDelay: Duration
    /// The highest ceiling of a wait the transport chooses.
    public var maximumDelay: Duration
    /// Waits between attempts; `Task.sleep` unless a test makes it instant or records it.
    /// It throws `CancellationError` when the calling task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void

    /// The longest `Retry-After` honoured: a hub asking for more waits this long. A
    /// scheduled sync tries again on its next run anyway.
    public static let maximumRetryAfter: Duration = .seconds(300)

    /// Makes a policy; the defaults try 5 times, waiting up to 0.5 s, 1 s, 2 s, 4 s.
    public init(
        maximumAttempts: Int = 5,
        baseDelay: Duration = .milliseconds(500),
        maximumDelay: Duration = .seconds(30),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.sleep = sleep
    }

    /// One attempt, no retry.
    public static var never: TransferRetryPolicy { TransferRetryPolicy(maximumAttempts: 1) }

    /// Whether to try again after attempt number `attempt` (from 1) failed with `error`.
    public func shouldRetry(after error: TransportError, attempt: Int) -> Bool {
        error.isRetryable && attempt < maximumAttempts
    }

    /// How long to wait after attempt number `attempt` (from 1) failed with `error`.
    public func delay(after error: TransportError, attempt: Int) -> Duration {
        if let retryAfter = error.retryAfter {
            return min(.seconds(max(0, retryAfter)), Self.maximumRetryAfter)
        }
        let doubling = Double(1 << min(max(attempt - 1, 0), 30))
        let ceiling = min(maximumDelay.seconds, baseDelay.seconds * doubling)
        guard ceiling > 0 else { return .zero }
        return .seconds(Double.random(in: 0...ceiling))
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration as a technician reads it: `10 s`, `0.5 s`.
    var secondsText: String {
        let value = seconds
        if value == value.rounded() { return "\(Int(value)) s" }
        return "\((value * 1000).rounded() / 1000) s"
    }
}
