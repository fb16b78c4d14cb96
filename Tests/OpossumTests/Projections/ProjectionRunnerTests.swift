import Foundation
import Opossum
import Testing

/// The runner isolates projections from each other's failures, and one projection
/// is maintained by one runner at a time while others read it.
@Suite("Projection runner")
struct ProjectionRunnerTests {
    @Test("a failing apply is reported with name and position, commits nothing, and others keep going")
    func failingApplyIsIsolated() async throws {
        try await withStore { store in
            let runner = ProjectionRunner(store: store)
            let reports = ReportLog(runner)
            let poison = Tag("poison", "yes")
            let failing = try await runner.register(CourseCatalog(name: "Failing", failOn: poison))
            let healthy = try await runner.register(CourseCatalog(name: "Healthy"))
            try await store.append([.courseCreated("1"), .studentEnrolled("a", in: "1")])
            try await waitUntilCaughtUp(failing, in: store)
            let before = try await failing.all()
            let checkpointBefore = try await failing.checkpoint

            let poisoned = try await store.append([
                .studentEnrolled("b", in: "1"), .studentEnrolled("c", in: "1").tagged(poison),
            ])
            try await store.append(.studentEnrolled("d", in: "1"))
            try await eventually { !reports.failures.isEmpty }
            let failure = try #require(reports.failures.first)
            #expect(failure.code == .applyFailed)
            #expect(failure.projection == "Failing")
            #expect(failure.position == poisoned)
            #expect((failure.underlying as? CourseCatalog.Poisoned)?.position == poisoned)
            guard case .failed = runner.status(of: "Failing")?.phase else {
                Issue.record("the failing projection is not marked failed")
                return
            }

            // The whole batch holding the poisoned event was not committed.
            #expect(try await failing.checkpoint == checkpointBefore)
            #expect(try await failing.all() == before)
            try await waitUntilCaughtUp(healthy, in: store)
            #expect(try await healthy.get("1")?.students == ["a", "b", "c", "d"])
            await runner.stop()

            // On disk too: a reader sees the failing projection at its old checkpoint.
            let reader = try await ProjectionStore.reading(CourseCatalog(name: "Failing"), in: store)
            #expect(try await reader.checkpoint == checkpointBefore)
            #expect(try await reader.all() == before)
        }
    }

    @Test("two stores opened on one directory never run a projection at once: the second reads")
    func secondRunnerOnlyReads() async throws {
        try await withStoreAndDirectory { store, directory in
            let other = try await FileEventStore.open(at: directory.storePath, options: .testing)
            let owner = ProjectionRunner(store: store)
            let follower = ProjectionRunner(store: other)
            let followerReports = ReportLog(follower)
            let definition = CourseCatalog()
            let maintained = try await owner.register(definition)
            let read = try await follower.register(definition)
            #expect(!maintained.isReadOnly)
            #expect(read.isReadOnly)
            guard case .readOnly = follower.status(of: definition.name)?.phase else {
                Issue.record("the second runner should only read")
                return
            }
            try await eventually {
                followerReports.all.contains { if case .readOnly = $0 { true } else { false } }
            }

            // Appends through the second store reach the first runner's projection,
            // and the second sees what the first committed.
            for batch in randomCourseBatches(count: 2_000, seed: 99) {
                try await other.append(batch)
            }
            try await waitUntilCaughtUp(maintained, in: store)
            try await waitUntilCaughtUp(read, in: other)
            #expect(try await read.all() == maintained.all())
            #expect(
                try await read.query(tags: [Tag("isFull", "true")]) == maintained.query(tags: [Tag("isFull", "true")])
            )

            // A third runner in the same process is refused the lock too.
            let third = ProjectionRunner(store: store)
            #expect(try await third.register(definition).isReadOnly)
            await owner.stop()
            await follower.stop()
            await third.stop()

            // Stopping released the lock: the other store's runner now maintains it.
            let successor = ProjectionRunner(store: other)
            #expect(try await !successor.register(definition).isReadOnly)
            await successor.stop()
            await other.close()
        }
    }

    @Test("with a durable store, projection files are flushed and the state survives a restart")
    func durableProjectionSurvivesRestart() async throws {
        try await withStore(options: FileEventStore.Options()) { store in
            let runner = ProjectionRunner(store: store, options: .init(batchSize: 8, compactionThreshold: 2_000))
            let definition = CourseCatalog()
            let courses = try await runner.register(definition)
            for batch in randomCourseBatches(count: 200, seed: 5) {
                try await store.append(batch)
            }
            try await waitUntilCaughtUp(courses, in: store)
            let state = try await courses.all()
            #expect(state == (try definition.fold(try await store.readAll(.all))))
            await runner.stop()
            let reader = try await ProjectionStore.reading(definition, in: store)
            #expect(try await reader.all() == state)
        }
    }

    @Test("one runner refuses a second projection of the same name")
    func duplicateNameIsRefused() async throws {
        try await withStore { store in
            let runner = ProjectionRunner(store: store)
            _ = try await runner.register(CourseCatalog())
            await #expect(throws: ProjectionError.self) { try await runner.register(CourseCatalog()) }
            await runner.stop()
        }
    }
}
