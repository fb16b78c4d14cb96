import Opossum
import OpossumBenchBaseline

/// Conditional appends on the big store: what an append costs when the store is large and
/// the condition must be checked against its index. No flushes (Opossum `.none`, SQLite
/// `synchronous=OFF`), so the time is the condition and the write, not the disk.
struct BigStoreAppends: Sendable {
    let context: BenchContext
    let stores: BigStores

    /// Single-event appends, each conditional on its course tag having no event after the
    /// head the previous append returned (as after reading a decision model), against the
    /// same appends without a condition and against SQLite.
    func conditionalAppends() async throws -> [Comparison] {
        let count = context.sizes.bigStoreAppends
        context.note("conditional appends on the \(stores.eventCountText)-event store")
        var generator = EventGenerator(distinctTagValues: stores.distinctTagValues, seed: 23)
        let events = (0..<count).map { _ in generator.next() }
        let sqlitePath = stores.sqlitePath
        let store = try await FileEventStore.open(
            at: stores.opossumPath,
            options: FileEventStore.Options(durability: .none)
        )
        let samples = try await alternate(
            rounds: context.sizes.runs,
            [
                {
                    var head = try await store.status().head
                    let seconds = try await ContinuousClock.seconds {
                        for event in events {
                            let condition = AppendCondition(failIfEventsMatch: try .tags(event.tags[0]), after: head)
                            head = try await store.append([event], condition: condition)
                        }
                    }
                    return Double(events.count) / seconds
                },
                {
                    let seconds = try await ContinuousClock.seconds {
                        for event in events {
                            _ = try await store.append([event], condition: nil)
                        }
                    }
                    return Double(events.count) / seconds
                },
                {
                    try await PlainThreads.run {
                        let store = try SQLiteEventStore(path: sqlitePath, synchronous: .off)
                        var head = try store.head()
                        let seconds = try ContinuousClock.secondsBlocking {
                            for event in events {
                                let condition = SQLiteEventStore.Condition(tag: event.tags[0].description, after: head)
                                guard let position = try store.append([event], condition: condition) else {
                                    throw BenchError(message: "a condition after the head failed in SQLite")
                                }
                                head = position
                            }
                        }
                        return Double(events.count) / seconds
                    }
                },
            ]
        )
        await store.close()
        return Comparison.rows(
            "conditional append on the \(stores.eventCountText)-event store, no flush",
            .rate("events"),
            opossum: samples[0],
            against: [
                ("Opossum unconditional", samples[1], .ratioAtLeast(0.9)),
                ("SQLite", samples[2], .ratioAtLeast(2)),
            ]
        )
    }
}
