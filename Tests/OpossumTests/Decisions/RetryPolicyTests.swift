import Opossum
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("the base delay doubles from the initial delay and stops at the maximum")
    func baseDelayDoublesUpToMaximum() {
        let policy = RetryPolicy(maxAttempts: 10, initialDelay: .milliseconds(5), maxDelay: .milliseconds(50))
        #expect(
            (1...6).map { policy.baseDelay(afterAttempt: $0) } == [5, 10, 20, 40, 50, 50].map { .milliseconds($0) }
        )
        #expect(policy.baseDelay(afterAttempt: 1_000) == .milliseconds(50))
    }

    @Test("jitter takes away at most its share of the delay", arguments: [0.0, 0.25, 0.5, 1.0])
    func jitterStaysWithinItsShare(jitter: Double) {
        let policy = RetryPolicy(initialDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: jitter)
        #expect(policy.delay(afterAttempt: 1, random: 0) == .milliseconds(100))
        #expect(policy.delay(afterAttempt: 1, random: 0.5) == .milliseconds(100) * (1 - jitter / 2))
        for _ in 0..<100 {
            let delay = policy.delay(afterAttempt: 2, random: Double.random(in: 0..<1))
            #expect(delay <= .milliseconds(200))
            #expect(delay >= .milliseconds(200) * (1 - jitter))
        }
    }

    @Test("out-of-range values are clamped to a usable policy")
    func outOfRangeValuesAreClamped() {
        let policy = RetryPolicy(maxAttempts: 0, initialDelay: .milliseconds(10), maxDelay: .milliseconds(1), jitter: 3)
        #expect(policy.maxAttempts == 1)
        #expect(policy.maxDelay == .milliseconds(10))
        #expect(policy.jitter == 1)
        #expect(RetryPolicy.never.maxAttempts == 1)
        #expect(RetryPolicy.default.maxAttempts > 1)
    }
}
