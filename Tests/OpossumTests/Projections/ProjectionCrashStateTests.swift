import Foundation
import Opossum
import OpossumTestSupport
import Testing

/// Every on-disk state a power cut could leave while a runner folds events, compacts
/// its journal into snapshots and rebuilds a new version gives a projection that is
/// exactly the fold of the log up to its checkpoint, and that catches up to the fold
/// of the whole log. The model is ``CrashStateExplorer``'s (`docs/reliability.md`).
@Suite("Projection crash states")
struct ProjectionCrashStateTests {
    /// States checked in CI; `OPOSSUM_CRASH_STATES` asks for more.
    static let limit = Int(ProcessInfo.processInfo.environment["OPOSSUM_CRASH_STATES"] ?? "") ?? 120
    /// Random subsets tried per crash point, beyond the systematic ones.
    static let randomSubsets = Int(ProcessInfo.processInfo.environment["OPOSSUM_CRASH_SUBSETS"] ?? "") ?? 4

    /// Small batches and a tiny compaction threshold, so that a short workload commits
    /// many journal entries and writes several snapshots.
    static let runnerOptions = ProjectionRunner.Options(batchSize: 8, compactionThreshold: 1_500)

    @Test(
        "a power cut while a projection is folded, compacted and rebuilt leaves a consistent projection that catches up"
    )
    func projectionSurvivesEveryCrashState() async throws {
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "projection-crash-states")
            let batches = randomCourseBatches(count: 120, seed: 0xC0_5E)
            for batch in batches.prefix(batches.count / 2) { try await store.append(batch) }
            await store.close()
            let initial = try FileTree.read(temp.storePath)

            let seam = IOSeam.install(at: temp.storePath, recording: true)
            let reopened = try await FileEventStore.open(at: temp.storePath)
            let runner = ProjectionRunner(store: reopened, options: Self.runnerOptions)
            let first = try await runner.register(CourseCatalog())
            try await waitUntilCaughtUp(first, in: reopened)
            for batch in batches.dropFirst(batches.count / 2) { try await reopened.append(batch) }
            try await waitUntilCaughtUp(first, in: reopened)
            await runner.stop()
            // A new version is rebuilt into a generation of its own, then swapped in.
            let upgraded = CourseCatalog(version: 2)
            let rebuilder = ProjectionRunner(store: reopened, options: Self.runnerOptions)
            let second = try await rebuilder.register(upgraded)
            try await waitUntilCaughtUp(second, in: reopened)
            let expected = try await second.all()
            await rebuilder.stop()
            let events = try await reopened.readAll(.all)
            await reopened.close()
            let operations = seam.operations
            seam.uninstall()
            #expect(try upgraded.fold(events) == expected)

            let explorer = CrashStateExplorer(initial: initial, operations: operations)
            let exploration = await explorer.explore(
                randomSubsets: Self.randomSubsets,
                limit: Self.limit,
                seed: 0x9_0DE1,
                scratch: temp.path
            ) { _, directory in
                await Self.verify(at: directory)
            }
            print(
                exploration.summary("projections", crashPoints: explorer.crashPoints.count, changes: operations.count)
            )
            #expect(exploration.checked >= 40, "explored too few states")
            #expect(exploration.violations.isEmpty, "\(exploration.firstViolations)")
        }
    }

    /// Whatever version a state's projection holds, its states are the fold of the
    /// state's log up to its checkpoint; a runner of version 2 then reaches the fold of
    /// the whole log (the log itself may have lost unacknowledged appends).
    static func verify(at directory: String) async -> String? {
        do {
            let store = try await FileEventStore.open(at: directory, options: .testing)
            let events = try await store.readAll(.all)
            let expected = try CourseCatalog(version: 2).fold(events)
            for version in [1, 2] {
                let definition = CourseCatalog(version: version)
                let reader = try await ProjectionStore.reading(definition, in: store)
                let checkpoint = try await reader.checkpoint
                let states = try await reader.all()
                let folded = try definition.fold(events.filter { $0.position <= checkpoint })
                // A state of the other version reads as nothing, or as that version's states.
                guard states.isEmpty || states == folded else {
                    await store.close()
                    return
                        "version \(version) holds states at checkpoint \(checkpoint) that are not the fold of the log up to it"
                }
            }
            let runner = ProjectionRunner(store: store, options: runnerOptions)
            let projection = try await runner.register(CourseCatalog(version: 2))
            try await waitUntilCaughtUp(projection, in: store)
            let states = try await projection.all()
            await runner.stop()
            await store.close()
            guard states == expected else {
                let key = Set(states.keys).union(expected.keys).sorted().first { states[$0] != expected[$0] }
                return "after catching up the projection is not the fold of the log (\(states.count) states, "
                    + "not \(expected.count)); course \(key ?? "?"): \(String(describing: states[key ?? ""])), "
                    + "not \(String(describing: expected[key ?? ""]))"
            }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
