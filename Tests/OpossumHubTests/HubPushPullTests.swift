import Foundation
import Hummingbird
import Opossum
import OpossumHub
import OpossumSync
import Testing

/// Pushing real bundles and pulling them back over HTTP.
@Suite("hub push and pull")
struct HubPushPullTests {
    @Test func aPushIsJudgedAndAnsweredWithOneVerdictPerBatch() async throws {
        try await HubFixture.with { fixture in
            let site = try await fixture.makeSite("laptop")
            try await fixture.appendBatches(3, at: site)
            let headBefore = try await fixture.hubHead()
            let response = try await fixture.push(try await fixture.pushBundle(of: site), as: site)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let receipt = try response.decode(PushReceipt.self)
            #expect(receipt.verdicts.count == 3)
            #expect(receipt.acceptedCount == 3)
            #expect(receipt.verdicts.map(\.verdict.originFirst.rawValue) == [1, 2, 3])
            #expect(try await fixture.hubHead() > headBefore)
            let visible = try await fixture.hub.readAll(Query.all)
            #expect(visible.filter { $0.type == "VisitLogged" }.count == 3)
            #expect(try fixture.spoolFiles().isEmpty)
        }
    }

    @Test func aResentPushIsAnsweredWithDuplicatesAndImportsNothing() async throws {
        try await HubFixture.with { fixture in
            let site = try await fixture.makeSite("laptop")
            try await fixture.appendBatches(2, at: site)
            let bundle = try await fixture.pushBundle(of: site)
            let first = try await fixture.push(bundle, as: site).decode(PushReceipt.self)
            let head = try await fixture.hubHead()
            let again = try await fixture.push(bundle, as: site)
            #expect(again.status == .ok)
            let second = try again.decode(PushReceipt.self)
            #expect(second.duplicateCount == 2)
            #expect(second.verdicts.map(\.verdict) == first.verdicts.map(\.verdict))
            #expect(try await fixture.hubHead() == head)
        }
    }

    @Test func aGzipCompressedPushIsJudgedLikeAPlainOne() async throws {
        try await HubFixture.with { fixture in
            let site = try await fixture.makeSite("laptop")
            try await fixture.appendBatches(2, at: site)
            let path = fixture.bundlePath("push")
            _ = try await site.sync.exportPush(to: path, compressed: true)
            let response = try await fixture.push(path, as: site)
            #expect(response.status == .ok)
            #expect(try response.decode(PushReceipt.self).acceptedCount == 2)
        }
    }

    @Test func aConflictingDecisionIsA200WithARejectedVerdict() async throws {
        try await HubFixture.with { fixture in
            let first = try await fixture.makeSite("north")
            let second = try await fixture.makeSite("south")
            let seat = try Query.tags(Opossum.Tag("seat", "7"))
            for site in [first, second] {
                _ = try await site.store.append(
                    [Event(type: "SeatBooked", tags: [Opossum.Tag("seat", "7")])],
                    condition: AppendCondition(failIfEventsMatch: seat)
                )
            }
            let accepted = try await fixture.push(try await fixture.pushBundle(of: first), as: first)
            #expect(try accepted.decode(PushReceipt.self).acceptedCount == 1)
            let rejected = try await fixture.push(try await fixture.pushBundle(of: second), as: second)
            #expect(rejected.status == .ok)
            let receipt = try rejected.decode(PushReceipt.self)
            #expect(receipt.rejectedCount == 1)
            #expect(receipt.verdicts.first?.verdict.reason?.contains("SeatBooked") == true)
        }
    }

    @Test func aPullReturnsABundleTheSiteCanImport() async throws {
        try await HubFixture.with { fixture in
            let north = try await fixture.makeSite("north")
            let south = try await fixture.makeSite("south")
            try await fixture.appendBatches(4, at: north)
            #expect(try await fixture.push(try await fixture.pushBundle(of: north), as: north).status == .ok)
            let (cursor, seen) = try await south.sync.pullRequest()
            let response = try await fixture.request(
                .get,
                south.path + "/pull?after=\(cursor)&verdictsAfter=\(seen)",
                token: south.token
            )
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/vnd.opossum.bundle")
            #expect(response.headers[.contentLength] == "\(response.bytes.count)")
            let path = fixture.bundlePath("pull")
            try Data(response.bytes).write(to: URL(fileURLWithPath: path))
            let summary = try await south.sync.importPull(from: path)
            #expect(summary.eventCount == 4)
            #expect(summary.hubCursor == (try await fixture.hubHead()))
            let events = try await south.store.readAll(Query.all)
            #expect(events.filter { $0.type == "VisitLogged" }.count == 4)
            #expect(try fixture.spoolFiles().isEmpty)
        }
    }

    @Test func aPullHonoursMaxEventsAndCompression() async throws {
        try await HubFixture.with { fixture in
            let north = try await fixture.makeSite("north")
            let south = try await fixture.makeSite("south")
            try await fixture.appendBatches(5, at: north)
            #expect(try await fixture.push(try await fixture.pushBundle(of: north), as: north).status == .ok)
            let response = try await fixture.request(
                .get,
                south.path + "/pull?after=0&verdictsAfter=0&maxEvents=2&compress=1",
                token: south.token
            )
            #expect(response.status == .ok)
            #expect(response.bytes.starts(with: [0x1f, 0x8b]))
            let path = fixture.bundlePath("pull")
            try Data(response.bytes).write(to: URL(fileURLWithPath: path))
            let summary = try await south.sync.importPull(from: path)
            #expect(summary.eventCount == 2)
        }
    }
}
