import Foundation
import OpossumCurl
import OpossumSync
import OpossumTestSupport
import Testing

@Suite("CurlTransport through a faulty network")
struct CurlTransportFaultTests {
    /// Client-to-hub offsets to cut at: inside the request headers, early in the body,
    /// deep in the body.
    @Test(arguments: [100, 70_000, 1_500_007])
    func uploadCutMidwayIsResentUntilAConnectionPasses(offset: Int) async throws {
        try await withScratchDirectory("curl-cut-up") { directory in
            let bundle = randomBytes(count: 2 << 20, seed: 5)
            let path = directory + "/push.bundle"
            try write(bundle, to: path)
            try await StandInHub.run { hub in
                let proxy = try FaultProxy(targetPort: hub.port) { index in
                    index < 2 ? .cutUpstream(afterBytes: offset) : .pass
                }
                defer { proxy.stop() }
                let sleeps = SleepRecorder()
                let transport = hub.transport(url: "http://127.0.0.1:\(proxy.port)", attempts: 3, sleeps: sleeps)
                let receipt = try await transport.push(bundleAt: path)
                #expect(receipt.verdicts.count == 2)
                #expect(proxy.connectionCount == 3)
                #expect(sleeps.recorded.count == 2)
                #expect(hub.pushedBodies == [bundle])
            }
        }
    }

    /// Hub-to-client offsets to cut at: inside the answer's headers, early in the body,
    /// deep in the body.
    @Test(arguments: [50, 4_096, 1_000_003])
    func downloadCutMidwayIsResentAndLeavesNoPartialFile(offset: Int) async throws {
        try await withScratchDirectory("curl-cut-down") { directory in
            let bundle = randomBytes(count: 2 << 20, seed: 6)
            try await StandInHub.run(pullBody: bundle) { hub in
                let proxy = try FaultProxy(targetPort: hub.port) { _ in .cutDownstream(afterBytes: offset) }
                defer { proxy.stop() }
                let path = directory + "/pull.bundle"
                let url = "http://127.0.0.1:\(proxy.port)"
                let error = await #expect(throws: TransportError.self) {
                    try await hub.transport(url: url, attempts: 2).pull(
                        after: 0,
                        verdictsAfter: 0,
                        maximumEvents: 0,
                        to: path
                    )
                }
                #expect(error?.code == .interrupted)
                #expect(error?.message.contains(url + "/v1/sites/") == true)
                #expect(try names(in: directory).isEmpty)

                proxy.setPlan { index in index < 4 ? .cutDownstream(afterBytes: offset) : .pass }
                try await hub.transport(url: url, attempts: 3).pull(
                    after: 0,
                    verdictsAfter: 0,
                    maximumEvents: 0,
                    to: path
                )
                #expect(try contents(of: path) == bundle)
                #expect(try names(in: directory) == ["pull.bundle"])
                #expect(proxy.connectionCount == 5)
            }
        }
    }

    @Test func stalledDownloadIsAbandonedAsStalled() async throws {
        try await withScratchDirectory("curl-stall") { directory in
            try await StandInHub.run(pullBody: randomBytes(count: 1 << 20, seed: 7)) { hub in
                let proxy = try FaultProxy(targetPort: hub.port) { _ in .stall(afterBytes: 200, direction: .downstream)
                }
                defer { proxy.stop() }
                let url = "http://127.0.0.1:\(proxy.port)"
                let transport = hub.transport(url: url) { configuration in
                    configuration.lowSpeedTime = .seconds(1)
                }
                let path = directory + "/pull.bundle"
                let error = await #expect(throws: TransportError.self) {
                    try await transport.pull(after: 0, verdictsAfter: 0, maximumEvents: 0, to: path)
                }
                #expect(error?.code == .timedOut)
                #expect(
                    error?.message.hasPrefix("transfer stalled: less than 1000 bytes/s for 1 s from \(url)/v1/") == true
                )
                #expect(try names(in: directory).isEmpty)
            }
        }
    }

    @Test func stalledRequestIsResentOnANewConnection() async throws {
        try await StandInHub.run { hub in
            let proxy = try FaultProxy(targetPort: hub.port) { index in
                index == 0 ? .stall(afterBytes: 0, direction: .upstream) : .pass
            }
            defer { proxy.stop() }
            // More attempts, in case a loaded machine answers the second one slowly too.
            let transport = hub.transport(url: "http://127.0.0.1:\(proxy.port)", attempts: 5) { configuration in
                configuration.lowSpeedTime = .seconds(2)
            }
            #expect(try await transport.status() == hub.siteStatus)
            #expect(proxy.connectionCount >= 2)
            #expect(hub.count(.status) >= 1)
        }
    }

    @Test func hubThatNeverCompletesTheHandshakeTimesOut() async throws {
        try await StandInHub.run { hub in
            let proxy = try FaultProxy(targetPort: hub.port) { _ in .stall(afterBytes: 0, direction: .upstream) }
            defer { proxy.stop() }
            let url = "https://127.0.0.1:\(proxy.port)"
            let transport = hub.transport(url: url) { $0.connectTimeout = .seconds(1) }
            let error = await #expect(throws: TransportError.self) { try await transport.status() }
            #expect(error?.code == .timedOut)
            #expect(error?.message.hasPrefix("hub did not answer within 1 s at \(url)/v1/sites/") == true)
        }
    }

    @Test func connectionClosedBeforeAnyAnswerIsInterruptedAndResent() async throws {
        try await StandInHub.run { hub in
            let proxy = try FaultProxy(targetPort: hub.port) { index in index == 0 ? .refuse : .pass }
            defer { proxy.stop() }
            let sleeps = SleepRecorder()
            let transport = hub.transport(url: "http://127.0.0.1:\(proxy.port)", attempts: 2, sleeps: sleeps)
            #expect(try await transport.status() == hub.siteStatus)
            #expect(proxy.connectionCount == 2)
            #expect(sleeps.recorded.count == 1)
        }
    }

    @Test func cancellingTheCallingTaskAbortsTheTransferPromptly() async throws {
        try await withScratchDirectory("curl-cancel") { directory in
            try await StandInHub.run { hub in
                let proxy = try FaultProxy(targetPort: hub.port) { _ in .stall(afterBytes: 0, direction: .upstream) }
                defer { proxy.stop() }
                let (started, starting) = AsyncStream<Void>.makeStream()
                let transport = hub.transport(url: "http://127.0.0.1:\(proxy.port)", attempts: 5) { configuration in
                    configuration.progress = { _ in starting.yield() }
                }
                let path = directory + "/pull.bundle"
                let pull = Task {
                    try await transport.pull(after: 0, verdictsAfter: 0, maximumEvents: 0, to: path)
                }
                for await _ in started { break }
                let clock = ContinuousClock()
                let cancelled = clock.now
                pull.cancel()
                let result = await pull.result
                // Far sooner than the 30 s the stalled transfer would take to be abandoned.
                #expect(clock.now - cancelled < .seconds(10))
                #expect(throws: CancellationError.self) { try result.get() }
                #expect(try names(in: directory).isEmpty)
                #expect(proxy.connectionCount <= 1, "no attempt after the cancellation")
            }
        }
    }
}
