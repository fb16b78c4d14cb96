import Foundation
import OpossumCurl
import OpossumSync
import OpossumTestSupport
import Synchronization
import Testing

@Suite("CurlTransport exchanges")
struct CurlTransportTests {
    @Test func statusIsDecodedFromTheHubsJSON() async throws {
        try await StandInHub.run { hub in
            let status = try await hub.transport().status()
            #expect(status == hub.siteStatus)
            #expect(hub.count(.status) == 1)
            #expect(hub.userAgents == [CurlTransport.Configuration.defaultUserAgent])
            #expect(CurlTransport.Configuration.defaultUserAgent.hasPrefix("opossum/"))
        }
    }

    @Test func pushStreamsAFileOfSeveralMebibytesAndDecodesTheReceipt() async throws {
        try await withScratchDirectory("curl-push") { directory in
            let bundle = randomBytes(count: 6 << 20 + 123, seed: 1)
            let path = directory + "/push.bundle"
            try write(bundle, to: path)
            let reports = Mutex<[TransferProgress]>([])
            try await StandInHub.run { hub in
                let transport = hub.transport { configuration in
                    configuration.progress = { progress in reports.withLock { $0.append(progress) } }
                }
                let receipt = try await transport.push(bundleAt: path)
                #expect(receipt.verdicts.count == 2)
                #expect(receipt.acceptedCount == 1)
                #expect(receipt.duplicateCount == 1)
                #expect(receipt.verdicts[1].verdict.reason == "slot taken")
                #expect(hub.pushedBodies.count == 1)
                #expect(hub.pushedBodies.first == bundle)
                #expect(hub.contentTypes == ["application/vnd.opossum.bundle"])
            }
            let last = try #require(reports.withLock { $0.last })
            #expect(last.bytesSent == Int64(bundle.count))
            #expect(last.bytesToSend == Int64(bundle.count))
            #expect(last.attempt == 1)
        }
    }

    @Test func pullWritesTheExactBytesToTheDestination() async throws {
        try await withScratchDirectory("curl-pull") { directory in
            let bundle = randomBytes(count: 3 << 20 + 5, seed: 2)
            try await StandInHub.run(pullBody: bundle) { hub in
                let path = directory + "/pull.bundle"
                try await hub.transport().pull(after: 7, verdictsAfter: 3, maximumEvents: 500, to: path)
                #expect(try contents(of: path) == bundle)
                #expect(try names(in: directory) == ["pull.bundle"])
                #expect(hub.queries == ["after=7&verdictsAfter=3&maxEvents=500"])
            }
        }
    }

    @Test func pullLeavesTheHubsDefaultWhenNoMaximumIsGiven() async throws {
        try await withScratchDirectory("curl-pull-default") { directory in
            try await StandInHub.run { hub in
                try await hub.transport().pull(after: 0, verdictsAfter: 0, maximumEvents: 0, to: directory + "/b")
                #expect(hub.queries == ["after=0&verdictsAfter=0"])
            }
        }
    }

    @Test func pullReplacesAnExistingFileOnlyWhenComplete() async throws {
        try await withScratchDirectory("curl-pull-replace") { directory in
            let path = directory + "/pull.bundle"
            try write(Array("old".utf8), to: path)
            try await StandInHub.run(pullBody: Array("new bundle".utf8)) { hub in
                hub.script(.pull, .error(status: 400, code: "invalidQuery", message: "after is not a number"))
                let error = await #expect(throws: TransportError.self) {
                    try await hub.transport().pull(after: 1, verdictsAfter: 0, maximumEvents: 0, to: path)
                }
                #expect(error?.code == .badRequest)
                #expect(try contents(of: path) == Array("old".utf8))
                try await hub.transport().pull(after: 1, verdictsAfter: 0, maximumEvents: 0, to: path)
                #expect(try contents(of: path) == Array("new bundle".utf8))
                #expect(try names(in: directory) == ["pull.bundle"])
            }
        }
    }

    @Test func pushOfAMissingFileIsAnIOErrorNamingIt() async throws {
        try await StandInHub.run { hub in
            let error = await #expect(throws: TransportError.self) {
                try await hub.transport(attempts: 3).push(bundleAt: "/nonexistent/push.bundle")
            }
            #expect(error?.code == .io)
            #expect(error?.message.contains("/nonexistent/push.bundle") == true)
            #expect(hub.count(.push) == 0)
        }
    }

    @Test func anAnswerOverTheSizeLimitIsRefused() async throws {
        try await StandInHub.run { hub in
            let transport = hub.transport { $0.maximumResponseSize = 16 }
            let error = await #expect(throws: TransportError.self) { try await transport.status() }
            #expect(error?.code == .invalidResponse)
        }
    }

    @Test func anAnswerThatIsNotTheExpectedJSONIsAnInvalidResponse() async throws {
        try await StandInHub.run { hub in
            hub.script(.status, .plain(status: 200, body: "<html>captive portal</html>"))
            let error = await #expect(throws: TransportError.self) { try await hub.transport(attempts: 3).status() }
            #expect(error?.code == .invalidResponse)
            #expect(hub.count(.status) == 1)
        }
    }
}
