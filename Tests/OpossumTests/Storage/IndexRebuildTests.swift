import Foundation
import Testing

@testable import Opossum

/// The index is derived data: missing, damaged or stale, it is rebuilt from the log
/// and gives exactly the answers it gave before — never "empty".
@Suite("Index rebuild")
struct IndexRebuildTests {
    /// Every query shape the tests compare before and after.
    private static func queries() throws -> [Query] {
        [
            .all,
            try .types("CourseDefined"),
            try .tags(Tag("course", "3")),
            try .tags(Tag("course", "3"), Tag("student", "1")),
            Query(
                try QueryItem(types: ["StudentSubscribedToCourse"], tags: [Tag("student", "2")]),
                try .types("CourseDefined")
            ),
            try .tags(Tag("course", "404")),
        ]
    }

    /// The answers to every query, forwards and backwards, and to conditions.
    private func answers(_ store: FileEventStore) async throws -> [[UInt64]] {
        var answers: [[UInt64]] = []
        for query in try Self.queries() {
            answers.append(try await store.readAll(query).map(\.position.rawValue))
            answers.append(
                try await store.readAll(query, options: ReadOptions(backwards: true, limit: 3)).map(\.position.rawValue)
            )
            answers.append([try await store.readLast(query)?.position.rawValue ?? 0])
        }
        return answers
    }

    private func populatedStore(_ directory: String) async throws -> [[UInt64]] {
        let store = try await FileEventStore.create(at: directory, name: "site", options: unflushed)
        for course in 0..<6 { try await store.append(courseEvents(course, students: course)) }
        let before = try await answers(store)
        await store.close()
        return before
    }

    @Test("a deleted index checkpoint is rebuilt with identical answers")
    func deletedCheckpointIsRebuilt() async throws {
        try await withTemporaryDirectory { temp in
            let before = try await populatedStore(temp.storePath)
            let files = StoreFiles(directory: temp.storePath)
            #expect(FileManager.default.fileExists(atPath: files.checkpointPath))
            files.removeCheckpoint()
            let store = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            #expect(try await answers(store) == before)
            await store.close()
            #expect(FileManager.default.fileExists(atPath: files.checkpointPath))
        }
    }

    @Test("a damaged index checkpoint is rebuilt with identical answers", arguments: [0, 9, 40, 200, -5, -1])
    func damagedCheckpointIsRebuilt(offset: Int) async throws {
        try await withTemporaryDirectory { temp in
            let before = try await populatedStore(temp.storePath)
            let files = StoreFiles(directory: temp.storePath)
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: files.checkpointPath)))
            let index = offset >= 0 ? offset : bytes.count + offset
            bytes[index] ^= 0xFF
            try Data(bytes).write(to: URL(fileURLWithPath: files.checkpointPath))
            // A torn checkpoint is what a power cut may leave: check notes it, and it is
            // no problem, since the open rebuilds it.
            let report = try await FileEventStore.check(at: temp.storePath)
            #expect(report.isHealthy)
            #expect(report.notices.map(\.file) == ["Indices/index.checkpoint"])
            let store = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            #expect(try await answers(store) == before)
            // Conditions see the rebuilt index too: course 3 exists, so this fails.
            await #expect(throws: AppendConditionError.self) {
                try await store.append(
                    Event(type: "CourseDefined", tags: [Tag("course", "3")]),
                    condition: AppendCondition(failIfEventsMatch: try .tags(Tag("course", "3")))
                )
            }
            await store.close()
            #expect(try await FileEventStore.check(at: temp.storePath).isHealthy)
        }
    }

    @Test("a truncated or empty index checkpoint is rebuilt", arguments: [0, 7, 100])
    func truncatedCheckpointIsRebuilt(length: Int) async throws {
        try await withTemporaryDirectory { temp in
            let before = try await populatedStore(temp.storePath)
            let files = StoreFiles(directory: temp.storePath)
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: files.checkpointPath)))
            try Data(bytes.prefix(length)).write(to: URL(fileURLWithPath: files.checkpointPath))
            let store = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            #expect(try await answers(store) == before)
            await store.close()
        }
    }

    @Test("a stale index checkpoint is brought up to date from the log tail")
    func staleCheckpointCatchesUp() async throws {
        try await withTemporaryDirectory { temp in
            _ = try await populatedStore(temp.storePath)
            let files = StoreFiles(directory: temp.storePath)
            let stale = try Data(contentsOf: URL(fileURLWithPath: files.checkpointPath))
            let store = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            for course in 6..<9 { try await store.append(courseEvents(course, students: 2)) }
            let before = try await answers(store)
            await store.close()
            try stale.write(to: URL(fileURLWithPath: files.checkpointPath))
            let reopened = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            #expect(try await answers(reopened) == before)
            await reopened.close()
        }
    }

    @Test("a checkpoint from another store is not used")
    func foreignCheckpointIsIgnored() async throws {
        try await withTemporaryDirectory { temp in
            let before = try await populatedStore(temp.storePath)
            let other = temp.path(of: "other")
            let otherStore = try await FileEventStore.create(at: other, name: "other", options: unflushed)
            try await otherStore.append(Event(type: "Elsewhere", tags: [Tag("course", "3")]))
            await otherStore.close()
            let files = StoreFiles(directory: temp.storePath)
            try FileManager.default.removeItem(atPath: files.checkpointPath)
            try FileManager.default.copyItem(atPath: other + "/Indices/index.checkpoint", toPath: files.checkpointPath)
            let store = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            #expect(try await answers(store) == before)
            await store.close()
        }
    }
}

/// The index checkpoint is saved while the store is in use, not only at close.
@Suite("Background checkpoints")
struct BackgroundCheckpointTests {
    @Test("checkpoints come every interval, then every quarter of the store, so their writing stays in proportion")
    func checkpointsAreSpacedInProportionToTheStore() {
        #expect(!IndexCheckpoint.isDue(eventsSince: 99_999, head: 200_000, interval: 100_000))
        #expect(IndexCheckpoint.isDue(eventsSince: 100_000, head: 200_000, interval: 100_000))
        #expect(!IndexCheckpoint.isDue(eventsSince: 100_000, head: 1_000_000, interval: 100_000))
        #expect(IndexCheckpoint.isDue(eventsSince: 250_000, head: 1_000_000, interval: 100_000))
        // Appending 10^7 events in commits of 1,000: a checkpoint holds one entry per
        // event (and more per tag), so what all of them hold together is the measure of
        // their writing. A fixed interval of 10^5 would write 100 checkpoints and about
        // 50 times the last one's size; the quarter rule writes a handful of times it.
        var (head, since, checkpoints, written): (UInt64, UInt64, Int, UInt64) = (0, 0, 0, 0)
        while head < 10_000_000 {
            head += 1_000
            since += 1_000
            if IndexCheckpoint.isDue(eventsSince: since, head: head, interval: 100_000) {
                checkpoints += 1
                written += head
                since = 0
            }
        }
        #expect(checkpoints < 20)
        #expect(written <= 5 * head)
        // What a crash can leave to re-index is bounded the same way.
        #expect(since < head / 4 + 1_000)
    }

    @Test("a checkpoint is written once enough events are committed, and it agrees with the log")
    func checkpointWrittenWhileOpen() async throws {
        try await withTemporaryDirectory { temp in
            let options = FileEventStore.Options(durability: .none, checkpointInterval: 50)
            let store = try await FileEventStore.create(at: temp.storePath, name: "site", options: options)
            let files = StoreFiles(directory: temp.storePath)
            try FileManager.default.removeItem(atPath: files.checkpointPath)
            for course in 0..<20 { try await store.append(courseEvents(course, students: 4)) }
            // Written on an I/O thread: wait for it, but not forever.
            let deadline = ContinuousClock.now + .seconds(20)
            while !FileManager.default.fileExists(atPath: files.checkpointPath) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(FileManager.default.fileExists(atPath: files.checkpointPath))
            #expect(try await FileEventStore.check(at: temp.storePath).isHealthy)
            let before = try await store.readAll(.all).map(\.position.rawValue)
            await store.close()
            let reopened = try await FileEventStore.open(at: temp.storePath, options: options)
            #expect(try await reopened.readAll(.all).map(\.position.rawValue) == before)
            await reopened.close()
        }
    }
}
