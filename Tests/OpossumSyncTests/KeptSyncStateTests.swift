import Foundation
import Opossum
import Testing

@testable import OpossumSync

/// The hub and the site keep what they have folded from their sync records between
/// syncs; a record written meanwhile by another `HubSync` or `SiteSync` on the same
/// store must still count.
@Suite("sync state kept between syncs")
struct KeptSyncStateTests {
    @Test func verdictsRecordedThroughAnotherHubSyncAreSeenByTheKeptState() async throws {
        try await SyncFixture.with(sites: ["laptop-a"]) { fixture, sites in
            let site = sites[0]
            try await fixture.hub.append([SyncTests.received("P-100", 1), SyncTests.received("P-100", 1)])
            try await fixture.pull(site)
            // The kept state learns of the site here: verdict 1, accepted.
            #expect(try await SyncTests.reserve("P-100", for: "wo-1", on: site.store))
            #expect(try await fixture.push(site).map(\.verdict.outcome) == [.accepted])

            // Head office reserves one itself; the site, unaware, reserves the last but one.
            try await fixture.hub.append(SyncTests.reserved("P-100", for: "wo-hub"))
            #expect(try await SyncTests.reserve("P-100", for: "wo-2", on: site.store))
            let otherHub = try await HubSync(store: fixture.hub)
            let secondPush = fixture.bundlePath("push")
            _ = try await site.sync.exportPush(to: secondPush)
            // The site has no verdict yet, so it sends its first decision again.
            let verdicts = try await otherHub.importPush(from: secondPush, site: site.identity)
            #expect(verdicts.map(\.verdict.number) == [1, 2])
            #expect(verdicts.map(\.verdict.outcome) == [.accepted, .rejected])
            #expect(verdicts.map(\.isDuplicate) == [true, false])

            // The first hub sync counts the verdict it did not write.
            let status = try await fixture.hubSync.status(of: site.identity)
            #expect(status.verdictCount == 2)
            let resent = try await fixture.hubSync.importPush(from: secondPush, site: site.identity)
            #expect(resent == verdicts.map { BatchVerdict(verdict: $0.verdict, isDuplicate: true) })

            // A pull applied through another site sync is seen by the first one.
            let pullBundle = try await fixture.pullBundle(for: site)
            let otherSite = try await SiteSync(store: site.store, hub: fixture.hubIdentity)
            let pulled = try await otherSite.importPull(from: pullBundle)
            #expect(pulled.verdicts.map(\.number) == [1, 2])
            let request = try await site.sync.pullRequest()
            #expect(request.verdictsSeen == 2)
            #expect(request.hubCursor == pulled.hubCursor)
        }
    }
}
