import Foundation
import Opossum
import OpossumCurl
import OpossumSync
import OpossumTestSupport
import Testing

/// The hub process killed with SIGKILL in the middle of imports, and started again:
/// the sites' next sync converges, and nothing is lost or judged twice.
@Suite("hub crashes", .serialized)
struct HubCrashTests {
    @Test func aHubKilledMidImportAndRestartedConvergesWithNothingLostOrDuplicated() async throws {
        try await withScratchDirectory("OpossumHubCrashTests") { directory in
            let hubPath = directory + "/hub"
            let hubStore = try await FileEventStore.create(at: hubPath, name: "head-office")
            try await HubRole.initialize(hubStore, name: "head-office")
            let hubIdentity = try await SigningIdentity.loadOrCreate(for: hubStore).identity
            let site = try await FileEventStore.create(
                at: directory + "/anna",
                name: "anna",
                options: FileEventStore.Options(durability: .none)
            )
            let siteIdentity = try await SigningIdentity.loadOrCreate(for: site).identity
            let (_, token) = try await SiteRegistry.enrol(siteIdentity, hubURL: nil, in: hubStore)
            await hubStore.close()
            try await SyncOverHTTPFaultTests.decide(3_000, on: site, label: "crash")
            let siteSync = try await SiteSync(store: site, hub: hubIdentity)

            func agent(_ hub: HubProcess, attempts: Int) -> SyncAgent {
                SyncAgent(
                    site: siteSync,
                    transport: CurlTransport(
                        configuration: CurlTransport.Configuration(
                            hubURL: hub.url,
                            siteStoreId: siteIdentity.storeId,
                            token: token,
                            retryPolicy: TransferRetryPolicy(
                                maximumAttempts: attempts,
                                baseDelay: .milliseconds(50),
                                maximumDelay: .milliseconds(200)
                            )
                        )
                    ),
                    // Several bundles, so a kill can fall between two of them too.
                    options: SyncAgent.Options(maximumEventsPerBundle: 4_000)
                )
            }

            var random = SeededRandom(state: 7)
            for _ in 0..<4 {
                let hub = try await HubProcess.start(store: hubPath, logDirectory: directory)
                let syncing = Task { try await agent(hub, attempts: 1).sync() }
                try await Task.sleep(for: .milliseconds(Int(random.next() % 900) + 50))
                try await hub.kill()
                // The sync fails (or finished just before the kill); either is fine.
                _ = await syncing.result
            }
            let hub = try await HubProcess.start(store: hubPath, logDirectory: directory)
            let report = try await agent(hub, attempts: 5).sync()
            #expect(report.pulled.hubCursor > 0)
            #expect(try await hub.stop() == .exited(0), "\(hub.log)")

            let reopened = try await FileEventStore.open(at: hubPath)
            let hubLog = try await HTTPSyncFixture.log(of: reopened)
            await reopened.close()
            #expect(hubLog.count == 15_000)
            #expect(Set(hubLog).count == hubLog.count, "an event was imported twice")
            #expect(Set(try await HTTPSyncFixture.log(of: site)) == Set(hubLog))
            let verdicts = try await SiteSync.verdicts(in: site)
            #expect(verdicts.map(\.number) == Array(1...3_000), "one verdict per decision, numbered without gaps")
            #expect(verdicts.allSatisfy { $0.outcome == .accepted })
            await site.close()
            #expect(try await FileEventStore.check(at: hubPath).isHealthy)
        }
    }
}
