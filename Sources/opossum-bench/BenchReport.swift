import Foundation

/// The Markdown report, `docs/benchmarks.md`: the table with the machine, the date and the
/// exact command, how each workload is measured, and every run's values.
struct BenchReport: Sendable {
    var table: ResultTable
    var machine: MachineInfo
    var dataDirectory: String
    var command: String
    var mode: BenchMode
    var sizes: BenchSizes
    var date: Date
    var duration: Duration
    /// The load averages when the run ended.
    var finalLoadAverage: String

    /// The report's text.
    var markdown: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let durable = Quantity.time.format(sizes.durableDuration.seconds)
        let events = sizes.bigStoreEvents
        let minutes = String(format: "%.1f", duration.seconds / 60)
        var text = """
            # Benchmarks

            Written by `opossum-bench` (run `Scripts/bench.sh`); change the harness in
            `Sources/opossum-bench`, not this file. Every number is measured in one run, on
            one disk, for Opossum and for its baseline in alternating runs; ratios, not bare
            times, are what carries over to other machines.

            - **Command**: `\(command)` (mode: \(mode.rawValue), took \(minutes) min)
            - **Date**: \(formatter.string(from: date))
            - **Machine**: \(machine.processors) processors (`nproc`), \(machine.cpuModel), \
            \(machine.memory) memory, \(machine.system); load average \(machine.loadAverage) at the start, \(finalLoadAverage) at the end
            - **Data directory**: `\(dataDirectory)`, \(machine.fileSystem) (`df -T`)
            - **Swift**: \(machine.swiftVersion); **SQLite**: \(machine.sqliteVersion)

            ## Results

            \(table.markdown)
            \(table.summary).

            Each value is the median of \(sizes.runs) runs. The ratio is Opossum ÷ baseline, taken
            run by run (run *i* of Opossum against run *i* of the baseline), and the median of
            those ratios is reported; for times and sizes a lower ratio is better. A missed
            target is FAIL; `not yet` marks a feature that has not landed. Durable rows depend on
            the disk's flush latency, which other I/O on the machine changes from minute to minute:
            the physical-limit rows, measured in turn with them, show what the disk did meanwhile,
            and the Runs section below lists every run.

            ## How each workload is measured

            - **Durable workloads** append for \(durable) per run to a new store or database on
              the data directory's disk: Opossum with `durability: .flush` (an `fdatasync` per
              commit group), SQLite in WAL mode with `synchronous=FULL`. Each event is a
              ~200-byte JSON payload with one tag, `stream:w<writer>`.
            - **Physical limit**: 200-byte records written to one file with `write` and
              `fdatasync` after each record, or one `write` of 100 records then `fdatasync`.
              *Append* grows the file, as a log does: each flush also commits the new size
              (and new blocks) to the file system's journal. *Overwrite* writes over a file
              filled with zeros and flushed beforehand, as SQLite's WAL does once reused:
              the flush carries the data alone, so it is the faster bound.
            - **SQLite baseline**: through the C API with prepared statements reused;
              `events(position INTEGER PRIMARY KEY, type, data, ts)` with an index on `type`;
              `event_tags(tag, position)` whose primary key `(tag, position)` is the covering
              index (`WITHOUT ROWID`, so the table is that index), plus an index on
              `event_tags(position)` to load an event's tags. A conditional append is one
              transaction: `BEGIN IMMEDIATE`, `SELECT 1 FROM event_tags WHERE tag = ? AND
              position > ? LIMIT 1`, the inserts, `COMMIT`. Concurrent SQLite writers are
              plain threads with a connection each (`busy_timeout` 30 s).
            - **Concurrent writers**: \(sizes.writers) Swift tasks share one `FileEventStore`;
              each appends single events with the condition "no event of my stream after the
              position my last append returned", so writers never conflict. The 1-writer rate
              is the same workload with one writer.
            - **Batches**: one writer, \(sizes.batchSize) events per append; SQLite inserts
              \(sizes.batchSize) events per transaction.
            - **Big store**: \(Quantity.grouped(events)) events of six types, each with a `course` tag and half of
              them a `student` tag, \(Quantity.grouped(sizes.distinctTagValues)) distinct tag values in all (a course
              tag has ~\(events * 10 / max(1, sizes.distinctTagValues)) events). Opossum loads it
              with `durability: .none` in appends of \(Quantity.grouped(sizes.loadBatchSize)) and closes it; SQLite
              with `synchronous=OFF` in transactions of \(Quantity.grouped(sizes.loadBatchSize * 10)), then
              `wal_checkpoint(TRUNCATE)`. Both hold the same events. The page cache is warm.
            - **Open**: `FileEventStore.open` after a clean close (then closed, untimed);
              SQLite: open a connection, prepare the statements, `SELECT max(position)`.
            - **Read one tag**: \(Quantity.grouped(sizes.tagReads)) random course tags per run, the median time of
              one read. Opossum: `readAll(Query.tags(tag))`; SQLite: `event_tags` joined to
              `events`, each row decoded into a `SequencedEvent` with its tags loaded.
            - **Forward read**: Opossum streams `read(.all)`; SQLite walks `events` and the
              position index of `event_tags` side by side, decoding each row into a
              `SequencedEvent` with its tags.
            - **Peak memory**: a child process (`opossum-bench peak-memory`) opens the store,
              streams every event and reports its peak resident set, `VmHWM` from
              `/proc/self/status`. (Not `getrusage(RUSAGE_SELF).ru_maxrss`: Linux carries that
              over `execve` from the spawning process, so a child spawned by the benchmark
              would report the benchmark's own peak.) The SQLite child does the same with
              the forward-read loop above.
            - **Conditional append on the big store**: \(Quantity.grouped(sizes.bigStoreAppends)) single-event appends
              per run without flushes (Opossum `.none`, SQLite `synchronous=OFF`), so the time is
              the condition and the write, not the disk. A conditional append asks that its
              course tag have no event after the position the previous append returned.
              Opossum's appending task runs on the store's writer executor
              (`withTaskExecutorPreference(store.writerExecutor)`), as a program appending
              one decision after another would, and SQLite's on a thread of its own: neither
              hands an append to another thread. The same appends awaited from the cooperative
              pool, each handed to the writer's thread and back, are the reference row below
              it. Opossum's run takes turns in blocks of 100 appends, conditional then
              unconditional, and reports each kind's rate: both share the same seconds of
              the machine, which drift more between two runs than the condition costs.
            - **Projection rebuild**: a new `ProjectionRunner` registers a projection counting
              the events of each course tag, on the big store opened durable; the time runs
              from `register` until its checkpoint reaches the head (it rebuilds in memory and
              saves its snapshot, flushed, at the end). No SQLite baseline: the target is absolute.
            - **Bundles**: a laptop store (no flushes) holds the big store's number of events in
              decisions of \(BundleRoundTrips.batchSize) events, each under a condition on its own
              tag; the time runs from the first push export to the last pull import: push
              bundles of \(Quantity.grouped(BundleRoundTrips.bundleSize)) events written (flushed),
              verified and judged at a durable hub, and the verdicts pulled back before the
              next export.

            \(BenchMisses.markdown)

            ## Runs

            """
        var previous = ""
        for row in table.rows where !row.runs.isEmpty && row.runs != previous {
            text += "- \(row.workload) vs \(row.baseline.split(separator: ":").first ?? ""): \(row.runs)\n"
            previous = row.runs
        }
        return text
    }

    /// Writes the report to `path`, making its folder if needed.
    func write(to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try Data(markdown.utf8).write(to: URL(fileURLWithPath: path))
    }
}
