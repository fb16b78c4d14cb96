import Foundation
import Opossum
import OpossumBenchBaseline

/// The read workloads on the big stores: opening, reading one tag, reading everything,
/// and the peak memory of reading everything. The stores hold exactly their loaded events.
struct BigStoreReads: Sendable {
    let context: BenchContext
    let stores: BigStores

    private var size: String { stores.eventCountText + "-event" }

    /// Opening the store after a clean close (the index comes from its checkpoint).
    func open() async throws -> [Comparison] {
        context.note("opening the \(size) store")
        let opossumPath = stores.opossumPath
        let sqlitePath = stores.sqlitePath
        let samples = try await alternate(
            rounds: context.sizes.runs,
            [
                {
                    var opened: FileEventStore?
                    let seconds = try await ContinuousClock.seconds {
                        opened = try await FileEventStore.open(at: opossumPath)
                    }
                    await opened?.close()
                    return seconds
                },
                {
                    try await PlainThreads.run {
                        try ContinuousClock.secondsBlocking {
                            _ = try SQLiteEventStore(path: sqlitePath, synchronous: .full).head()
                        }
                    }
                },
            ]
        )
        return [
            Comparison(
                workload: "open the \(size) store after a clean close",
                quantity: .time,
                opossum: samples[0],
                baselineName: "SQLite",
                baseline: samples[1],
                target: .atMost(0.2)
            )
        ]
    }

    /// Reading every event of one tag, as a decision model does; the median time per tag.
    func tagReads() async throws -> [Comparison] {
        context.note("reading single tags of the \(size) store")
        var generator = EventGenerator(distinctTagValues: stores.distinctTagValues, seed: 11)
        let tags = (0..<context.sizes.tagReads).map { _ in generator.randomCourseTag() }
        let store = try await FileEventStore.open(at: stores.opossumPath)
        let sqlitePath = stores.sqlitePath
        var opossumCount = 0
        var sqliteCount = 0
        let samples = try await alternate(
            rounds: context.sizes.runs,
            [
                {
                    var times = Samples()
                    opossumCount = 0
                    for tag in tags {
                        let query = try Query.tags(tag)
                        times.append(
                            try await ContinuousClock.seconds {
                                opossumCount += try await store.readAll(query).count
                            }
                        )
                    }
                    return times.median
                },
                {
                    let (median, count) = try await PlainThreads.run {
                        let store = try SQLiteEventStore(path: sqlitePath, synchronous: .full)
                        var times = Samples()
                        var count = 0
                        for tag in tags {
                            let text = tag.description
                            times.append(
                                try ContinuousClock.secondsBlocking { count += try store.events(withTag: text).count }
                            )
                        }
                        return (times.median, count)
                    }
                    sqliteCount = count
                    return median
                },
            ]
        )
        await store.close()
        try check(
            opossumCount == sqliteCount,
            "tag reads found \(opossumCount) events in Opossum, \(sqliteCount) in SQLite"
        )
        let perTag = Int((Double(opossumCount) / Double(tags.count)).rounded())
        return [
            Comparison(
                workload: "read all events of one tag (median time; ~\(perTag) of \(stores.eventCountText))",
                quantity: .time,
                opossum: samples[0],
                baselineName: "SQLite",
                baseline: samples[1],
                target: .ratioAtMost(0.5)
            )
        ]
    }

    /// Reading every event forwards, decoded (Opossum: `SequencedEvent`s from the stream;
    /// SQLite: the same type from each row and its tags).
    func fullReads() async throws -> [Comparison] {
        context.note("reading all of the \(size) store")
        let store = try await FileEventStore.open(at: stores.opossumPath)
        let sqlitePath = stores.sqlitePath
        let expected = stores.eventCount
        let samples = try await alternate(
            rounds: context.sizes.runs,
            [
                {
                    var count = 0
                    var bytes = 0
                    let seconds = try await ContinuousClock.seconds {
                        for try await event in store.read(.all, options: .none) {
                            count += 1
                            bytes += event.data.count
                        }
                    }
                    try check(count == expected && bytes > 0, "Opossum read \(count) events, not \(expected)")
                    return Double(count) / seconds
                },
                {
                    try await PlainThreads.run {
                        let store = try SQLiteEventStore(path: sqlitePath, synchronous: .full)
                        var count = 0
                        var bytes = 0
                        let seconds = try ContinuousClock.secondsBlocking {
                            count = try store.forEachEvent { bytes += $0.data.count }
                        }
                        try check(count == expected && bytes > 0, "SQLite read \(count) events, not \(expected)")
                        return Double(count) / seconds
                    }
                },
            ]
        )
        await store.close()
        return Comparison.rows(
            "forward read of all \(stores.eventCountText) events, decoded",
            .rate("events"),
            opossum: samples[0],
            against: [
                ("SQLite", samples[1], .atLeast(1_000_000)),
                ("SQLite", samples[1], .ratioAtLeast(1.0)),
            ]
        )
    }

    /// The peak memory of a child process that opens the store and streams every event.
    func peakMemory() async throws -> [Comparison] {
        context.note("peak memory reading all of the \(size) store (child processes)")
        // A lean program of its own, next to this one: its memory is the reading's alone.
        let executable = URL(fileURLWithPath: context.executable).deletingLastPathComponent()
            .appendingPathComponent("opossum-bench-reader").path
        let expected = stores.eventCount
        let opossumArguments = ["--opossum", stores.opossumPath]
        let sqliteArguments = ["--sqlite", stores.sqlitePath]
        let samples = try await alternate(
            rounds: context.sizes.runs,
            [
                { try await PeakMemoryReport.measure(executable, opossumArguments, expecting: expected) },
                { try await PeakMemoryReport.measure(executable, sqliteArguments, expecting: expected) },
            ]
        )
        return [
            Comparison(
                workload: "peak memory reading all \(stores.eventCountText) events (child process)",
                quantity: .bytes,
                opossum: samples[0],
                baselineName: "SQLite",
                baseline: samples[1],
                target: .atMost(100e6)
            )
        ]
    }
}
