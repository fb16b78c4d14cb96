import Foundation
import Opossum
import OpossumSync
import OpossumTestSupport
import Testing

/// Every on-disk state a power cut could leave while a hub imports pushes, or a site
/// imports a pull, opens, checks clean, and ends where a crash-free run ends once the
/// same bundles are sent again: nothing acknowledged is lost, nothing is judged or
/// applied twice. The model is ``CrashStateExplorer``'s (`docs/reliability.md`).
@Suite("Sync crash states")
struct SyncCrashStateTests {
    /// States checked per workload in CI; `OPOSSUM_CRASH_STATES` asks for more.
    static let limit = Int(ProcessInfo.processInfo.environment["OPOSSUM_CRASH_STATES"] ?? "") ?? 80
    /// Random subsets tried per crash point, beyond the systematic ones.
    static let randomSubsets = Int(ProcessInfo.processInfo.environment["OPOSSUM_CRASH_SUBSETS"] ?? "") ?? 4

    /// What a store shows that a crash must not change: its visible events, with the
    /// ids and origins they travel with.
    struct VisibleEvent: Hashable, CustomStringConvertible {
        let type: String
        let tags: [Opossum.Tag]
        let data: Data
        let eventId: UUID
        let origin: EventOrigin?

        init(_ event: SequencedEvent) {
            type = event.type
            tags = event.tags
            data = event.data
            eventId = event.eventId
            origin = event.origin
        }

        var description: String { "\(type) \(tags)" }
    }

    /// A hub, a site whose pushes it judges, and a rival site whose pushed reservation
    /// makes one of the site's decisions lose.
    struct World {
        let hub: FileEventStore
        let hubSigner: SigningIdentity
        let site: FileEventStore
        let siteIdentity: PublicIdentity
        let siteSync: SiteSync
    }

    static func reserve(_ part: String, by technician: String) -> Event {
        Event(
            type: "PartReserved",
            data: Data(#"{"technician":"\#(technician)"}"#.utf8),
            tags: [Opossum.Tag("part", part)]
        )
    }

    /// A reservation of `part` made under the condition that nobody reserved it yet.
    static func reserveIfFree(_ part: String, by technician: String, in store: FileEventStore) async throws {
        let query = Query(try QueryItem(types: ["PartReserved"], tags: [Opossum.Tag("part", part)]))
        let head = try await store.readAll(query).last?.position
        _ = try await store.append(
            [reserve(part, by: technician)],
            condition: AppendCondition(failIfEventsMatch: query, after: head)
        )
    }

    /// Makes the world in `directory`: durable stores, the rival's push judged, and the
    /// site holding decisions of which one conflicts.
    static func makeWorld(in directory: String) async throws -> World {
        let hub = try await FileEventStore.create(at: directory + "/hub", name: "hub")
        try await HubRole.initialize(hub, name: "head-office")
        let hubSigner = try await SigningIdentity.loadOrCreate(for: hub)
        let hubSync = try await HubSync(store: hub)
        var sites: [(FileEventStore, PublicIdentity)] = []
        for name in ["site", "rival"] {
            let store = try await FileEventStore.create(at: directory + "/\(name)", name: name)
            let identity = try await SigningIdentity.loadOrCreate(for: store).identity
            _ = try await SiteRegistry.enrol(identity, hubURL: nil, in: hub)
            sites.append((store, identity))
        }
        let (rival, rivalIdentity) = sites[1]
        try await reserveIfFree("valve-7", by: "Ben", in: rival)
        let rivalPush = directory + "/rival-push.bundle"
        _ = try await SiteSync(store: rival, hub: hubSigner.identity).exportPush(to: rivalPush)
        _ = try await hubSync.importPush(from: rivalPush, site: rivalIdentity)
        await rival.close()

        let (site, siteIdentity) = sites[0]
        try await reserveIfFree("valve-7", by: "Anna", in: site)
        try await reserveIfFree("pump-2", by: "Anna", in: site)
        _ = try await site.append([
            Event(type: "VisitLogged", data: Data(#"{"minutes":45}"#.utf8), tags: [Opossum.Tag("visit", "17")]),
            Event(type: "VisitClosed", tags: [Opossum.Tag("visit", "17")]),
        ])
        return World(
            hub: hub,
            hubSigner: hubSigner,
            site: site,
            siteIdentity: siteIdentity,
            siteSync: try await SiteSync(store: site, hub: hubSigner.identity)
        )
    }

    /// A recorded workload: the files before it, every change it made, the bundles it
    /// imported and after how many changes each import returned.
    struct Recording {
        let initial: FileTree
        let operations: [IOSeam.Operation]
        let bundles: [String]
        let acknowledgedAt: [Int]
    }

    /// Runs `imports` against the store in `root` with every change recorded.
    static func record(
        root: String,
        bundles: [String],
        _ imports: (FileEventStore, String) async throws -> Void
    ) async throws -> Recording {
        let initial = try FileTree.read(root)
        let seam = IOSeam.install(at: root, recording: true)
        defer { seam.uninstall() }
        let store = try await FileEventStore.open(at: root)
        var acknowledgedAt: [Int] = []
        for bundle in bundles {
            try await imports(store, bundle)
            acknowledgedAt.append(seam.operationCount)
        }
        await store.close()
        seam.setRecording(false)
        return Recording(
            initial: initial,
            operations: seam.operations,
            bundles: bundles,
            acknowledgedAt: acknowledgedAt
        )
    }

    /// Explores `recording`'s states with `verify`, which names what is wrong or returns `nil`.
    static func explore(
        _ name: String,
        _ recording: Recording,
        in directory: String,
        minimumStates: Int,
        verify: (CrashStateExplorer.CrashState, String) async -> String?
    ) async {
        let explorer = CrashStateExplorer(initial: recording.initial, operations: recording.operations)
        let exploration = await explorer.explore(
            randomSubsets: randomSubsets,
            limit: limit,
            seed: 0x5_1AC0,
            scratch: directory,
            verify: verify
        )
        print(exploration.summary(name, crashPoints: explorer.crashPoints.count, changes: recording.operations.count))
        #expect(exploration.checked >= minimumStates, "explored too few states")
        #expect(exploration.violations.isEmpty, "\(exploration.firstViolations)")
    }

    /// `check` of the store in `path`, as a problem or `nil`.
    static func checkProblem(_ path: String, when: String) async throws -> String? {
        let report = try await FileEventStore.check(at: path)
        guard report.isHealthy else {
            return "check \(when) found: " + report.problems.map(\.description).joined(separator: "; ")
        }
        return nil
    }

    @Test("a power cut while the hub imports pushes loses no acknowledged verdict and judges nothing twice")
    func hubImportSurvivesEveryCrashState() async throws {
        try await withScratchDirectory("SyncCrashStates") { directory in
            let world = try await Self.makeWorld(in: directory)
            // Two pushes: the site's first two decisions (one loses to the rival's), then the rest.
            let firstPush = directory + "/push-1.bundle"
            let secondPush = directory + "/push-2.bundle"
            _ = try await world.siteSync.exportPush(to: firstPush, maximumEvents: 2)
            _ = try await world.siteSync.exportPush(to: secondPush, hubJudgedThrough: 2)
            await world.site.close()
            await world.hub.close()

            var reference: [[Verdict]] = []
            let recording = try await Self.record(root: world.hub.directory, bundles: [firstPush, secondPush]) {
                hub,
                bundle in
                reference.append(
                    try await HubSync(store: hub).importPush(from: bundle, site: world.siteIdentity).map(\.verdict)
                )
            }
            #expect(reference.flatMap { $0 }.map(\.outcome) == [.rejected, .accepted, .accepted])
            let finalHub = try await FileEventStore.open(at: world.hub.directory)
            let expected = try await finalHub.readAll(.all).map(VisibleEvent.init)
            await finalHub.close()

            await Self.explore("hub import", recording, in: directory, minimumStates: 20) { state, path in
                do {
                    if let problem = try await Self.checkProblem(path, when: "after the crash") { return problem }
                    let hub = try await FileEventStore.open(
                        at: path,
                        options: FileEventStore.Options(durability: .none)
                    )
                    let hubSync = try await HubSync(store: hub)
                    var problem: String?
                    for (number, bundle) in recording.bundles.enumerated() where problem == nil {
                        let verdicts = try await hubSync.importPush(from: bundle, site: world.siteIdentity)
                        if verdicts.map(\.verdict) != reference[number] {
                            problem = "push \(number + 1) sent again was judged \(verdicts), not \(reference[number])"
                        } else if recording.acknowledgedAt[number] <= state.crashPoint,
                            !verdicts.allSatisfy(\.isDuplicate)
                        {
                            problem = "push \(number + 1) was acknowledged before the crash, but its verdicts were lost"
                        }
                    }
                    let events = try await hub.readAll(.all).map(VisibleEvent.init)
                    await hub.close()
                    if let problem { return problem }
                    if events != expected { return "the hub holds \(events), where a crash-free run holds \(expected)" }
                    return try await Self.checkProblem(path, when: "after the pushes were sent again")
                } catch {
                    return "\(error)"
                }
            }
        }
    }

    @Test("a power cut while a site imports a pull loses nothing and applies nothing twice")
    func siteImportSurvivesEveryCrashState() async throws {
        try await withScratchDirectory("SyncCrashStates") { directory in
            let world = try await Self.makeWorld(in: directory)
            let push = directory + "/push.bundle"
            _ = try await world.siteSync.exportPush(to: push)
            _ = try await HubSync(store: world.hub).importPush(from: push, site: world.siteIdentity)
            let pull = directory + "/pull.bundle"
            _ = try await HubSync(store: world.hub).exportPull(for: world.siteIdentity, to: pull)
            await world.site.close()
            await world.hub.close()
            let hubIdentity = world.hubSigner.identity

            let recording = try await Self.record(root: world.site.directory, bundles: [pull]) { site, bundle in
                _ = try await SiteSync(store: site, hub: hubIdentity).importPull(from: bundle)
            }
            let finalSite = try await FileEventStore.open(at: world.site.directory)
            let expected = try await finalSite.readAll(.all).map(VisibleEvent.init)
            let expectedRequest = try await SiteSync(store: finalSite, hub: hubIdentity).pullRequest()
            await finalSite.close()
            // The pull brings the rival's reservation and hides the site's losing one.
            let reservations = expected.filter { $0.type == "PartReserved" }
            #expect(reservations.count == 2)
            #expect(reservations.contains { $0.origin != nil })

            await Self.explore("site import", recording, in: directory, minimumStates: 15) { state, path in
                do {
                    if let problem = try await Self.checkProblem(path, when: "after the crash") { return problem }
                    let site = try await FileEventStore.open(
                        at: path,
                        options: FileEventStore.Options(durability: .none)
                    )
                    let siteSync = try await SiteSync(store: site, hub: hubIdentity)
                    let before = try await siteSync.pullRequest()
                    let acknowledged = recording.acknowledgedAt[0] <= state.crashPoint
                    var problem: String?
                    if acknowledged && before != expectedRequest {
                        problem =
                            "the pull was acknowledged, but the site's cursor is \(before), not \(expectedRequest)"
                    }
                    // The site asks head office again from where its cursor stands.
                    if problem == nil && before != expectedRequest {
                        let again = path + "-pull.bundle"
                        let hub = try await FileEventStore.open(at: world.hub.directory)
                        _ = try await HubSync(store: hub).exportPull(
                            for: world.siteIdentity,
                            after: before.hubCursor,
                            verdictsAfter: before.verdictsSeen,
                            to: again
                        )
                        await hub.close()
                        _ = try await siteSync.importPull(from: again)
                        try? FileManager.default.removeItem(atPath: again)
                    }
                    let events = try await site.readAll(.all).map(VisibleEvent.init)
                    let after = try await siteSync.pullRequest()
                    await site.close()
                    if let problem { return problem }
                    // A pull that brings nothing does not record a small cursor step, so the
                    // cursor may stay behind the crash-free run's; the verdicts may not.
                    if after.verdictsSeen != expectedRequest.verdictsSeen || after.hubCursor > expectedRequest.hubCursor
                    {
                        return
                            "after the pull again the cursor is \(after), where a crash-free run has \(expectedRequest)"
                    }
                    if events != expected {
                        return "the site holds \(events), where a crash-free run holds \(expected)"
                    }
                    return try await Self.checkProblem(path, when: "after the pull was imported again")
                } catch {
                    return "\(error)"
                }
            }
        }
    }
}
