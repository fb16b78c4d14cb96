import FieldService
import Foundation
import Opossum
import OpossumCurl
import OpossumHub
import OpossumSync
import OpossumTestSupport
import Synchronization
import Testing

/// Sync over real HTTP: a hub on a loopback port, sites syncing through libcurl, and
/// the verdicts DESIGN §7 says.
@Suite("sync over HTTP")
struct SyncOverHTTPTests {
    @Test func twoSitesContendOfflineAndTheHubAcceptsOneAndRejectsTheOther() async throws {
        try await HTTPSyncFixture.with(sites: ["anna", "ben"]) { fixture, sites in
            _ = try await FieldServiceDesk(store: fixture.hub).receiveStock(1, of: "valve-20", at: "north")
            let agents = [try await fixture.agent(for: sites[0]), try await fixture.agent(for: sites[1])]
            for agent in agents {
                let report = try await agent.sync()
                #expect(report.pulled.eventCount == 1)
            }
            // Offline: both see the one valve and reserve it; Ben also opens a work order.
            for (site, order) in zip(sites, ["wo-anna", "wo-ben"]) {
                let desk = FieldServiceDesk(store: site.store)
                _ = try await desk.createWorkOrder(order, summary: "pump station")
                _ = try await desk.reservePart("valve-20", at: "north", for: order)
            }
            _ = try await FieldServiceDesk(store: sites[1].store).createWorkOrder("wo-ben-2", summary: "hydrant")

            let first = try await agents[0].sync()
            #expect(first.pushed.accepted.count == 2 && first.pushed.rejected.isEmpty)
            #expect(first.pulled.rejections.isEmpty)

            let second = try await agents[1].sync()
            // The reservation rested on a stock Anna's reservation changed: rejected, and
            // the reason names what it missed. Ben's work orders do not touch the stock.
            #expect(second.pushed.accepted.count == 2)
            let rejected = try #require(second.pushed.rejected.first)
            #expect(second.pushed.rejected.count == 1)
            #expect(rejected.conflicts.map(\.type) == ["PartReserved"])
            #expect(second.pulled.rejections == [rejected], "the pull records the verdict the push announced")
            #expect(try await FieldServiceDesk(store: sites[1].store).stock(of: "valve-20", at: "north").available == 0)

            // Anna receives Ben's work orders; every store shows the same log, in the hub's order.
            let third = try await agents[0].sync()
            #expect(third.pulled.eventCount == 2)
            let hubLog = try await HTTPSyncFixture.log(of: fixture.hub)
            #expect(hubLog.count == 5, "the stock, Anna's work order and reservation, Ben's two work orders")
            for site in sites {
                #expect(Set(try await HTTPSyncFixture.log(of: site.store)) == Set(hubLog))
            }
            #expect(try await FileEventStore.check(at: fixture.hub.directory).isHealthy)
        }
    }

    @Test func aSyncWithNothingNewChangesNothing() async throws {
        try await HTTPSyncFixture.with(sites: ["anna"]) { fixture, sites in
            let agent = try await fixture.agent(for: sites[0])
            _ = try await FieldServiceDesk(store: sites[0].store).createWorkOrder("wo-1", summary: "leak")
            _ = try await agent.sync()
            // The next sync tells the hub how far the first one pulled; after that, a sync
            // with nothing new writes nothing on either side.
            _ = try await agent.sync()
            let head = try await fixture.hub.status().head
            let siteHead = try await sites[0].store.status().head
            let again = try await agent.sync()
            #expect(again.pushed.eventCount == 0 && again.pulled.eventCount == 0 && again.pulled.verdicts.isEmpty)
            #expect(try await fixture.hub.status().head == head)
            #expect(try await sites[0].store.status().head == siteHead)
        }
    }

    @Test func aCompressedSyncCarriesTheSameDecisionsBothWays() async throws {
        try await HTTPSyncFixture.with(sites: ["anna", "ben"]) { fixture, sites in
            try await SyncOverHTTPFaultTests.decide(40, on: sites[0].store, label: "gz")
            var agents: [SyncAgent] = []
            for site in sites {
                agents.append(
                    SyncAgent(
                        site: try await SiteSync(store: site.store, hub: site.hub),
                        transport: fixture.transport(for: site),
                        options: SyncAgent.Options(compressed: true)
                    )
                )
            }
            #expect(try await agents[0].sync().pushed.accepted.count == 40)
            #expect(try await agents[1].sync().pulled.eventCount == 200)
            try await SyncOverHTTPFaultTests.expectConverged(fixture, sites[1])
        }
    }

    @Test func aLargePushGoesInBoundedBundlesAndEveryBatchIsJudgedOnce() async throws {
        try await HTTPSyncFixture.with(sites: ["anna"]) { fixture, sites in
            let store = sites[0].store
            for batch in 0..<50 {
                let events = (0..<20).map { _ in Event(type: "MeterRead", tags: [Tag("meter", "m\(batch)")]) }
                _ = try await store.append(
                    events,
                    condition: AppendCondition(failIfEventsMatch: try .tags(Tag("meter", "m\(batch)")))
                )
            }
            let agent = try await fixture.agent(for: sites[0], maximumEventsPerBundle: 150)
            let report = try await agent.sync()
            #expect(report.pushed.eventCount == 1000)
            #expect(report.pushed.bundleCount == 7)
            #expect(report.pushed.verdicts.count == 50 && report.pushed.accepted.count == 50)
            #expect(report.pulled.verdicts.count == 50)
            #expect(try await HTTPSyncFixture.log(of: fixture.hub).count == 1000)
        }
    }

    @Test func pushesStayUnderTheHubsBodyLimitWhichTheAgentLearnsFromTheStatus() async throws {
        // 40 KiB of body at most: 30 decisions of ~5 KB need several bundles.
        var configuration = HubServer.Configuration(port: 0)
        configuration.maximumBodySize = 40 << 10
        try await HTTPSyncFixture.with(sites: ["anna"], configuration: configuration) { fixture, sites in
            let store = sites[0].store
            let notes = String(repeating: "pressure within limits; ", count: 200)
            for visit in 0..<30 {
                _ = try await store.append(
                    Event(
                        type: "VisitLogged",
                        data: Data(#"{"notes":"\#(notes)"}"#.utf8),
                        tags: [Tag("visit", "\(visit)")]
                    )
                )
            }
            let agent = try await fixture.agent(for: sites[0])
            let report = try await agent.sync()
            #expect(report.pushed.eventCount == 30)
            #expect(report.pushed.accepted.count == 30)
            #expect(report.pushed.bundleCount >= 4)
            #expect(try await HTTPSyncFixture.log(of: fixture.hub).count == 30)
        }
    }
}

/// The sync agent's guarantees around the transfer itself: resuming, one sync at a
/// time, and apps that append while a sync runs.
@Suite("sync agent over HTTP")
struct SyncAgentOverHTTPTests {
    @Test func anInterruptedFirstSyncResumesFromWhatTheHubJudgedInsteadOfStartingOver() async throws {
        try await HTTPSyncFixture.with(sites: ["anna"]) { fixture, sites in
            try await SyncOverHTTPFaultTests.decide(200, on: sites[0].store, label: "big")
            let proxy = try FaultProxy(targetPort: fixture.port)
            defer { proxy.stop() }
            // Status, then three pushes of 100 events get through; then the link drops.
            proxy.setPlan { $0 <= 3 ? .pass : .refuse }
            let flaky = try await fixture.agent(
                for: sites[0],
                transport: fixture.transport(for: sites[0], url: "http://127.0.0.1:\(proxy.port)", attempts: 1),
                maximumEventsPerBundle: 100
            )
            await #expect(throws: TransportError.self) { try await flaky.sync() }
            let judged = try await HTTPSyncFixture.log(of: fixture.hub).count
            #expect(judged == 300)
            let report = try await fixture.agent(for: sites[0], maximumEventsPerBundle: 100).sync()
            #expect(report.pushed.eventCount == 1_000 - judged, "only what the hub had not judged is sent")
            #expect(report.pushed.verdicts.allSatisfy { !$0.isDuplicate })
            #expect(report.pulled.verdicts.count == 200, "every verdict arrives, also those of the first attempt")
            try await SyncOverHTTPFaultTests.expectConverged(fixture, sites[0])
        }
    }

    @Test func aSecondSyncOfOneStoreWaitsForTheFirstAndSendsNothingTwice() async throws {
        try await HTTPSyncFixture.with(sites: ["anna"]) { fixture, sites in
            try await SyncOverHTTPFaultTests.decide(300, on: sites[0].store, label: "twice")
            let first = try await fixture.agent(for: sites[0], maximumEventsPerBundle: 200)
            let second = try await fixture.agent(for: sites[0], maximumEventsPerBundle: 200)
            let (pushing, started) = AsyncStream<Void>.makeStream()
            let one = Task {
                try await first.sync { step in
                    if case .pushing = step { started.yield() }
                }
            }
            for await _ in pushing { break }
            let waited = Mutex(false)
            let two = try await second.sync { step in
                if step == .waitingForAnotherSync { waited.withLock { $0 = true } }
            }
            let reports = [try await one.value, two]
            #expect(waited.withLock { $0 })
            #expect(reports.map(\.pushed.eventCount) == [1_500, 0], "the first sent everything, the second nothing")
            #expect(reports.allSatisfy { $0.pushed.verdicts.allSatisfy { !$0.isDuplicate } })
            #expect(try await HTTPSyncFixture.log(of: fixture.hub).count == 1_500)
        }
    }

    @Test func aPullOfManyBundlesEachFetchedWhileTheOneBeforeIsAppliedBringsEverythingOnce() async throws {
        try await HTTPSyncFixture.with(sites: ["anna", "ben"]) { fixture, sites in
            let (anna, ben) = (sites[0], sites[1])
            // Ben decides offline on jobs Anna decides on first: head office rejects his.
            try await SyncOverHTTPFaultTests.decide(300, on: anna.store, label: "shared")
            try await SyncOverHTTPFaultTests.decide(20, on: ben.store, label: "shared")
            _ = try await fixture.agent(for: anna, maximumEventsPerBundle: 100).sync()

            let report = try await fixture.agent(for: ben, maximumEventsPerBundle: 100).sync()
            #expect(report.pushed.rejected.count == 20)
            #expect(report.pulled.eventCount == 1_500)
            #expect(report.pulled.bundleCount >= 15)
            #expect(report.pulled.verdicts.count == 20, "each verdict is recorded once")
            let received = try await SiteSync.verdicts(in: ben.store)
            #expect(received.map(\.number) == Array(1...20))
            try await SyncOverHTTPFaultTests.expectConverged(fixture, ben)
            let workspace = ben.store.directory + "/Sync/transfer"
            #expect(try FileManager.default.contentsOfDirectory(atPath: workspace).isEmpty, "no bundle is left behind")
        }
    }

    @Test func decisionsAppendedWhileASyncRunsAreNeitherLostNorSentTwice() async throws {
        try await HTTPSyncFixture.with(sites: ["anna"]) { fixture, sites in
            let store = sites[0].store
            try await SyncOverHTTPFaultTests.decide(2_000, on: store, label: "before")
            let agent = try await fixture.agent(for: sites[0], maximumEventsPerBundle: 2_000)
            let appending = Task {
                try await SyncOverHTTPFaultTests.decide(50, on: store, label: "during")
            }
            let report = try await agent.sync()
            try await appending.value
            let rest = try await agent.sync()
            #expect(report.pushed.eventCount + rest.pushed.eventCount == 10_250)
            #expect(try await HTTPSyncFixture.log(of: fixture.hub).count == 10_250)
            try await SyncOverHTTPFaultTests.expectConverged(fixture, sites[0])
        }
    }

    @Test func aSyncOverHTTPSTrustsTheHubWithItsCAFileAndRefusesClearlyWithoutIt() async throws {
        try await TestCertificates.with { certificates in
            let configuration = HubServer.Configuration(
                port: 0,
                tls: HubServer.Configuration.TLS(
                    certificateChainPath: certificates.certificateFile,
                    privateKeyPath: certificates.keyFile
                )
            )
            try await HTTPSyncFixture.with(sites: ["anna"], configuration: configuration) { fixture, sites in
                #expect(fixture.url.hasPrefix("https://"))
                try await SyncOverHTTPFaultTests.decide(3, on: sites[0].store, label: "tls")
                let untrusting = try await fixture.agent(for: sites[0])
                let error = await #expect(throws: TransportError.self) { try await untrusting.sync() }
                #expect(error?.code == .tls && error?.isRetryable == false)
                #expect(error?.message.contains("--ca-file") == true, "\(String(describing: error))")
                let trusting = try await fixture.agent(
                    for: sites[0],
                    transport: fixture.transport(
                        for: sites[0],
                        tls: TLSOptions(caFile: certificates.caFile, pinnedPublicKey: certificates.pin)
                    )
                )
                let report = try await trusting.sync()
                #expect(report.pushed.accepted.count == 3)
                try await SyncOverHTTPFaultTests.expectConverged(fixture, sites[0])
            }
        }
    }
}
