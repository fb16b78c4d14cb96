import OpossumCurl
import OpossumSync
import Testing

@Suite("TransferRetryPolicy")
struct RetryPolicyTests {
    @Test func waitsAreDrawnBelowADoublingCeilingCappedAtTheMaximum() {
        let policy = TransferRetryPolicy(baseDelay: .milliseconds(500), maximumDelay: .seconds(3))
        let failure = TransportError(.unreachable, "down")
        for attempt in 1...8 {
            let ceiling = min(Duration.seconds(3), .milliseconds(500) * (1 << (attempt - 1)))
            for _ in 0..<50 {
                let delay = policy.delay(after: failure, attempt: attempt)
                #expect(delay >= .zero && delay <= ceiling)
            }
        }
    }

    @Test func waitsAreJittered() {
        let policy = TransferRetryPolicy()
        let failure = TransportError(.timedOut, "slow")
        let delays = Set((0..<20).map { _ in policy.delay(after: failure, attempt: 4) })
        #expect(delays.count > 1)
    }

    @Test func retryAfterIsHonouredUpToFiveMinutes() {
        let policy = TransferRetryPolicy()
        #expect(policy.delay(after: TransportError(.busy, "busy", retryAfter: 7), attempt: 1) == .seconds(7))
        #expect(policy.delay(after: TransportError(.busy, "busy", retryAfter: 86_400), attempt: 1) == .seconds(300))
    }

    @Test(arguments: [
        (TransportError.Code.unreachable, true), (.timedOut, true), (.interrupted, true), (.busy, true),
        (.serverError, true), (.tls, false), (.tokenRejected, false), (.forbidden, false), (.tooLarge, false),
        (.badRequest, false), (.invalidResponse, false), (.io, false),
    ])
    func onlyFailuresThatResendingCanCureAreRetried(code: TransportError.Code, retried: Bool) {
        let policy = TransferRetryPolicy(maximumAttempts: 3)
        #expect(policy.shouldRetry(after: TransportError(code, "x"), attempt: 1) == retried)
        #expect(!policy.shouldRetry(after: TransportError(code, "x"), attempt: 3))
    }
}
