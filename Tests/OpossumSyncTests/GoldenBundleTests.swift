import Foundation
import Opossum
import Testing

@testable import OpossumSync

/// Bundles written by earlier versions of Opossum keep verifying and importing.
///
/// `Fixtures/bundles/v<N>/` holds a hub's and a site's store (identity, signing key,
/// segments) as they were just before an exchange, and the push and pull bundles of
/// that exchange. Set `OPOSSUM_RECORD_FIXTURES=1` to record the current version's
/// anew; never rewrite an older version's.
@Suite("Golden bundles")
struct GoldenBundleTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/bundles")

    static func event(_ number: Int, _ type: String, _ data: String = "", tags: [Opossum.Tag]) -> Event {
        Event(
            type: type,
            data: Data(data.utf8),
            tags: tags,
            metadata: EventMetadata(
                timestamp: Date(timeIntervalSince1970: 1_764_406_177.25 + Double(number)),
                eventId: UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", number))!
            )
        )
    }

    static let depot = Opossum.Tag("depot", "north")

    /// Records the stores and bundles of format version `BundleHeader.currentVersion`.
    static func record() async throws {
        let folder = fixtures.appendingPathComponent("v\(BundleHeader.currentVersion)").path
        try? FileManager.default.removeItem(atPath: folder)
        try await withTemporaryDirectory { work in
            let (hub, _) = try await makeStore("hub", in: work)
            let (site, siteSigner) = try await makeStore("laptop", in: work)
            let hubSync = try await HubSync(store: hub)
            let hubIdentity = try await SigningIdentity.loadOrCreate(for: hub).identity
            let siteSync = try await SiteSync(store: site, hub: hubIdentity)
            try await hub.append([
                event(1, "StockReceived", #"{"quantity":1}"#, tags: [depot, Opossum.Tag("part", "P-1")])
            ])
            try await hub.append([
                event(2, "StockReceived", #"{"quantity":1}"#, tags: [depot, Opossum.Tag("part", "P-2")])
            ])
            let firstPull = work + "/first.bundle"
            let request = try await siteSync.pullRequest()
            _ = try await hubSync.exportPull(
                for: siteSigner.identity,
                after: request.hubCursor,
                verdictsAfter: 0,
                to: firstPull
            )
            _ = try await siteSync.importPull(from: firstPull)
            // Meanwhile at head office, P-1 goes to someone else.
            try await hub.append([
                event(3, "PartReserved", tags: [depot, Opossum.Tag("part", "P-1"), Opossum.Tag("workOrder", "wo-9")])
            ])
            // The laptop, offline: reserves P-1 (rejected later) and P-2, and writes a note.
            for (number, part, workOrder) in [(4, "P-1", "wo-1"), (5, "P-2", "wo-2")] {
                let query = Query(try QueryItem(tags: [depot, Opossum.Tag("part", part)]))
                let after = try await site.readLast(query)?.position
                _ = try await site.append(
                    [
                        event(
                            number,
                            "PartReserved",
                            tags: [depot, Opossum.Tag("part", part), Opossum.Tag("workOrder", workOrder)]
                        )
                    ],
                    condition: AppendCondition(failIfEventsMatch: query, after: after)
                )
            }
            _ = try await site.append([
                event(6, "NoteTaken", "{\n  \"text\": \"pump 4 leaks\"\n}", tags: [Opossum.Tag("workOrder", "wo-2")])
            ])
            await hub.close()
            await site.close()
            for (store, name) in [("hub", "hub-store"), ("laptop", "site-store")] {
                for part in ["store.json", "Events", "Sync"] {
                    try FileManager.default.createDirectory(
                        atPath: "\(folder)/\(name)",
                        withIntermediateDirectories: true
                    )
                    try FileManager.default.copyItem(
                        atPath: "\(work)/\(store)/\(part)",
                        toPath: "\(folder)/\(name)/\(part)"
                    )
                }
            }
            let reopenedHub = try await FileEventStore.open(at: work + "/hub")
            let reopenedSite = try await FileEventStore.open(at: work + "/laptop")
            let push = try await SiteSync(store: reopenedSite, hub: hubIdentity).exportPush(to: folder + "/push.bundle")
            let hubAgain = try await HubSync(store: reopenedHub)
            _ = try await hubAgain.importPush(from: push.path, site: siteSigner.identity)
            _ = try await hubAgain.exportPull(
                for: siteSigner.identity,
                after: 2,
                verdictsAfter: 0,
                to: folder + "/pull.bundle"
            )
            await reopenedHub.close()
            await reopenedSite.close()
        }
    }

    /// A fresh copy of a fixture store, opened.
    static func open(_ name: String, version: Int, in directory: String) async throws -> FileEventStore {
        let copy = directory + "/" + name
        try FileManager.default.copyItem(
            atPath: fixtures.appendingPathComponent("v\(version)/\(name)").path,
            toPath: copy
        )
        return try await FileEventStore.open(at: copy, options: FileEventStore.Options(durability: .none))
    }

    @Test func version1BundlesKeepImporting() async throws {
        if ProcessInfo.processInfo.environment["OPOSSUM_RECORD_FIXTURES"] == "1" { try await Self.record() }
        let folder = Self.fixtures.appendingPathComponent("v1").path
        try await withTemporaryDirectory { directory in
            let hub = try await Self.open("hub-store", version: 1, in: directory)
            let site = try await Self.open("site-store", version: 1, in: directory)
            let hubIdentity = try await SigningIdentity.loadOrCreate(for: hub).identity
            let siteIdentity = try await SigningIdentity.loadOrCreate(for: site).identity

            let verdicts = try await HubSync(store: hub).importPush(from: folder + "/push.bundle", site: siteIdentity)
            #expect(verdicts.map(\.verdict.outcome) == [.rejected, .accepted, .accepted])
            #expect(
                verdicts[0].verdict.conflicts.map(\.eventId) == [
                    Self.event(3, "PartReserved", tags: [Self.depot]).metadata.eventId!
                ]
            )
            let note = try #require(try await hub.readAll(.all).last)
            #expect(note.type == "NoteTaken")
            #expect(String(decoding: note.data, as: UTF8.self) == "{\n  \"text\": \"pump 4 leaks\"\n}")

            let pulled = try await SiteSync(store: site, hub: hubIdentity).importPull(from: folder + "/pull.bundle")
            #expect(pulled.eventCount == 1)
            #expect(pulled.verdicts.map(\.outcome) == [.rejected, .accepted, .accepted])
            let reservations = try await site.readAll(Query(try QueryItem(types: ["PartReserved"])))
            #expect(reservations.map { $0.tags.first { $0.key == "workOrder" }!.value } == ["wo-2", "wo-9"])
            await hub.close()
            await site.close()
        }
    }
}
