import Foundation
import Opossum
import Testing

/// A projection reaches the same state whether it is maintained event by event or
/// rebuilt from scratch, keeps it across restarts, and rebuilds when its version changes.
@Suite("Projection rebuilds")
struct ProjectionRebuildTests {
    @Test("a projection rebuilt from scratch equals the one maintained incrementally over 10,000 random events")
    func rebuiltProjectionEqualsIncrementalOne() async throws {
        try await withStore { store in
            // Small batches and a small compaction threshold exercise the journal and
            // compaction many times over.
            let options = ProjectionRunner.Options(batchSize: 64, compactionThreshold: 32 << 10)
            let runner = ProjectionRunner(store: store, options: options)
            let reports = ReportLog(runner)
            let definition = CourseCatalog()
            let courses = try await runner.register(definition)
            for batch in randomCourseBatches(count: 10_000, seed: 0x0B05_5E11) {
                try await store.append(batch)
            }
            try await waitUntilCaughtUp(courses, in: store)
            let incremental = try await courses.all()
            let expected = try definition.fold(try await store.readAll(.all))
            #expect(incremental == expected)
            #expect(incremental.count > 100, "the random log should leave many courses")
            let full = try await courses.query(tags: Tag("isFull", "true"), Tag("size", "small"))
            #expect(full == expected.filter { $0.value.students.count >= $0.value.capacity && $0.value.capacity <= 5 })
            #expect(!full.isEmpty)

            // The journal was compacted into later generations along the way.
            #expect(try projectionFiles(in: store).contains { $0.hasSuffix("/generation-0000000001") } == false)

            let checkpoint = try await courses.checkpoint
            func rebuildsFinished() -> Int {
                reports.all.count { if case .rebuildFinished = $0 { true } else { false } }
            }
            let finishedBefore = rebuildsFinished()
            await runner.rebuild(definition.name)
            try await eventually { rebuildsFinished() == finishedBefore + 1 }
            #expect(try await courses.all() == incremental)
            #expect(try await courses.checkpoint == checkpoint)
            #expect(reports.failures.isEmpty)
            await runner.stop()

            // The state survives a restart: a new runner loads it without replaying.
            let restarted = ProjectionRunner(store: store)
            let reopened = try await restarted.register(definition)
            #expect(try await reopened.all() == incremental)
            #expect(try await reopened.checkpoint == checkpoint)
            await restarted.stop()
        }
    }

    @Test("a new version triggers a rebuild, and reads during it return the previous complete state")
    func versionChangeRebuildsWhileReadsSeePreviousState() async throws {
        try await withStore { store in
            let oldState = try await appendAndBuild(CourseCatalog(), in: store, count: 3_000, seed: 42)

            // Version 2 counts enrolments twice over, and slowly, so the rebuild takes a while.
            let version2 = CourseCatalog(version: 2, delay: .microseconds(100))
            let newState = try version2.fold(try await store.readAll(.all))
            #expect(newState != oldState)
            let second = ProjectionRunner(store: store, options: .init(batchSize: 32))
            let reports = ReportLog(second)
            let courses = try await second.register(version2)
            var readsDuringRebuild = 0
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let phase = second.status(of: version2.name)?.phase
                let state = try await courses.all()
                guard case .rebuilding = phase else {
                    if case .running = phase, state == newState { break }
                    try await Task.sleep(for: .milliseconds(2))
                    continue
                }
                // Whole states only: the old one until the swap, then the new one.
                #expect(state == oldState || state == newState)
                if state == oldState { readsDuringRebuild += 1 }
                try await Task.sleep(for: .milliseconds(2))
            }
            #expect(try await courses.all() == newState)
            #expect(readsDuringRebuild > 0, "no read happened while the rebuild ran")
            #expect(reports.all.contains { if case .rebuildProgress = $0 { true } else { false } })
            await second.stop()
        }
    }

    @Test("a torn journal tail left by a crash is cut on open and never believed")
    func tornJournalTailIsCut() async throws {
        try await withStore { store in
            let definition = CourseCatalog()
            let state = try await appendAndBuild(definition, in: store, count: 500, seed: 7)

            let journal = try #require(
                try projectionFiles(in: store).first { $0.hasSuffix("journal.jsonl") }
            )
            let path = store.directory + "/Projections/" + journal
            let clean = try Data(contentsOf: URL(fileURLWithPath: path))
            // Half a batch line that claims to advance far past the head.
            let torn = Data(#"{"after":0,"checkpoint":999999,"changes":[{"key":"1","state":{"capa"#.utf8)
            try (clean + torn).write(to: URL(fileURLWithPath: path))

            let reader = try await ProjectionStore.reading(definition, in: store)
            #expect(try await reader.all() == state)
            let restarted = ProjectionRunner(store: store)
            let reopened = try await restarted.register(definition)
            #expect(try await reopened.all() == state)
            await restarted.stop()
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == clean)
        }
    }
}
