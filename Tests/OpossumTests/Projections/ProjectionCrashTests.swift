import Foundation
import Opossum
import OpossumTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A projection runner killed with SIGKILL, while following the log or while
/// rebuilding, leaves a state that equals a replay up to its checkpoint, and on
/// restart converges to the rebuilt state with no half-written file left behind.
@Suite("Projection crash safety", .serialized)
struct ProjectionCrashTests {
    /// Kills per scenario; `OPOSSUM_CRASH_ROUNDS` asks for more.
    static let rounds = Int(ProcessInfo.processInfo.environment["OPOSSUM_CRASH_ROUNDS"] ?? "") ?? 6

    /// The worker, built next to the crash writer.
    static var workerPath: String {
        URL(fileURLWithPath: CrashTests.writerPath).deletingLastPathComponent()
            .appendingPathComponent("opossum-projection-worker").path
    }

    /// Starts the worker on `store` in `mode`, its standard output going to `output`.
    static func spawnWorker(_ store: String, _ mode: String, version: Int, output: String) throws -> ChildProcess {
        try ChildProcess.spawn(workerPath, [store, mode, String(version)], stdout: output)
    }

    /// Runs the worker to completion and returns how it ended and what it printed.
    static func runWorker(
        _ store: String,
        _ mode: String,
        version: Int
    ) async throws -> (ChildProcess.Ending, String) {
        let output = store + "/../worker-output.txt"
        let ending = try await spawnWorker(store, mode, version: version, output: output).wait()
        return (ending, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    /// Starts the worker, lets it work for `milliseconds`, and kills it with SIGKILL.
    static func killWorker(_ store: String, _ mode: String, version: Int, after milliseconds: Int) async throws {
        let worker = try spawnWorker(store, mode, version: version, output: "/dev/null")
        try await Task.sleep(for: .milliseconds(milliseconds))
        worker.kill()
        let ending = try await worker.wait()
        #expect(ending == .signalled(SIGKILL), "the worker stopped on its own: \(mode), \(ending)")
    }

    /// Starts the worker on `store` in `mode` and kills it `milliseconds` after a
    /// rebuild generation appears beside the current one (or after 30 s without one):
    /// a kill that lands mid-rebuild however slowly a loaded machine starts the worker.
    static func killWorkerDuringRebuild(_ store: String, version: Int, after milliseconds: Int) async throws {
        let worker = try spawnWorker(store, "run", version: version, output: "/dev/null")
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, try generationFolders(store).count < 2 {
            try await Task.sleep(for: .milliseconds(1))
        }
        try await Task.sleep(for: .milliseconds(milliseconds))
        worker.kill()
        let ending = try await worker.wait()
        #expect(ending == .signalled(SIGKILL), "the worker stopped on its own: \(ending)")
    }

    /// The generation folders of the store's projections.
    static func generationFolders(_ store: String) throws -> [String] {
        let projections = store + "/Projections"
        guard FileManager.default.fileExists(atPath: projections) else { return [] }
        return try TemporaryDirectory.contents(of: projections).filter {
            $0.split(separator: "/").last?.hasPrefix("generation-") == true
        }
    }

    /// The state on disk equals a replay of the log up to the state's checkpoint.
    static func expectConsistent(_ store: String, round: Int) async throws {
        let (ending, output) = try await runWorker(store, "check", version: 1)
        #expect(ending == .exited(0), "round \(round): \(output)")
    }

    /// Restarts the projection, lets it catch up, and checks it equals a full replay;
    /// then checks no temporary file, torn journal line or stale generation is left.
    static func expectConverges(_ store: String, version: Int) async throws {
        let (ending, output) = try await runWorker(store, "verify", version: version)
        #expect(ending == .exited(0) && output.hasPrefix("ok "), "\(output)")
        let files = try TemporaryDirectory.contents(of: store + "/Projections")
        #expect(!files.contains { $0.hasSuffix(".tmp") }, "\(files)")
        let generations = files.filter { $0.split(separator: "/").last?.hasPrefix("generation-") == true }
        #expect(generations.count == 1, "\(files)")
        for journal in files where journal.hasSuffix("journal.jsonl") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: store + "/Projections/" + journal))
            #expect(bytes.isEmpty || bytes.last == UInt8(ascii: "\n"), "\(journal) ends in a torn line")
        }
    }

    @Test("kill -9 while the projection follows new events: it restarts from its checkpoint and converges")
    func killedDuringIncrementalUpdate() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.workerPath), "build with --build-tests first")
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "projection-crash")
            await store.close()
            var random = SeededRandom(state: 2024)
            for round in 0..<Self.rounds {
                try await Self.killWorker(
                    temp.storePath,
                    "append",
                    version: 1,
                    after: Int.random(in: 150...400, using: &random)
                )
                try await Self.expectConsistent(temp.storePath, round: round)
            }
            try await Self.expectConverges(temp.storePath, version: 1)
        }
    }

    @Test("a runner in another process holds the projection: this one only reads it, and sees it advance")
    func otherProcessHoldsTheProjection() async throws {
        try await withTemporaryDirectory { temp in
            let created = try await FileEventStore.create(at: temp.storePath, name: "projection-lock")
            await created.close()
            let appender = try Self.spawnWorker(temp.storePath, "append", version: 1, output: "/dev/null")
            let store = try await FileEventStore.open(at: temp.storePath, options: .testing)
            // The worker's projection, read with a state type of the same shape.
            let definition = CourseCatalog(name: "Course stats / by id")
            let folder = store.directory + "/Projections/%43ourse%20stats%20%2F%20by%20id/current.json"
            try await eventually { FileManager.default.fileExists(atPath: folder) }
            let runner = ProjectionRunner(store: store)
            let projection = try await runner.register(definition)
            #expect(projection.isReadOnly)
            let seen = try await projection.checkpoint
            try await eventually {
                let advanced = try await projection.checkpoint > seen
                let states = try await projection.all()
                return advanced && !states.isEmpty
            }
            await runner.stop()

            appender.kill()
            #expect(try await appender.wait() == .signalled(SIGKILL))
            // The lock died with its holder: a runner here now maintains the projection.
            let next = ProjectionRunner(store: store)
            #expect(try await !next.register(definition).isReadOnly)
            await next.stop()
            await store.close()
        }
    }

    @Test("kill -9 during a rebuild: the previous state stays readable and the rebuild resumes and converges")
    func killedDuringRebuild() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.workerPath), "build with --build-tests first")
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "projection-crash", options: .testing)
            var number = 0
            for _ in 0..<100 {
                var batch: [Event] = []
                for _ in 0..<200 {
                    number += 1
                    let course = String(number % 97)
                    batch.append(
                        number % 13 == 0
                            ? Event(type: "CourseCreated", tags: [Tag("courseId", course)])
                            : Event(type: "StudentEnrolledToCourse", tags: [.course(course), .student("s\(number)")])
                    )
                }
                try await store.append(batch)
            }
            await store.close()
            try await Self.expectConverges(temp.storePath, version: 1)
            var random = SeededRandom(state: 7)
            var interruptedRebuilds = 0
            // Each start with the other version rebuilds; a kill mid-way leaves a
            // rebuild generation that the next start continues.
            // Every other round kills at a random time; the others as soon as a rebuild
            // has begun, so that some kill lands mid-rebuild however loaded the machine is.
            for round in 0..<Self.rounds {
                if round % 2 == 0 {
                    try await Self.killWorker(
                        temp.storePath,
                        "run",
                        version: 2 + round % 2,
                        after: Int.random(in: 100...600, using: &random)
                    )
                } else {
                    try await Self.killWorkerDuringRebuild(
                        temp.storePath,
                        version: 2 + round % 2,
                        after: Int.random(in: 0...20, using: &random)
                    )
                }
                if try Self.generationFolders(temp.storePath).count > 1 { interruptedRebuilds += 1 }
                try await Self.expectConsistent(temp.storePath, round: round)
            }
            #expect(interruptedRebuilds > 0, "no kill landed during a rebuild")
            try await Self.expectConverges(temp.storePath, version: 2)
        }
    }
}
