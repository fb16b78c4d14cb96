import Foundation
import Opossum
import OpossumBenchBaseline

/// An Opossum store and a SQLite database holding the same events, for the workloads
/// that need a big store: built fast (no flushes, large batches), then closed cleanly.
struct BigStores: Sendable {
    /// The Opossum store's directory.
    let opossumPath: String
    /// The SQLite database file.
    let sqlitePath: String
    /// How many events each holds.
    let eventCount: Int
    /// The distinct tag values the events carry.
    let distinctTagValues: Int

    /// The event count as the table prints it: `1,000,000`.
    var eventCountText: String { Quantity.grouped(eventCount) }

    /// Builds both stores in `context`'s directory and returns them with how fast each loaded.
    static func build(_ context: BenchContext) async throws -> (stores: BigStores, load: Comparison) {
        let sizes = context.sizes
        let stores = BigStores(
            opossumPath: try context.directory.fresh("big-opossum"),
            sqlitePath: try context.directory.fresh("big-sqlite") + "/events.sqlite",
            eventCount: sizes.bigStoreEvents,
            distinctTagValues: sizes.distinctTagValues
        )
        context.note("loading \(stores.eventCountText) events into Opossum")
        var opossum = Samples()
        opossum.append(try await stores.loadOpossum(batchSize: sizes.loadBatchSize))
        context.note("loading \(stores.eventCountText) events into SQLite")
        var sqlite = Samples()
        sqlite.append(try await stores.loadSQLite(batchSize: sizes.loadBatchSize * 10))
        let load = Comparison(
            workload: "load the big store: \(stores.eventCountText) events, no flush, large batches (1 run)",
            quantity: .rate("events"),
            opossum: opossum,
            baselineName: "SQLite",
            baseline: sqlite,
            target: .reference
        )
        return (stores, load)
    }

    /// Appends the events in batches with `durability: .none`, closes the store, and
    /// returns the events loaded per second.
    private func loadOpossum(batchSize: Int) async throws -> Double {
        let store = try await FileEventStore.create(
            at: opossumPath,
            name: "bench-big",
            options: FileEventStore.Options(durability: .none)
        )
        var generator = EventGenerator(distinctTagValues: distinctTagValues)
        let seconds = try await ContinuousClock.seconds {
            var loaded = 0
            while loaded < eventCount {
                let count = min(batchSize, eventCount - loaded)
                try await store.append((0..<count).map { _ in generator.next() })
                loaded += count
            }
            await store.close()
        }
        return Double(eventCount) / seconds
    }

    /// Inserts the same events in large transactions with `synchronous=OFF`, checkpoints
    /// the WAL into the database, and returns the events loaded per second.
    private func loadSQLite(batchSize: Int) async throws -> Double {
        let path = sqlitePath
        let eventCount = self.eventCount
        let distinctTagValues = self.distinctTagValues
        return try await PlainThreads.run {
            _ = try SQLiteEventStore.create(inNewFolder: (path as NSString).deletingLastPathComponent)
            let store = try SQLiteEventStore(path: path, synchronous: .off)
            var generator = EventGenerator(distinctTagValues: distinctTagValues)
            let seconds = try ContinuousClock.secondsBlocking {
                var loaded = 0
                while loaded < eventCount {
                    let count = min(batchSize, eventCount - loaded)
                    let events = (0..<count).map { _ in generator.next() }
                    try store.database.execute("BEGIN")
                    try store.insert(events, timestamp: Int64(Date().timeIntervalSince1970 * 1e6))
                    try store.database.execute("COMMIT")
                    loaded += count
                }
                try store.checkpoint()
            }
            return Double(eventCount) / seconds
        }
    }
}
