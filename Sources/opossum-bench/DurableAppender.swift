import Foundation
import Opossum
import OpossumBenchBaseline

/// One durable append workload, run against a new Opossum store (`.flush`) or a new SQLite
/// database (`synchronous=FULL`): `writers` writers append for `duration`, each its own
/// stream of events tagged `stream:w<writer>` so that writers' tags are disjoint.
///
/// A conditional append asks that no event of the writer's stream follow the position
/// its previous append returned, as a DCB decision does; with disjoint tags it never fails.
struct DurableAppender: Sendable {
    /// How many writers append at once.
    var writers: Int
    /// How many events each append carries.
    var eventsPerAppend: Int
    /// Whether each append carries a condition.
    var isConditional: Bool
    /// How long the writers append.
    var duration: Duration
    /// The event appended (with the writer's tag), a realistic ~200-byte one.
    var event: Event

    private func batch(writer: Int) -> (tag: Tag, events: [Event]) {
        let tag = Tag("stream", "w\(writer)")
        var event = event
        event.tags = [tag]
        return (tag, [Event](repeating: event, count: eventsPerAppend))
    }

    /// Appends to a new Opossum store at `path` and returns the events made durable per second.
    func opossumRate(path: String) async throws -> Double {
        let store = try await FileEventStore.create(
            at: path,
            name: "bench",
            options: FileEventStore.Options(durability: .flush)
        )
        let start = ContinuousClock.now
        let deadline = start + duration
        let events = try await withThrowingTaskGroup(of: Int.self) { group in
            for writer in 0..<writers {
                let (tag, events) = batch(writer: writer)
                let isConditional = self.isConditional
                group.addTask {
                    var last: Position?
                    var appended = 0
                    repeat {
                        let condition =
                            isConditional ? AppendCondition(failIfEventsMatch: try .tags(tag), after: last) : nil
                        last = try await store.append(events, condition: condition)
                        appended += events.count
                    } while ContinuousClock.now < deadline
                    return appended
                }
            }
            return try await group.reduce(0, +)
        }
        let seconds = (ContinuousClock.now - start).seconds
        await store.close()
        try? FileManager.default.removeItem(atPath: path)
        return Double(events) / seconds
    }

    /// Appends to a new SQLite database in a new folder `folder`, one connection and one
    /// thread per writer, and returns the events made durable per second.
    func sqliteRate(folder: String) async throws -> Double {
        let path = try await PlainThreads.run { try SQLiteEventStore.create(inNewFolder: folder) }
        let duration = self.duration
        let isConditional = self.isConditional
        let batches = (0..<writers).map { batch(writer: $0) }
        let (seconds, counts) = try await PlainThreads.runTogether(count: writers) { writer in
            (store: try SQLiteEventStore(path: path, synchronous: .full), batch: batches[writer])
        } body: { writer in
            let deadline = ContinuousClock.now + duration
            var last: Int64 = 0
            var appended = 0
            repeat {
                let condition =
                    isConditional ? SQLiteEventStore.Condition(tag: writer.batch.tag.description, after: last) : nil
                guard let position = try writer.store.append(writer.batch.events, condition: condition) else {
                    throw BenchError(message: "a condition on disjoint tags failed in SQLite: the benchmark is wrong")
                }
                last = position
                appended += writer.batch.events.count
            } while ContinuousClock.now < deadline
            return appended
        }
        try? FileManager.default.removeItem(atPath: folder)
        return Double(counts.reduce(0, +)) / seconds
    }
}
