import Opossum
import OpossumBenchBaseline

/// The workloads that flush every commit: the disk's own limit, single-event appends,
/// concurrent conditional appends, and batches. Every store is new and on the same disk.
struct DurableWorkloads: Sendable {
    let context: BenchContext

    private var event: Event {
        var generator = EventGenerator(distinctTagValues: context.sizes.distinctTagValues)
        return generator.next()
    }

    private func appender(writers: Int, eventsPerAppend: Int = 1, isConditional: Bool) -> DurableAppender {
        DurableAppender(
            writers: writers,
            eventsPerAppend: eventsPerAppend,
            isConditional: isConditional,
            duration: context.sizes.durableDuration,
            event: event
        )
    }

    /// Single-event appends by one writer, against the disk's limit and against SQLite.
    func singleEventAppends() async throws -> [Comparison] {
        context.note("durable single-event appends, 1 writer (and the disk's flush limit)")
        let directory = context.directory
        let duration = context.sizes.durableDuration
        let appender = appender(writers: 1, isConditional: false)
        func limit(_ recordsPerFlush: Int, _ layout: DiskLimit.Layout) -> () async throws -> Double {
            {
                let limit = DiskLimit(path: try directory.fresh("limit"))
                return try await limit.recordsPerSecond(
                    recordsPerFlush: recordsPerFlush,
                    layout: layout,
                    duration: duration
                )
            }
        }
        let samples = try await alternate(
            rounds: context.sizes.runs,
            [
                limit(1, .appending),
                limit(100, .appending),
                limit(1, .overwriting),
                limit(100, .overwriting),
                { try await appender.opossumRate(path: try directory.fresh("opossum-single")) },
                { try await appender.sqliteRate(folder: try directory.fresh("sqlite-single")) },
            ]
        )
        let written = "200-byte records to a file"
        let overwritten = "200-byte records in a preallocated file"
        let records = Quantity.rate("records")
        return [
            .reference("physical limit: append \(written), fdatasync after each", records, samples[0]),
            .reference("physical limit: append \(written), fdatasync after each 100", records, samples[1]),
            .reference("physical limit: overwrite \(overwritten), fdatasync after each", records, samples[2]),
            .reference("physical limit: overwrite \(overwritten), fdatasync after each 100", records, samples[3]),
        ]
            + Comparison.rows(
                "durable single-event append, 1 writer",
                .rate("events"),
                opossum: samples[4],
                against: [
                    ("append + fdatasync/record", samples[0], .ratioAtLeast(0.8)),
                    ("SQLite", samples[5], .ratioAtLeast(1.0)),
                ]
            )
    }

    /// Conditional single-event appends by many writers on disjoint tags, against
    /// Opossum's own one-writer rate (group commit) and against SQLite with as many threads.
    func concurrentConditionalAppends() async throws -> [Comparison] {
        let writers = context.sizes.writers
        context.note("durable conditional appends, \(writers) writers on disjoint tags")
        let directory = context.directory
        let many = appender(writers: writers, isConditional: true)
        let one = appender(writers: 1, isConditional: true)
        let samples = try await alternate(
            rounds: context.sizes.runs,
            [
                { try await many.opossumRate(path: try directory.fresh("opossum-concurrent")) },
                { try await one.opossumRate(path: try directory.fresh("opossum-concurrent-1")) },
                { try await many.sqliteRate(folder: try directory.fresh("sqlite-concurrent")) },
            ]
        )
        return Comparison.rows(
            "durable 1-event conditional appends, \(writers) writers, disjoint tags",
            .rate("events"),
            opossum: samples[0],
            against: [
                ("Opossum, 1 writer", samples[1], .ratioAtLeast(8)),
                ("SQLite, \(writers) threads", samples[2], .ratioAtLeast(8)),
            ]
        )
    }

    /// Batches of events by one writer, against SQLite inserting a batch per transaction.
    func batchAppends() async throws -> [Comparison] {
        let size = context.sizes.batchSize
        context.note("durable batches of \(size) events")
        let directory = context.directory
        let appender = appender(writers: 1, eventsPerAppend: size, isConditional: false)
        let samples = try await alternate(
            rounds: context.sizes.runs,
            [
                { try await appender.opossumRate(path: try directory.fresh("opossum-batch")) },
                { try await appender.sqliteRate(folder: try directory.fresh("sqlite-batch")) },
            ]
        )
        return Comparison.rows(
            "durable batches of \(size) events",
            .rate("events"),
            opossum: samples[0],
            against: [("SQLite", samples[1], .ratioAtLeast(4))]
        )
    }
}
