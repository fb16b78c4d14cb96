/// Where the time goes in the workloads that miss their targets: the profiles behind
/// them and what would fix them. Kept by hand next to the harness, with the perf and
/// strace commands that produced them, and revised when a profile changes.
enum BenchMisses {
    static let markdown = """
        ## Misses: where the time goes

        Profiles taken with `perf record -g` on the release build (`opossum-bench run --only
        WORKLOAD --keep-data`, then a small driver reading the kept store) and `strace -c -f`.

        - **Durable single append vs SQLite (0.9–1.19× in the runs after the fix below, 0.65–0.9×
          before; at its target and moved by the disk's hour)**: a durable store's writer now keeps zeros written ahead of the log, so a
          commit overwrites space the file has instead of growing it (`docs/format.md`, "Zeros
          written ahead"). That alone changed nothing: `strace` showed an `fstat` of the segment
          before every commit, and on Linux 6.18 a `stat` makes the next write take a
          fine-grained timestamp, which `fdatasync` then commits to the journal. A Python loop of
          `pwrite` + `fdatasync` over written zeros does 5,000–7,700 flushes/s alone and
          3,100–4,600/s with an `fstat` before each write. The writer now reads the byte at the
          committed end instead (a line starts with `{`), and a commit is `flock`, a 1-byte
          `pread`, `access` for the next segment, `pwrite`, `fdatasync`, `flock`. Single appends
          went from 0.75–0.9× to 1.06–1.12× the append limit. What is left against SQLite is the
          hand-off per append (caller → writer thread → caller, ~9,500 futex calls per 2,000
          appends). Letting a lone writer watch its queue before sleeping, so that the next
          append needs no wake-up, is no fix: tried, it lowered durable single appends (see the
          big store's conditional append below).
        - **16 writers (met: 8.7–9.8× their own 1-writer rate run by run in the last two full
          runs, 8.2–8.8× in alternating runs of `--only concurrent --runs 5`; 6.1–9.1× before the last fix, medians
          7.36–8.01×; target 8×)**: the writers used to settle into
          two halves of 8 that took turns, each flush carrying half of them (a run's group sizes:
          3,675 groups of 8, 590 of 16). The writer now waits for every active writer (those the
          last group answered and those that queued meanwhile), and the groups are all 16
          (5,615 of 5,616 in a 2-second run). Until the last fix, the writer still went to sleep
          waiting for the first of them, was woken by it, and went to sleep again waiting for the
          other 15, two wake-ups a group on 2 cores the tasks needed; it now waits for them all
          from the moment it answers the last group (at most twice the last commit's time), and
          one wake-up serves the group. A cycle of 16, timed inside the writer: the tasks'
          turnaround until all 16 have queued ~97 µs (was ~110–140 µs), the commit ~220 µs
          (the flush ~150–190 µs, evaluating 16 conditions 19 µs, encoding ~17 µs, indexing
          ~7 µs), answering the 16 continuations ~22 µs; a lone writer's cycle is ~168 µs
          (commit ~158 µs, answer ~8 µs). The ratio is 16 × 168 / 340 ≈ 7.9, at its target and
          moved by the disk's hour. Evaluating 16 conditions took 34 µs until each condition
          stopped building a query plan for one tag (a binary search of its positions now) and
          stopped looking at accepted batches that cannot hold its tag (a 64-bit summary per
          batch). The rest of the cycle is wake-up latency more than work: `perf` samples the
          two cores mostly idle. So the last fix takes out a wake-up: waiting for a group of
          several, the writer now watches the queue's count for up to 200 µs before it sleeps
          (a lone writer still sleeps at once, so a single append costs no extra CPU). In four
          pairs of `--only concurrent --runs 5`, one after the other: 8.16–8.80× against
          7.76–8.50× without it, each pair higher.
        - **Read of one tag (0.45–0.57× SQLite at first, 0.43–0.45× after the first decoding
          fixes, 0.35–0.40× after the later ones; target ≤ 0.5×)**: met now; it sat at
          its target, and the hour moved it. In a `perf record -g` of `--only tag-read`, the I/O thread's time for a read
          of ~100 events went half to decoding the lines, a quarter to checking their checksums
          (`SegmentLine.checksumIsValid`, the parse of the hex field included), a tenth to the
          loader and 5% to the query plan; the segments are mapped, so the reading itself is
          ~2%. The forward read's decoding fixes below (ids without branches, one timestamp
          parse per append, no copies of a decoded line) apply here too, and so do the
          later ones: the checksum's eight hex digits are read at once and its CRC runs in three
          interleaved streams, and a line is read in the order it was written.
        - **Durable batches of 100 (1.1–1.69× SQLite, target 4×)**: out of reach on this disk.
          4× SQLite is ~600k events/s here, 168 µs a batch, while the overwrite limit row (100
          records of 200 bytes per flush, no other work at all) is ~620k. An `strace -T` of the
          writer: a commit of 100 events is one 44 KB `pwrite`, a 1 MB `pwrite` of zeros every
          ~24 commits, and an `fdatasync`. A Python loop of just that takes 227–247 µs a commit,
          and 158–191 µs over zeros written and flushed beforehand: the disk alone caps the row
          at ~430k events/s, ~2.9× SQLite. The zeros written ahead moved Opossum from about
          1.1× to 1.15–1.3×, the later fixes to the commit path to 1.5–1.7×. In a `perf record`
          of `--only batch`, of a ~430 µs batch cycle the writer's CPU is ~200 µs (the flush's
          own submission to the virtual disk ~74, encoding ~60, the `pwrite` ~26, indexing
          ~22, the condition and the catch-up with other processes ~12) and the caller's ~90 µs
          (validating 100 payloads ~40); all of it is in series with the flush, since one
          writer waits for each batch. No code reaches 4× on this disk. What would come
          closest (~2×): writing the zeros ahead off the commit path (an I/O thread writing
          and flushing the next MB before the writer reaches it), and less CPU an event in
          series with the flush (encoding ~0.6 µs, validating ~0.4 µs).
        - **Conditional append on the big store, no flush (met since the writer executor:
          2.1–3.0× SQLite and 0.88–0.93× the unconditional rate run by run in the run below,
          medians 2.69× and 0.92×; awaited from the cooperative pool, 0.41–0.75× SQLite and
          0.92–0.98×; targets 2× and 0.9×)**: in a `perf record` attached to the timed phase of the pool's appends, 45% of
          the CPU is the kernel switching threads (`finish_task_switch`,
          `_raw_spin_unlock_irqrestore`): each append hands the event to the writer thread and
          the answer back, two wake-ups where SQLite runs the transaction on the caller's
          thread. The condition itself is cheap: one index lookup. The design rules out
          committing on the caller's thread, which would put blocking I/O on the cooperative
          pool (`DESIGN.md` §5). The fix that fits it: the writer's thread is now also a task
          executor (`FileEventStore.writerExecutor`), and a task that prefers it
          (`withTaskExecutorPreference`) runs there, so its append is queued, committed and
          answered on one thread, with nobody to wake; the benchmark's Opossum loop runs so,
          as an importing program would, and the pool's rate stays in the table as a
          reference. 10⁴ appends: 63–106 × 10³ events/s against 12–20 × 10³ from the pool
          (runs minutes apart; the machine moves both). With the hand-off gone, what the
          condition costs shows: ~1 µs of ~10 µs (the query built by the caller, the index
          lookup, the condition kept on the line), against 0.9× at the line; run against
          itself, unconditional against unconditional, the interleaved measure gives 1.00×.
          Two fixes took it from 0.90–0.91× to 0.92×: a commit's buffer is sized from its
          events (a line with a condition outgrew the 512 bytes an event used to get, and was
          copied once), and a one-tag query is built without concatenating arrays. Keeping
          the condition off the line (an experiment only: sync needs it) gives 0.95–0.96×.
          Of the writer's time per append, asking the file system whether another process
          started a new segment (an `access` of a name never looked up before, so a miss in
          the directory cache each time) is ~14%, and following the log's tail ~7%; cutting
          them would speed both kinds and lower this ratio further. Its ratio to the
          unconditional rate used to swing from 0.68× to 1.33× between runs, because the two
          ran a second apart; they take turns in blocks of 100 appends within one run. Tried
          and not kept: letting the writer watch its queue for 50 µs before sleeping after
          every commit. No-flush appends from the pool gained 10% (conditional) and 40%
          (unconditional), but durable single appends fell from 1.10–1.21× to 1.01× the
          disk's limit in alternating runs, and below SQLite.
        - **Peak memory (met: 74–78 MB, 94–96 MB before the fix below; target 100 MB)**:
          `/proc/PID/status` sampled every 30 ms showed the peak at the end of the open: the
          index checkpoint's 25 MB of mapped pages (`RssFile` 47 MB with the program's
          libraries) on top of the index being decoded from them (`RssAnon` 46 MB). The open
          now lets the checkpoint's pages go (`madvise`, `MADV_DONTNEED`) every MB as the
          checksum and then the decoder pass them, and the peak is the reading's: the index and
          buffers ~51 MB, the libraries ~22 MB. The open's time did not move (58–70 ms).
        - **Forward read (met: 0.94–1.52 × 10⁶ events/s and 1.19–1.42× SQLite in the full runs
          since the fixes below; 0.66–0.8 × 10⁶ and 0.73–1.06× before; target 10⁶ and 1.0×)**: a
          first round of fixes made each event one allocation fewer and stopped copying decoded events;
          decoding was then ~1.4 µs of CPU a line. Then, from `perf record -g` of the lean
          reader (`opossum-bench-reader --opossum STORE` on a kept store): (1) a line in the order
          Opossum writes it is read field after field, each key compared as the exact text
          expected, and the metadata's id and timestamp are taken at their fixed offsets; a line in
          any other order still decodes, by key (looking keys up and the metadata were a quarter
          of decoding); (2) ids, the checksum's hex digits and the line's positions and counts
          are read eight bytes at a time, not a digit at a time (a tenth); (3) the checksum runs
          three interleaved CRC streams joined by a carry-less multiply; (4) the stream's next
          chunk is decoded as an I/O job that hands its parts over: a `Task` kept its value, so
          the first `popLast` of each chunk copied a whole part of 512 events. 10⁶ events in the
          lean reader: 1.2–1.3 s before, 0.88–1.0 s after (the best of 5 reads in a process, `--reads 5`, in
          alternating runs). The benchmark's own read, in the process that built the big stores,
          runs ~10% slower than the lean reader's. What is left: stepping over the payload 12%
          (short strings, one every few bytes), the `pread` copy 6%, tags 5%, numbers 4%,
          allocation and reference counting 11%, the consumer's side of the stream 10%. Tried and
          not kept: stepping over the payload by its brackets eight bytes at a time (no faster:
          its strings end every few bytes, and each word was looked at twice), and decoding in a
          pipeline of parts started as the consumer finishes each one instead of a chunk ahead
          (no faster). Fix: decode the payload only when a reader looks at it, which changes
          the public types.
        - **Projection rebuild (0.8–1.06 × 10⁶ events/s in the full runs since the forward
          read's later fixes, 0.53–0.68 × 10⁶ before them, 0.41 to 0.6 × 10⁶ at first; target 5 × 10⁵)**: met; it is the forward read above (same query, same
          decoding) plus the fold. The fold used to be called once per event in the driver's
          generic context, which looked up the runtime metadata of `Dictionary<String, State>`
          again for each event (6% of the CPU); it now folds runs of 256 events per call,
          hashing an existing key once.
        - **Bundles (met: 10.0–14.4 × 10⁴ events/s in the runs since fix (7), medians 10.9–12.6
          × 10⁴, alone or after the big stores; 8.7–10.2 × 10⁴ before it, 5.3 × 10⁴ at first; target
          10⁵)**: fixes, each from a profile of `--only bundle`. (1) The hub decoded every verdict it had ever given a site, with
          `JSONDecoder`, at each import and each pull export (14% of the CPU, and growing
          with the hub's age); the hub and the site now keep their folded sync state and
          read only the records committed since. (2) An import decodes the next part of the
          bundle on an I/O thread while the writer judges the current one. (3) Tag and type
          equality compare contiguous bytes (`memcmp`), not UTF-8 views byte by byte. (4)
          Timestamps, ids and checksums are appended without a byte-at-a-time table;
          payloads are checked once per import, when the line is decoded; bundle lines are
          split with `memchr` and scanned eight bytes at a time. (5) The writer no longer
          copies every event of a batch three times; the index checkpoint comes every quarter
          of the store's events once that is more than 10⁵ (it copied ~28 MB into the page
          cache every 10⁵ events); an export reads each batch's condition with the scanner and
          decodes its chunks in parts. (6) A push's batch headers are written and read by the
          store's JSON writer and scanner, not `JSONEncoder`/`JSONDecoder` (7% of the round
          trip's CPU), and a commit of a quarter MiB or more writes no zeros ahead of itself.
          (7) The row ran 20–25% slower after the big stores were built (83–97k against
          100–124k alone), for a reason outside Opossum. On this VM, a page of
          memory the guest has not used lately costs a fault in the host on its first write:
          `dd` of 1 GB to a new file takes 0.26 s into memory just freed, 1.1–3.5 s into
          memory not used before, and 0.87 s into memory freed 20 s earlier (the balloon
          driver hands free memory back to the host). With the big stores in the page cache,
          every page the round trip writes (bundles and hub segments, ~0.9 GB per 10⁶
          events) is such a page; after `drop_caches`, with the big stores still on disk, the
          row measured 134k. The import now tells the kernel (`posix_fadvise`,
          `POSIX_FADV_DONTNEED`) that each part of a bundle it has decoded will not be read
          again: a bundle is read twice, verified then decoded, and never after, and on a hub
          its pages only push the log's out of the cache. Its pages are freed as the import
          goes, and the next bundle's writes reuse them: 96k → 116–120k after the big stores,
          124k → 145k alone. What is left (a `perf record -g` of the timed phase, before this
          fix): the hub's writer 29% (encoding, writing and indexing each event again),
          decoding the push's lines 20%, the kernel's copy of the hub's segments and the
          bundles into the page cache 14%, signing hashes 4%, index checkpoints 3%, verdict
          records through `JSONEncoder` and `JSONDecoder` 3%. Next: write the hub's lines from
          the bundle's bytes instead of re-encoding each event.
        - **HTTP push then pull (4.3 to 7.2 × 10⁴ events/s since the fixes below, was
          3.0 × 10⁴; target 5 × 10⁴)**: besides the fixes above, the sync agent now exports the next push bundle
          while the hub judges the current one, and downloads the next pull bundle while it
          applies the current one; bundles are 20,000 events by default so the overlap starts
          sooner. On this 2-core machine the hub, the two laptops and libcurl share the cores:
          the whole run uses ~1.1 cores on average, and the steps that remain in series are the
          first export and download and the last judge and apply. Per 2 × 10⁴ events: push
          ~0.2 s (upload, spool, verify, judge), pull apply ~0.2 s, download ~0.1 s. Next:
          hashing a push while it is spooled instead of reading it again to verify, and the
          commit-path work above.
        """
}
