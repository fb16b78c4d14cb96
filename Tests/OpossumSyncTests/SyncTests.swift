import Foundation
import Opossum
import Testing

@testable import OpossumSync

/// Push, judge, pull: DESIGN §7's rule between a hub and its sites, through real
/// bundle files between real stores.
@Suite("sync")
struct SyncTests {
    typealias Site = SyncFixture.Site

    static func stockQuery(_ part: String) throws -> Query {
        Query(try QueryItem(tags: [Opossum.Tag("depot", "north"), Opossum.Tag("part", part)]))
    }

    static func received(_ part: String, _ quantity: Int) -> Event {
        Event(
            type: "StockReceived",
            data: Data(#"{"quantity":\#(quantity)}"#.utf8),
            tags: [Opossum.Tag("depot", "north"), Opossum.Tag("part", part)]
        )
    }

    static func reserved(_ part: String, for workOrder: String) -> Event {
        Event(
            type: "PartReserved",
            tags: [Opossum.Tag("depot", "north"), Opossum.Tag("part", part), Opossum.Tag("workOrder", workOrder)]
        )
    }

    /// Reserves one `part` for `workOrder` if the site believes one is in stock: a
    /// decision under the condition that covers what it read.
    @discardableResult
    static func reserve(_ part: String, for workOrder: String, on store: FileEventStore) async throws -> Bool {
        let stock = DecisionProjection(initialState: 0, query: try stockQuery(part)) { count, event in
            event.type == "StockReceived" ? count + 1 : count - 1
        }
        let outcome = try await store.decide(stock) { _, available in
            available > 0 ? .append(reserved(part, for: workOrder)) : .nothing
        }
        return outcome.didAppend
    }

    static func types(_ store: FileEventStore) async throws -> [String] {
        try await store.readAll(.all).map(\.type)
    }

    @Test func theLastPartGoesToTheFirstSiteToSyncAndTheOtherIsToldWhy() async throws {
        try await SyncFixture.with(sites: ["laptop-a", "laptop-b"]) { fixture, sites in
            let (a, b) = (sites[0], sites[1])
            try await fixture.hub.append(Self.received("P-100", 1))
            try await fixture.pull(a)
            try await fixture.pull(b)
            // Offline, each laptop sees one part in stock and reserves it.
            #expect(try await Self.reserve("P-100", for: "wo-1", on: a.store))
            #expect(try await Self.reserve("P-100", for: "wo-2", on: b.store))

            let (verdictsA, _) = try await fixture.sync(a)
            #expect(verdictsA.map(\.verdict.outcome) == [.accepted])
            let (verdictsB, pulledB) = try await fixture.sync(b)
            let rejection = try #require(verdictsB.first?.verdict)
            #expect(rejection.outcome == .rejected)
            #expect(rejection.conflicts.first?.kind == .unseenHubEvent)
            #expect(rejection.conflicts.first?.type == "PartReserved")
            #expect(rejection.reason?.contains("PartReserved") == true)
            #expect(pulledB.verdicts == [rejection])
            try await fixture.pull(a)

            // Everyone agrees: one reservation, wo-1's; b's is hidden but kept.
            for store in [fixture.hub, a.store, b.store] {
                let reservations = try await store.readAll(Query(try QueryItem(types: ["PartReserved"])))
                #expect(reservations.map { $0.tags.first { $0.key == "workOrder" }?.value } == ["wo-1"])
            }
            var hiddenAtB: [String] = []
            for try await event in b.store.readIncludingHidden(Query(try QueryItem(types: ["PartReserved"]))) {
                hiddenAtB.append(event.tags.first { $0.key == "workOrder" }!.value)
            }
            #expect(hiddenAtB.sorted() == ["wo-1", "wo-2"])
            // The rejected reservation no longer counts: b sees no stock left.
            #expect(try await !Self.reserve("P-100", for: "wo-3", on: b.store))
        }
    }

    @Test func aRejectionCascadesOnlyAlongTheQueriesThatMatchedIt() async throws {
        try await SyncFixture.with(sites: ["laptop-a", "laptop-b"]) { fixture, sites in
            let (a, b) = (sites[0], sites[1])
            try await fixture.hub.append([Self.received("P-100", 1), Self.received("P-200", 1)])
            try await fixture.pull(a)
            try await fixture.pull(b)
            try await Self.reserve("P-100", for: "wo-1", on: a.store)
            try await fixture.sync(a)
            // b, offline: reserves P-100 for wo-2 (will conflict with a's reservation),
            // then installs it on wo-2 (rests only on that reservation), then reserves
            // the unrelated P-200.
            try await Self.reserve("P-100", for: "wo-2", on: b.store)
            let workOrder = Query(try QueryItem(tags: [Opossum.Tag("workOrder", "wo-2")]))
            let installed = Event(type: "PartInstalled", tags: [Opossum.Tag("workOrder", "wo-2")])
            let after = try await b.store.readLast(workOrder)?.position
            try await b.store.append(installed, condition: AppendCondition(failIfEventsMatch: workOrder, after: after))
            try await Self.reserve("P-200", for: "wo-3", on: b.store)

            let verdicts = try await fixture.push(b)
            #expect(verdicts.map(\.verdict.outcome) == [.rejected, .rejected, .accepted])
            #expect(verdicts[0].verdict.conflicts.first?.kind == .unseenHubEvent)
            #expect(verdicts[1].verdict.conflicts.first?.kind == .rejectedOwnEvent)
            #expect(verdicts.map(\.verdict.number) == [1, 2, 3])
            try await fixture.pull(b)
            #expect(try await Self.types(b.store).filter { $0 != "StockReceived" } == ["PartReserved", "PartReserved"])
        }
    }

    @Test func aDecisionMadeAfterLearningOfTheRejectionIsJudgedOnItsOwn() async throws {
        try await SyncFixture.with(sites: ["laptop-a", "laptop-b"]) { fixture, sites in
            let (a, b) = (sites[0], sites[1])
            try await fixture.hub.append([Self.received("P-100", 2)])
            try await fixture.hub.append([Self.received("P-100", 1)])
            try await fixture.pull(a)
            try await fixture.pull(b)
            try await Self.reserve("P-100", for: "wo-1", on: a.store)
            try await fixture.sync(a)
            try await Self.reserve("P-100", for: "wo-2", on: b.store)
            #expect(try await fixture.sync(b).0.map(\.verdict.outcome) == [.rejected])
            // Having learnt of the rejection (and of a's reservation), b decides again.
            #expect(try await Self.reserve("P-100", for: "wo-2", on: b.store))
            #expect(try await fixture.push(b).map(\.verdict.outcome) == [.accepted])
        }
    }

    @Test func resendingAPushOrAPullChangesNothing() async throws {
        try await SyncFixture.with(sites: ["laptop-a"]) { fixture, sites in
            let a = sites[0]
            try await fixture.hub.append(Self.received("P-100", 1))
            try await fixture.pull(a)
            try await Self.reserve("P-100", for: "wo-1", on: a.store)
            try await a.store.append(Event(type: "Note"))
            let path = fixture.bundlePath("push")
            _ = try await a.sync.exportPush(to: path)
            let first = try await fixture.hubSync.importPush(from: path, site: a.identity)
            let head = try await fixture.hub.status().head
            // The answer was lost: the same bundle again, then a new export of the same batches.
            let again = try await fixture.hubSync.importPush(from: path, site: a.identity)
            let path2 = fixture.bundlePath("push")
            _ = try await a.sync.exportPush(to: path2)
            let reexported = try await fixture.hubSync.importPush(from: path2, site: a.identity)
            #expect(first.map(\.isDuplicate) == [false, false])
            #expect(again.map(\.verdict) == first.map(\.verdict) && again.allSatisfy(\.isDuplicate))
            #expect(reexported.map(\.verdict) == first.map(\.verdict))
            #expect(try await fixture.hub.status().head == head)

            let pull = try await fixture.pullBundle(for: a)
            let applied = try await a.sync.importPull(from: pull)
            #expect(!applied.broughtNothing && applied.verdicts.count == 2)
            let siteHead = try await a.store.status().head
            // The same pull again is older than what the site has: refused, nothing imported.
            await #expect { try await a.sync.importPull(from: pull) } throws: {
                ($0 as? SyncError)?.code == .outOfOrder
            }
            #expect(try await a.store.status().head == siteHead)
            // An up-to-date pull brings nothing and is fine.
            #expect(try await fixture.pull(a).broughtNothing)
            #expect(try await a.store.status().head == siteHead)
            // Nothing left to push: everything has a verdict.
            #expect(try await a.sync.exportPush(to: fixture.bundlePath("push")).header.eventCount == 0)
        }
    }

    @Test func everySiteEndsWithTheHubsEventsInTheHubsOrder() async throws {
        try await SyncFixture.with(sites: ["a", "b", "c"]) { fixture, sites in
            for (number, site) in sites.enumerated() {
                for event in 0..<5 {
                    try await site.store.append(
                        Event(type: "Visit", tags: [Opossum.Tag("site", "\(number)"), Opossum.Tag("n", "\(event)")])
                    )
                }
            }
            for site in sites { try await fixture.push(site) }
            for site in sites { try await fixture.pull(site) }
            let hubIds = try await fixture.hub.readAll(.all).map(\.eventId)
            #expect(hubIds.count == 15)
            for site in sites {
                // Own events first (appended before syncing), then the others in hub order.
                let siteIds = try await site.store.readAll(.all).map(\.eventId)
                #expect(Set(siteIds) == Set(hubIds))
                let others = siteIds.filter { id in hubIds.contains(id) }.dropFirst(5)
                #expect(Array(others) == hubIds.filter { others.contains($0) })
            }
        }
    }

    @Test func bundlesThatDoNotFitAreRefusedAndImportNothing() async throws {
        try await SyncFixture.with(sites: ["laptop-a", "laptop-b"]) { fixture, sites in
            let (a, b) = (sites[0], sites[1])
            try await fixture.hub.append([Self.received("P-100", 1), Self.received("P-200", 1)])
            try await a.store.append(Event(type: "Note"))
            let push = fixture.bundlePath("push")
            _ = try await a.sync.exportPush(to: push)
            // Claimed by another site: its key does not match.
            await #expect { try await fixture.hubSync.importPush(from: push, site: b.identity) } throws: {
                ($0 as? SyncError)?.code == .unknownSource
            }
            // A push where a pull was expected.
            await #expect { try await a.sync.importPull(from: push) } throws: { ($0 as? SyncError)?.code != nil }
            // A pull that skips ahead of what the site has.
            let ahead = fixture.bundlePath("pull")
            _ = try await fixture.hubSync.exportPull(for: a.identity, after: 1, verdictsAfter: 0, to: ahead)
            await #expect { try await a.sync.importPull(from: ahead) } throws: {
                ($0 as? SyncError)?.code == .outOfOrder
            }
            // A push carrying another store's events (here: events a pulled from the hub).
            try await fixture.pull(a)
            let forged = fixture.bundlePath("push")
            let copied = try #require(
                try await a.store.readStored(from: 1, limit: 10, includingHidden: false, lines: true)
                    .first { $0.event.origin != nil }
            )
            let position = copied.event.position
            let header = BundleHeader(
                kind: .push,
                source: a.identity,
                targetStoreId: fixture.hubIdentity.storeId,
                firstPosition: position.rawValue,
                lastPosition: position.rawValue,
                batchCount: 1,
                eventCount: 1
            )
            let signer = try await SigningIdentity.loadOrCreate(for: a.store)
            let writer = try BundleWriter(path: forged, header: header, signer: signer)
            let batch = BundleLine.PushedBatch(
                originFirst: position,
                count: 1,
                afterHub: 0,
                ownKnown: 0,
                verdictsSeen: 0
            )
            try writer.writeLine(try BundleLine.batch(batch).encoded())
            try writer.writeLine(copied.line!)
            try writer.finish()
            await #expect { try await fixture.hubSync.importPush(from: forged, site: a.identity) } throws: { error in
                (error as? SyncError)?.code == .malformed && "\(error)".contains("another store")
            }
            // A pull meant for another site.
            let forB = fixture.bundlePath("pull")
            _ = try await fixture.hubSync.exportPull(for: b.identity, after: 0, verdictsAfter: 0, to: forB)
            await #expect { try await a.sync.importPull(from: forB) } throws: {
                ($0 as? SyncError)?.code == .wrongTarget
            }
            #expect(try await fixture.hub.status().head == 2)
        }
    }
}

/// Projections at a site undo a decision the hub rejected.
@Suite("sync and projections")
struct SyncProjectionTests {
    /// The part reserved for each work order.
    struct ReservedParts: ProjectionDefinition {
        let name = "reserved parts"
        let version = 1
        let eventTypes = ["PartReserved"]
        func key(for event: SequencedEvent) -> String? { event.tags.first { $0.key == "workOrder" }?.value }
        func apply(state: String?, event: SequencedEvent) -> String? { event.tags.first { $0.key == "part" }?.value }
    }

    /// Waits (briefly) until `condition` holds.
    static func eventually(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<500 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the condition never held")
    }

    @Test func aProjectionThatAppliedARejectedDecisionRebuildsWithoutIt() async throws {
        try await SyncFixture.with(sites: ["laptop-a", "laptop-b"]) { fixture, sites in
            let (a, b) = (sites[0], sites[1])
            try await fixture.hub.append(SyncTests.received("P-100", 1))
            try await fixture.pull(a)
            try await fixture.pull(b)
            let runner = ProjectionRunner(store: b.store)
            let reserved = try await runner.register(ReservedParts())
            try await SyncTests.reserve("P-100", for: "wo-1", on: a.store)
            try await SyncTests.reserve("P-100", for: "wo-2", on: b.store)
            try await Self.eventually { try await reserved.get("wo-2") == "P-100" }
            try await fixture.sync(a)
            try await fixture.sync(b)
            try await Self.eventually {
                let all = try await reserved.all()
                return all == ["wo-1": "P-100"]
            }
            await runner.stop()
        }
    }
}

/// Apps learn of verdicts as syncs record them.
@Suite("verdict stream")
struct VerdictStreamTests {
    @Test func anAppWaitingForVerdictsIsToldOfTheRejectionWhenItArrives() async throws {
        try await SyncFixture.with(sites: ["laptop-a", "laptop-b"]) { fixture, sites in
            let (a, b) = (sites[0], sites[1])
            try await fixture.hub.append(SyncTests.received("P-100", 1))
            try await fixture.pull(a)
            try await fixture.pull(b)
            let listener = Task {
                var received: [Verdict] = []
                for try await verdict in try SiteSync.verdicts(arrivingIn: b.store) {
                    received.append(verdict)
                    if verdict.outcome == .rejected { break }
                }
                return received
            }
            try await SyncTests.reserve("P-100", for: "wo-1", on: a.store)
            try await SyncTests.reserve("P-100", for: "wo-2", on: b.store)
            try await b.store.append(Event(type: "NoteTaken"))
            try await fixture.sync(a)
            try await fixture.sync(b)
            let received = try await listener.value
            #expect(received.map(\.outcome) == [.rejected])
            #expect(received.first?.reason?.contains("PartReserved") == true)
            // Later listeners catch up from a number on.
            var later: [UInt64] = []
            var iterator = try SiteSync.verdicts(arrivingIn: b.store, after: 1).makeAsyncIterator()
            if let next = try await iterator.next() { later.append(next.number) }
            #expect(later == [2])
        }
    }
}

/// A push larger than one import part is read and judged a part at a time.
@Suite("large pushes")
struct LargePushTests {
    @Test func aPushLargerThanOnePartIsJudgedWholeWithBatchesAcrossParts() async throws {
        try await SyncFixture.with(sites: ["laptop", "other"]) { fixture, sites in
            let site = sites[0]
            let batchSize = 1_001
            let batches = HubSync.importChunkEvents / batchSize + 5
            for number in 0..<batches {
                let tag = Opossum.Tag("decision", "\(number)")
                let events = (0..<batchSize).map { Event(type: "Reading", tags: [tag, Opossum.Tag("n", "\($0)")]) }
                _ = try await site.store.append(events, condition: AppendCondition(failIfEventsMatch: try .tags(tag)))
            }
            let path = fixture.bundlePath("push")
            let summary = try await site.sync.exportPush(to: path, maximumEvents: .max)
            #expect(summary.header.eventCount == UInt64(batches * batchSize))
            let verdicts = try await fixture.hubSync.importPush(from: path, site: site.identity)
            #expect(verdicts.count == batches)
            #expect(verdicts.allSatisfy { $0.verdict.outcome == .accepted && !$0.isDuplicate })
            #expect(verdicts.map(\.verdict.number) == (1...UInt64(batches)).map { $0 })
            #expect(try await fixture.hub.readAll(.all).count == batches * batchSize)
            // Another site pulls them all, also a part at a time, batches whole.
            let pullPath = fixture.bundlePath("pull")
            _ = try await fixture.hubSync.exportPull(
                for: sites[1].identity,
                after: 0,
                verdictsAfter: 0,
                to: pullPath,
                maximumEvents: .max
            )
            let pulled = try await sites[1].sync.importPull(from: pullPath)
            #expect(pulled.eventCount == batches * batchSize)
            let copied = try await sites[1].store.readAll(.all)
            #expect(copied.map(\.eventId) == (try await fixture.hub.readAll(.all)).map(\.eventId))
            #expect(try await fixture.pull(sites[1]).broughtNothing)
        }
    }
}
