import Foundation
import OpossumCurl
import OpossumSync
import OpossumTestSupport
import Testing

@Suite("CurlTransport errors and retries")
struct CurlTransportErrorTests {
    @Test func rejectedTokenIsReportedAtOnceAndNotRetried() async throws {
        try await StandInHub.run { hub in
            let sleeps = SleepRecorder()
            let error = await #expect(throws: TransportError.self) {
                try await hub.transport(token: "stale", attempts: 5, sleeps: sleeps).status()
            }
            #expect(error?.code == .tokenRejected)
            #expect(error?.httpStatus == 401)
            #expect(error?.message.hasPrefix("token rejected by hub (HTTP 401): ") == true)
            #expect(error?.message.contains("ask head office") == true)
            #expect(hub.count(.status) == 1)
            #expect(sleeps.recorded.isEmpty)
        }
    }

    @Test func refusedBundleCarriesTheHubsCodeAndMessage() async throws {
        try await withScratchDirectory("curl-refused") { directory in
            let path = directory + "/push.bundle"
            try write(randomBytes(count: 1000, seed: 3), to: path)
            try await StandInHub.run { hub in
                hub.script(
                    .push,
                    .error(status: 400, code: "damaged", message: "the trailer's checksum does not match")
                )
                let error = await #expect(throws: TransportError.self) {
                    try await hub.transport(attempts: 5).push(bundleAt: path)
                }
                #expect(error?.code == .badRequest)
                #expect(
                    error?.message.hasPrefix(
                        "the hub refused the bundle (HTTP 400, damaged): the trailer's checksum does not match"
                    ) == true
                )
                #expect(hub.count(.push) == 1)
            }
        }
    }

    @Test(arguments: [
        (400, TransportError.Code.badRequest),
        (403, .forbidden),
        (404, .invalidResponse),
        (413, .tooLarge),
    ])
    func statusThatResendingCannotCureFailsAtOnce(status: Int, code: TransportError.Code) async throws {
        try await withScratchDirectory("curl-no-retry") { directory in
            let path = directory + "/push.bundle"
            try write(randomBytes(count: 10_000, seed: 4), to: path)
            try await StandInHub.run { hub in
                hub.script(.push, .error(status: status, code: "refused", message: "no"))
                let sleeps = SleepRecorder()
                let error = await #expect(throws: TransportError.self) {
                    try await hub.transport(attempts: 5, sleeps: sleeps).push(bundleAt: path)
                }
                #expect(error?.code == code)
                #expect(error?.httpStatus == status)
                #expect(error?.message.contains(hub.url + "/v1/sites/") == true)
                #expect(hub.count(.push) == 1)
                #expect(sleeps.recorded.isEmpty)
            }
        }
    }

    @Test func busyHubIsRetriedAfterTheWaitItAskedFor() async throws {
        try await StandInHub.run { hub in
            hub.script(.status, .error(status: 503, code: "busy", message: "shutting down", retryAfter: 1))
            let sleeps = SleepRecorder(realWaits: true)
            let clock = ContinuousClock()
            let started = clock.now
            let status = try await hub.transport(attempts: 5, sleeps: sleeps).status()
            #expect(clock.now - started >= .milliseconds(900))
            #expect(status == hub.siteStatus)
            #expect(hub.count(.status) == 2)
            #expect(sleeps.recorded == [.seconds(1)])
        }
    }

    @Test(arguments: [408, 429])
    func throttlingAnswersAreRetriedAsBusy(status: Int) async throws {
        try await StandInHub.run { hub in
            hub.script(.status, .error(status: status, code: "slow", message: "later", retryAfter: 2))
            let sleeps = SleepRecorder()
            _ = try await hub.transport(attempts: 2, sleeps: sleeps).status()
            #expect(hub.count(.status) == 2)
            #expect(sleeps.recorded == [.seconds(2)])
        }
    }

    @Test func serverErrorsAreRetriedWithBackoffUntilTheHubRecovers() async throws {
        try await StandInHub.run { hub in
            hub.script(
                .status,
                .error(status: 500, code: "internal", message: "disk full"),
                .plain(status: 502, body: "bad gateway")
            )
            let sleeps = SleepRecorder()
            let status = try await hub.transport(attempts: 5, sleeps: sleeps).status()
            #expect(status == hub.siteStatus)
            #expect(hub.count(.status) == 3)
            #expect(sleeps.recorded.count == 2)
            #expect(sleeps.recorded[0] <= .milliseconds(500))
            #expect(sleeps.recorded[1] <= .seconds(1))
        }
    }

    @Test func serverErrorsThatLastReportTheHubsMessageAndTheAttempts() async throws {
        try await StandInHub.run { hub in
            hub.script(.status, .error(status: 500, code: "internal", message: "disk full"))
            hub.script(.status, .error(status: 500, code: "internal", message: "disk full"))
            let error = await #expect(throws: TransportError.self) { try await hub.transport(attempts: 2).status() }
            #expect(error?.code == .serverError)
            #expect(error?.message.contains("the hub failed (HTTP 500): disk full") == true)
            #expect(error?.message.hasSuffix("gave up after 2 attempts") == true)
        }
    }

    @Test func refusedConnectionIsUnreachableAfterTheConfiguredAttempts() async throws {
        let port = try closedPort()
        let sleeps = SleepRecorder()
        let transport = transportWithoutHub(to: "http://127.0.0.1:\(port)/", policy: sleeps.policy(attempts: 3))
        let error = await #expect(throws: TransportError.self) { try await transport.status() }
        #expect(error?.code == .unreachable)
        #expect(
            error?.message.hasPrefix("hub unreachable: connection refused at http://127.0.0.1:\(port)/v1/sites/")
                == true
        )
        #expect(error?.message.hasSuffix("gave up after 3 attempts") == true)
        #expect(sleeps.recorded.count == 2)
    }

    @Test func unknownHostIsUnreachable() async throws {
        let transport = transportWithoutHub(to: "http://hub.invalid", policy: .never)
        let error = await #expect(throws: TransportError.self) { try await transport.status() }
        #expect(error?.code == .unreachable)
        #expect(error?.message.contains("http://hub.invalid/v1/sites/") == true)
    }

    @Test func malformedHubURLIsNotRetried() async throws {
        let sleeps = SleepRecorder()
        let transport = transportWithoutHub(to: "ftp://hub.example.com", policy: sleeps.policy(attempts: 3))
        let error = await #expect(throws: TransportError.self) { try await transport.status() }
        #expect(error?.code == .badRequest)
        #expect(error?.message.contains("ftp://hub.example.com") == true)
        #expect(sleeps.recorded.isEmpty)
    }
}
