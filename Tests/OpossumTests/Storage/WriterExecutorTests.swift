import Foundation
import Synchronization
import Testing

@testable import Opossum

/// The name of the thread running the caller, as `top -H` shows it.
private func currentThreadName() -> String {
    (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
}

/// A task that prefers the store's writer executor runs on the writer's thread and
/// appends there with the same meaning as anywhere else: conditions hold, positions
/// follow each other, and appends from other tasks still join the commit groups.
@Suite("Writer executor", .timeLimit(.minutes(1)))
struct WriterExecutorTests {
    @Test("a task preferring the writer executor runs on the writer's thread, and its appends and conditions work")
    func appendsOnTheWriterThread() async throws {
        try await withStore { store in
            let names = try await withTaskExecutorPreference(store.writerExecutor) {
                var names: [String] = []
                var head: Position?
                for number in 1...50 {
                    names.append(currentThreadName())
                    let condition = AppendCondition(
                        failIfEventsMatch: try .tags(Tag("part", "p\(number)")),
                        after: head
                    )
                    head = try await store.append(
                        Event(type: "PartCounted", tags: [Tag("part", "p\(number)")]),
                        condition: condition
                    )
                    #expect(head == Position(UInt64(number)))
                }
                // A read is awaited off the writer's thread; the task comes back to it.
                #expect(try await store.readAll(.all).count == 50)
                names.append(currentThreadName())
                await #expect(throws: AppendConditionError.self) {
                    try await store.append(
                        Event(type: "PartCounted", tags: [Tag("part", "p7")]),
                        condition: AppendCondition(failIfEventsMatch: try .tags(Tag("part", "p7")), after: Position(6))
                    )
                }
                return names
            }
            #expect(names.count == 51)
            #expect(Set(names) == ["opossum.writer"])
            #expect(currentThreadName() != "opossum.writer")
            #expect(try await store.status().head == Position(50))
        }
    }

    @Test("tasks on the writer executor and tasks on the pool append together, each event once, in one log")
    func mixedTasksAllCommit() async throws {
        try await withStore(options: FileEventStore.Options(durability: .flush)) { store in
            let positions = try await withThrowingTaskGroup(of: [Position].self) { group in
                for writer in 0..<8 {
                    let onWriter = writer.isMultiple(of: 2)
                    group.addTask(executorPreference: onWriter ? store.writerExecutor : nil) {
                        var positions: [Position] = []
                        var last: Position?
                        let tag = Tag("stream", "w\(writer)")
                        for _ in 0..<25 {
                            let condition = AppendCondition(failIfEventsMatch: try .tags(tag), after: last)
                            last = try await store.append(Event(type: "Counted", tags: [tag]), condition: condition)
                            positions.append(last!)
                        }
                        return positions
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(Set(positions.map(\.rawValue)) == Set(1...200))
            let read = try await store.readAll(.all)
            #expect(read.map(\.position.rawValue) == Array(1...200))
            for writer in 0..<8 {
                #expect(try await store.readAll(.tags(Tag("stream", "w\(writer)"))).count == 25)
            }
        }
    }

    /// The reader's jobs come back one at a time here, so this shows appends going on
    /// beside a busy task; jobs arriving faster than the writer runs them, which the
    /// writer also keeps from holding back a group, are not something a test can make
    /// happen on demand.
    @Test("a task on the writer executor that keeps awaiting reads does not hold back other tasks' appends")
    func busyTaskDoesNotStarveAppends() async throws {
        try await withStore(options: FileEventStore.Options(durability: .flush)) { store in
            let done = Mutex(false)
            let reads = Mutex(0)
            let reader = Task(executorPreference: store.writerExecutor) {
                while !done.withLock({ $0 }) {
                    _ = try await store.readLast(.all)
                    reads.withLock { $0 += 1 }
                }
            }
            // The reader is busy before the appends start, and still reading when they end.
            while reads.withLock({ $0 }) == 0 { await Task.yield() }
            for number in 1...100 {
                let position = try await store.append(Event(type: "Counted", tags: [Tag("n", "\(number)")]))
                #expect(position == Position(UInt64(number)))
            }
            done.withLock { $0 = true }
            // The reader's reads all succeeded while the appends went on.
            try await reader.value
        }
    }

    @Test("a task still preferring the writer executor goes on once the store is closed")
    func taskOutlivesTheStore() async throws {
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "laptop", options: .testing)
            let executor = store.writerExecutor
            let result = try await withTaskExecutorPreference(executor) {
                let position = try await store.append(Event(type: "Opened"))
                await store.close()
                // Whatever the task awaits now resumes elsewhere: the writer's thread is gone.
                try await Task.sleep(for: .milliseconds(5))
                await #expect(throws: EventStoreError.self) { try await store.append(Event(type: "Late")) }
                return (position, currentThreadName())
            }
            #expect(result.0 == Position(1))
            #expect(result.1 != "opossum.writer")
            let reopened = try await FileEventStore.open(at: temp.storePath, options: .testing)
            #expect(try await reopened.readAll(.all).map(\.type) == ["Opened"])
            await reopened.close()
        }
    }
}
