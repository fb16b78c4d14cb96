import Foundation
import Opossum
import OpossumCurl
import OpossumSync
import OpossumTestSupport
import Testing

/// Sync through a proxy that breaks connections on purpose: whatever breaks and
/// wherever, a retry is a resend, and the stores end with every event exactly once.
@Suite("sync over HTTP, with faults")
struct SyncOverHTTPFaultTests {
    /// Appends `count` decisions of 5 events each, each under a condition on its own tag.
    static func decide(_ count: Int, on store: FileEventStore, label: String) async throws {
        for number in 0..<count {
            let tag = Tag("job", "\(label)-\(number)")
            let events = (0..<5).map { _ in
                Event(type: "JobLogged", data: Data(#"{"note":"replaced gasket and tested"}"#.utf8), tags: [tag])
            }
            _ = try await store.append(events, condition: AppendCondition(failIfEventsMatch: try .tags(tag)))
        }
    }

    /// Expects every event of `site` to be at the hub exactly once, and the site to show
    /// exactly the hub's events.
    static func expectConverged(_ fixture: HTTPSyncFixture, _ site: HTTPSyncFixture.Site) async throws {
        let hubLog = try await HTTPSyncFixture.log(of: fixture.hub)
        #expect(Set(hubLog).count == hubLog.count, "an event arrived twice at the hub")
        let siteLog = try await HTTPSyncFixture.log(of: site.store)
        #expect(Set(siteLog) == Set(hubLog))
    }

    /// The offsets at which the tests cut a connection: inside the request line and
    /// headers, inside the body, and past its end.
    static let offsets = [0, 1, 90, 250, 1_500, 6_000, 20_000, 200_000]

    @Test func aPushCutAtAnyOffsetIsResentAndEveryDecisionIsJudgedOnce() async throws {
        try await HTTPSyncFixture.with(sites: ["anna"]) { fixture, sites in
            let proxy = try FaultProxy(targetPort: fixture.port)
            defer { proxy.stop() }
            let url = "http://127.0.0.1:\(proxy.port)"
            let agent = try await fixture.agent(for: sites[0], transport: fixture.transport(for: sites[0], url: url))
            var decided = 0
            for (round, offset) in Self.offsets.enumerated() {
                try await Self.decide(10, on: sites[0].store, label: "r\(round)")
                decided += 10
                // Connections go: status, then the push.
                let push = proxy.connectionCount + 1
                proxy.setPlan { $0 == push ? .cutUpstream(afterBytes: offset) : .pass }
                let report = try await agent.sync()
                #expect(report.pushed.verdicts.count == 10)
                #expect(report.pushed.verdicts.allSatisfy { $0.verdict.outcome == .accepted })
            }
            #expect(try await HTTPSyncFixture.log(of: fixture.hub).count == decided * 5)
            try await Self.expectConverged(fixture, sites[0])
        }
    }

    @Test func aPullCutAtAnyOffsetIsFetchedAgain() async throws {
        try await HTTPSyncFixture.with(sites: ["anna", "ben"]) { fixture, sites in
            let proxy = try FaultProxy(targetPort: fixture.port)
            defer { proxy.stop() }
            let url = "http://127.0.0.1:\(proxy.port)"
            let writer = try await fixture.agent(for: sites[1])
            let reader = try await fixture.agent(for: sites[0], transport: fixture.transport(for: sites[0], url: url))
            for (round, offset) in Self.offsets.enumerated() {
                try await Self.decide(10, on: sites[1].store, label: "r\(round)")
                _ = try await writer.sync()
                // Connections go: status, push, status, then the pull.
                let pull = proxy.connectionCount + 3
                proxy.setPlan { $0 == pull ? .cutDownstream(afterBytes: offset) : .pass }
                let report = try await reader.sync()
                #expect(report.pulled.eventCount == 50)
            }
            try await Self.expectConverged(fixture, sites[0])
            try await Self.expectConverged(fixture, sites[1])
        }
    }

    @Test func aLostAcknowledgementIsAnsweredWithTheSameVerdictsAsDuplicates() async throws {
        try await HTTPSyncFixture.with(sites: ["anna"]) { fixture, sites in
            let proxy = try FaultProxy(targetPort: fixture.port)
            defer { proxy.stop() }
            let agent = try await fixture.agent(
                for: sites[0],
                transport: fixture.transport(for: sites[0], url: "http://127.0.0.1:\(proxy.port)")
            )
            try await Self.decide(4, on: sites[0].store, label: "lost")
            // The hub judges the push, and the answer never reaches the site.
            proxy.setPlan { $0 == 1 ? .cutDownstream(afterBytes: 1) : .pass }
            let report = try await agent.sync()
            #expect(report.pushed.verdicts.count == 4)
            #expect(
                report.pushed.verdicts.allSatisfy { $0.isDuplicate },
                "the resend finds them judged: \(report.pushed.verdicts.map(\.isDuplicate)) after \(proxy.connectionCount) connections"
            )
            #expect(report.pushed.verdicts.allSatisfy { $0.verdict.outcome == .accepted })
            #expect(report.pulled.verdicts.map(\.number) == [1, 2, 3, 4])
            #expect(try await HTTPSyncFixture.log(of: fixture.hub).count == 20)
            try await Self.expectConverged(fixture, sites[0])
        }
    }

    @Test func aStalledTransferIsAbandonedAtTheLowSpeedLimitAndNothingIsLost() async throws {
        try await HTTPSyncFixture.with(sites: ["anna"]) { fixture, sites in
            let proxy = try FaultProxy(targetPort: fixture.port) { _ in .stall(afterBytes: 0, direction: .downstream) }
            defer { proxy.stop() }
            let stalled = fixture.transport(
                for: sites[0],
                url: "http://127.0.0.1:\(proxy.port)",
                attempts: 1,
                lowSpeedTime: .seconds(1)
            )
            try await Self.decide(2, on: sites[0].store, label: "stall")
            let agent = try await fixture.agent(for: sites[0], transport: stalled)
            let error = await #expect(throws: TransportError.self) { try await agent.sync() }
            #expect(error?.code == .timedOut, "\(String(describing: error))")
            #expect(error?.isRetryable == true)
            // Once the link is healthy the same decisions go through, once.
            let report = try await fixture.agent(for: sites[0]).sync()
            #expect(report.pushed.accepted.count == 2)
            try await Self.expectConverged(fixture, sites[0])
        }
    }

    @Test func anUnreachableHubIsATemporaryFailureAndTheNextSyncCatchesUp() async throws {
        try await HTTPSyncFixture.with(sites: ["anna"]) { fixture, sites in
            // A proxy that was stopped leaves a port nobody listens on.
            let gone = try FaultProxy(targetPort: fixture.port)
            gone.stop()
            let offline = try await fixture.agent(
                for: sites[0],
                transport: fixture.transport(for: sites[0], url: "http://127.0.0.1:\(gone.port)", attempts: 2)
            )
            try await Self.decide(3, on: sites[0].store, label: "offline")
            let error = await #expect(throws: TransportError.self) { try await offline.sync() }
            #expect(error?.code == .unreachable && error?.isRetryable == true)
            #expect(error?.message.contains("127.0.0.1:\(gone.port)") == true, "\(String(describing: error))")
            #expect(SyncSchedule.outcome(of: try #require(error)) == .unreachable)
            let report = try await fixture.agent(for: sites[0]).sync()
            #expect(report.pushed.accepted.count == 3)
            try await Self.expectConverged(fixture, sites[0])
        }
    }
}
