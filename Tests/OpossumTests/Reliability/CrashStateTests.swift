import Foundation
import Opossum
import OpossumTestSupport
import Testing

/// Every on-disk state a power cut could leave behind a recorded workload opens,
/// holds exactly a prefix of the committed batches with every acknowledged one, and
/// checks clean. See `docs/reliability.md` for the model and ``CrashStateExplorer``.
@Suite("Crash states")
struct CrashStateTests {
    /// States checked per workload in CI; `OPOSSUM_CRASH_STATES` asks for more.
    static let limit = Int(ProcessInfo.processInfo.environment["OPOSSUM_CRASH_STATES"] ?? "") ?? 150
    /// Batches appended per workload; `OPOSSUM_CRASH_BATCHES` asks for more.
    static let batches = Int(ProcessInfo.processInfo.environment["OPOSSUM_CRASH_BATCHES"] ?? "") ?? 10
    /// Random subsets tried per crash point, beyond the systematic ones.
    static let randomSubsets = Int(ProcessInfo.processInfo.environment["OPOSSUM_CRASH_SUBSETS"] ?? "") ?? 4

    /// One committed batch and when its append returned.
    struct Batch {
        let events: [Event]
        let last: UInt64
        /// How many changes had been recorded when its append returned.
        let acknowledgedAt: Int
    }

    /// A workload's recording.
    struct Recording {
        let initial: FileTree
        let operations: [IOSeam.Operation]
        /// In position order.
        let batches: [Batch]
    }

    /// A batch of 1–3 events, tagged so each event can be recognised.
    static func batch(_ number: Int, padding: Int) -> [Event] {
        (0...(number % 3)).map { offset in
            Event(
                type: "Recorded",
                data: Data(#"{"n":\#(number),"pad":"\#(String(repeating: "x", count: padding))"}"#.utf8),
                tags: [Tag("batch", String(number)), Tag("event", "\(number).\(offset)")]
            )
        }
    }

    /// Appends batches to a store (made and given one batch before recording starts,
    /// so the recording begins with data on disk), recording every change.
    static func record(
        in temp: TemporaryDirectory,
        options: FileEventStore.Options,
        padding: Int,
        pairs: Bool
    ) async throws -> Recording {
        let store = try await FileEventStore.create(at: temp.storePath, name: "crash-states", options: options)
        let first = batch(0, padding: padding)
        var batches = [Batch(events: first, last: try await store.append(first).rawValue, acknowledgedAt: 0)]
        await store.close()
        let initial = try FileTree.read(temp.storePath)

        let seam = IOSeam.install(at: temp.storePath, recording: true)
        defer { seam.uninstall() }
        let reopened = try await FileEventStore.open(at: temp.storePath, options: options)
        var number = 1
        while number <= Self.batches {
            if pairs && number % 4 == 0 {
                // Two appends at once share a commit group.
                let (one, two) = (batch(number, padding: padding), batch(number + 1, padding: padding))
                async let lastOne = reopened.append(one)
                async let lastTwo = reopened.append(two)
                let (a, b) = try await (lastOne, lastTwo)
                let acknowledgedAt = seam.operationCount
                batches.append(Batch(events: one, last: a.rawValue, acknowledgedAt: acknowledgedAt))
                batches.append(Batch(events: two, last: b.rawValue, acknowledgedAt: acknowledgedAt))
                number += 2
            } else {
                let events = batch(number, padding: padding)
                let last = try await reopened.append(events)
                batches.append(Batch(events: events, last: last.rawValue, acknowledgedAt: seam.operationCount))
                number += 1
            }
        }
        await reopened.close()
        seam.setRecording(false)
        return Recording(
            initial: initial,
            operations: seam.operations,
            batches: batches.sorted { $0.last < $1.last }
        )
    }

    /// Opens, reads, appends to and checks one state; a description of what is
    /// wrong, or `nil`.
    static func verify(
        _ state: CrashStateExplorer.CrashState,
        of recording: Recording,
        at directory: String
    ) async -> String? {
        do {
            // `check` as an administrator would run it after the power cut, before any open.
            let before = try await FileEventStore.check(at: directory)
            guard before.isHealthy else {
                return "check after the crash found: " + before.problems.map(\.description).joined(separator: "; ")
            }
            let store = try await FileEventStore.open(at: directory, options: FileEventStore.Options(durability: .none))
            let events = try await store.readAll(.all)
            let acknowledged = recording.batches.filter { $0.acknowledgedAt <= state.crashPoint }.map(\.last).max() ?? 0
            let expected = recording.batches.flatMap(\.events)
            let boundaries = Set(recording.batches.map(\.last) + [0])
            guard boundaries.contains(UInt64(events.count)) else {
                await store.close()
                return "holds \(events.count) events: part of a batch"
            }
            guard UInt64(events.count) >= acknowledged else {
                await store.close()
                return "holds \(events.count) events, but batches up to position \(acknowledged) were acknowledged"
            }
            for (offset, event) in events.enumerated() {
                let want = expected[offset]
                guard event.position.rawValue == UInt64(offset + 1), event.event.type == want.type,
                    event.event.tags == want.tags, event.event.data == want.data
                else {
                    await store.close()
                    return "event at position \(event.position) is not the one committed there"
                }
            }
            // The recovered store takes appends where the log ends.
            let next = try await store.append(Event(type: "AfterCrash"))
            await store.close()
            guard next.rawValue == UInt64(events.count + 1) else {
                return "the next append went to position \(next), not \(events.count + 1)"
            }
            let report = try await FileEventStore.check(at: directory)
            guard report.isHealthy else {
                return "check found: " + report.problems.map(\.description).joined(separator: "; ")
            }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Records a workload, explores its crash states and fails on any violation.
    static func explore(
        _ name: String,
        options: FileEventStore.Options,
        padding: Int = 40,
        pairs: Bool = false,
        minimumStates: Int
    ) async throws {
        try await withTemporaryDirectory { temp in
            let recording = try await record(in: temp, options: options, padding: padding, pairs: pairs)
            let explorer = CrashStateExplorer(initial: recording.initial, operations: recording.operations)
            let exploration = await explorer.explore(
                randomSubsets: randomSubsets,
                limit: limit,
                seed: 0x0B055_0B05,
                scratch: temp.path
            ) { state, directory in
                await verify(state, of: recording, at: directory)
            }
            print(
                exploration.summary(name, crashPoints: explorer.crashPoints.count, changes: recording.operations.count)
            )
            #expect(exploration.checked >= minimumStates, "explored too few states")
            #expect(exploration.violations.isEmpty, "\(exploration.firstViolations)")
        }
    }

    @Test("a power cut while a store is created leaves no store, or one that opens with what was acknowledged")
    func storeCreationSurvivesEveryCrashState() async throws {
        try await withTemporaryDirectory { temp in
            // Recorded from the directory that will hold the store, so its creation is seen.
            let parent = temp.path(of: "parent")
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            let initial = try FileTree.read(parent)
            let seam = IOSeam.install(at: parent, recording: true)
            let storePath = parent + "/store"
            let store = try await FileEventStore.create(at: storePath, name: "created")
            let events = Self.batch(1, padding: 10)
            _ = try await store.append(events)
            let acknowledgedAt = seam.operationCount
            await store.close()
            let operations = seam.operations
            seam.uninstall()

            let explorer = CrashStateExplorer(initial: initial, operations: operations)
            var unopened = 0
            let exploration = await explorer.explore(
                randomSubsets: Self.randomSubsets,
                limit: Self.limit,
                seed: 0xC4EA7E,
                scratch: temp.path
            ) { state, directory in
                await Self.verifyCreation(
                    at: directory + "/store",
                    acknowledged: state.crashPoint >= acknowledgedAt,
                    events: events,
                    unopened: &unopened
                )
            }
            print(
                exploration.summary(
                    "store creation",
                    crashPoints: explorer.crashPoints.count,
                    changes: operations.count
                )
                    + "; \(unopened) left no store"
            )
            #expect(exploration.checked >= 10, "explored too few states")
            #expect(exploration.violations.isEmpty, "\(exploration.firstViolations)")
        }
    }

    /// A state of a store's creation either opens with its one batch (which it must
    /// hold if acknowledged) or is refused as no store, and then creating the store
    /// again works: a cut creation never leaves a directory that blocks the next one.
    static func verifyCreation(
        at path: String,
        acknowledged: Bool,
        events: [Event],
        unopened: inout Int
    ) async -> String? {
        do {
            let store = try await FileEventStore.open(at: path, options: FileEventStore.Options(durability: .none))
            let read = try await store.readAll(.all)
            await store.close()
            if acknowledged && read.count != events.count {
                return "the first batch was acknowledged, but the store holds \(read.count) events"
            }
            if read.count != 0 && read.map(\.event.data) != events.map(\.data) {
                return "the store holds \(read.count) events that are not the batch appended"
            }
            let report = try await FileEventStore.check(at: path)
            return report.isHealthy ? nil : "check found: \(report.problems)"
        } catch let error as EventStoreError where error.code == .notAStore && !acknowledged {
            unopened += 1
            do {
                let store = try await FileEventStore.create(at: path, name: "created again")
                _ = try await store.append(events)
                await store.close()
                return nil
            } catch {
                return "the creation was cut short, and creating the store again fails: \(error)"
            }
        } catch {
            return "\(error)"
        }
    }

    @Test("a power cut at any point of durable appends leaves a prefix holding every acknowledged batch")
    func appendsSurviveEveryCrashState() async throws {
        try await Self.explore("appends", options: FileEventStore.Options(), minimumStates: 40)
    }

    @Test("a power cut around segment roll-overs leaves a prefix holding every acknowledged batch")
    func segmentRollOverSurvivesEveryCrashState() async throws {
        try await Self.explore(
            "segment roll-over",
            options: FileEventStore.Options(segmentSize: 700),
            padding: 120,
            minimumStates: 40
        )
    }

    @Test("a power cut around index checkpoints and group commits leaves a prefix holding every acknowledged batch")
    func indexCheckpointsSurviveEveryCrashState() async throws {
        try await Self.explore(
            "index checkpoints",
            options: FileEventStore.Options(segmentSize: 1500, checkpointInterval: 3),
            padding: 60,
            pairs: true,
            minimumStates: 40
        )
    }
}
