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
    ///
    /// Opossum's appending task runs on the store's writer executor, as a program
    /// appending one decision after another would; SQLite's runs the transaction on its
    /// own thread. The same appends awaited from the cooperative pool, each handed to
    /// the writer's thread and back, are a reference row.
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
        var unconditional = Samples()
        let samples = try await alternate(
            rounds: context.sizes.runs,
            [
                {
                    let rates = try await withTaskExecutorPreference(store.writerExecutor) {
                        try await Self.interleavedRates(of: events, on: store)
                    }
                    unconditional.append(rates.unconditional)
                    return rates.conditional
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
                { try await Self.interleavedRates(of: events, on: store).conditional },
            ]
        )
        await store.close()
        let workload = "conditional append on the \(stores.eventCountText)-event store, no flush"
        return Comparison.rows(
            workload,
            .rate("events"),
            opossum: samples[0],
            against: [
                ("Opossum unconditional", unconditional, .ratioAtLeast(0.9)),
                ("SQLite", samples[1], .ratioAtLeast(2)),
            ]
        )
            + Comparison.rows(
                workload + ", awaited from the cooperative pool",
                .rate("events"),
                opossum: samples[2],
                against: [("SQLite", samples[1], .reference)]
            )
    }

    /// How many appends of one kind run before the other kind takes its turn.
    private static let interleavedBlock = 100

    /// Appends `events` once each, in blocks that take turns between a conditional
    /// append and an unconditional one, and returns each kind's rate.
    ///
    /// Both kinds share the same seconds of the machine: an append's time here is mostly
    /// the hand-off to the writer thread and back, whose latency drifts from second to
    /// second, so two separate runs compare the machine's moments more than the appends.
    private static func interleavedRates(
        of events: [Event],
        on store: FileEventStore
    ) async throws -> (conditional: Double, unconditional: Double) {
        var head = try await store.status().head
        var seconds = (conditional: 0.0, unconditional: 0.0)
        var counts = (conditional: 0, unconditional: 0)
        // Small runs (the quick and smoke modes) still give each kind half of the appends.
        let blockSize = max(1, min(interleavedBlock, events.count / 2))
        var start = 0
        var isConditional = true
        while start < events.count {
            let block = events[start..<min(start + blockSize, events.count)]
            let elapsed = try await ContinuousClock.seconds {
                for event in block {
                    let condition =
                        isConditional ? AppendCondition(failIfEventsMatch: try .tags(event.tags[0]), after: head) : nil
                    head = try await store.append([event], condition: condition)
                }
            }
            if isConditional {
                seconds.conditional += elapsed
                counts.conditional += block.count
            } else {
                seconds.unconditional += elapsed
                counts.unconditional += block.count
            }
            isConditional.toggle()
            start += block.count
        }
        return (
            Double(counts.conditional) / seconds.conditional,
            Double(counts.unconditional) / seconds.unconditional
        )
    }
}
