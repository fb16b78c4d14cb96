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
          appends). Fix: let the writer spin briefly before sleeping, so that a writer's next
          append needs no wake-up.
        - **16 writers (6.75–8.7× their own 1-writer rate and 8.3–10.9× SQLite in the runs
          since the last fix below, 6–9× before; target 8×)**: the writers used to settle into
          two halves of 8 that took turns, each flush carrying half of them (a run's group sizes:
          3,675 groups of 8, 590 of 16). The writer now waits for every active writer (those the
          last group answered and those that queued meanwhile), and the groups are all 16 (2,989
          of 16 in a 2-second run). What remains is the turnaround: 16 tasks resumed on 2
          threads take about as long to send their next append (~0.3 ms) as the flush itself.
          Part of that was the writer itself: every append woke it while it waited for the
          group's last straggler, up to 16 wake-ups per group on the 2 cores the tasks needed;
          it is now woken only when what it waits for has queued. The ratio sits at the target and
          moves with the machine, and with the 1-writer rate it divides by (4,134–4,294/s, 1.12–1.16× the
          disk's append limit, in this session's runs, which measured 7.33× and 6.75×). Fix for the rest: less work on
          the caller's side of an append (validation, the continuation, the wake-up).
        - **Read of one tag (0.45–0.57× SQLite two sessions ago, 0.43–0.45× after the last
          session's decoding fixes, 0.35× after this one's; target ≤ 0.5×)**: met now; it sat at
          its target, and the hour moved it. In a `perf record -g` of `--only tag-read`, the I/O thread's time for a read
          of ~100 events went half to decoding the lines, a quarter to checking their checksums
          (`SegmentLine.checksumIsValid`, the parse of the hex field included), a tenth to the
          loader and 5% to the query plan; the segments are mapped, so the reading itself is
          ~2%. The forward read's decoding fixes below (ids without branches, one timestamp
          parse per append, no copies of a decoded line) apply here too, and so do this
          session's: the checksum's eight hex digits are read at once and its CRC runs in three
          interleaved streams, and a line is read in the order it was written.
        - **Durable batches of 100 (1.1–1.55× SQLite, target 4×)**: both are near the disk's flush
          limit; the zeros written ahead moved Opossum from about 1.1× to 1.15–1.3×. 4× looks out
          of reach on this disk: the overwrite limit row for 100 records per flush is itself only
          ~5× SQLite's batch rate.
        - **Conditional append on the big store, no flush (0.5–0.74× SQLite, target 2×)**: in a
          `perf record` attached to the timed phase, 45% of the CPU is the kernel switching
          threads (`finish_task_switch`, `_raw_spin_unlock_irqrestore`): each append hands the
          event to the writer thread and the answer back, two wake-ups where SQLite runs the
          transaction on the caller's thread. The condition itself is cheap (0.87–1.33× the
          unconditional rate, which is noise: the check is one index lookup). Tried and not
          kept: letting the writer watch its queue for 50 µs before sleeping. No-flush appends
          gained 10% (conditional) and 40% (unconditional), but durable single appends fell
          from 1.10–1.21× to 1.01× the disk's limit in alternating runs, and below SQLite. Fix:
          commit a no-flush append on the caller's side of the hand-off.
        - **Forward read (met at its edge: 0.94–1.0 × 10⁶ events/s and 1.19–1.25× SQLite in this session's full runs;
          0.66–0.8 × 10⁶ and 0.73–1.06× in the last session's; target 10⁶ and 1.0×)**: the
          last session made each event one allocation fewer and stopped copying decoded events;
          decoding was then ~1.4 µs of CPU a line. This session, from `perf record -g` of the lean
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
        - **Projection rebuild (0.59–0.64 × 10⁶ events/s this session, 0.53–0.68 × 10⁶ in the
          last, 0.41 to 0.6 × 10⁶ before; target 5 × 10⁵)**: met; it is the forward read above (same query, same
          decoding) plus the fold. The fold used to be called once per event in the driver's
          generic context, which looked up the runtime metadata of `Dictionary<String, State>`
          again for each event (6% of the CPU); it now folds runs of 256 events per call,
          hashing an existing key once.
        - **Bundles (10.2 × 10⁴ events/s alone and 8.7–9.7 × 10⁴ after the big stores in this session's
          runs; 7.5–8.1 × 10⁴ alone at its start; 7.9 to 10.5 × 10⁴ in earlier sessions, 5.3 × 10⁴
          before; target 10⁵)**: fixes, each from a profile of `--only bundle`. (1) The hub decoded every verdict it had ever given a site, with
          `JSONDecoder`, at each import and each pull export (14% of the CPU, and growing
          with the hub's age); the hub and the site now keep their folded sync state and
          read only the records committed since. (2) An import decodes the next part of the
          bundle on an I/O thread while the writer judges the current one. (3) Tag and type
          equality walked both strings' UTF-8 views byte by byte, half of indexing an
          imported event; it now compares their contiguous bytes. (4) Timestamps, ids and
          checksums were appended a byte at a time, through a lazily initialised hex table;
          payloads were checked three times per import (now once, when the line is decoded),
          and bundle lines were split and scanned byte by byte (now `memchr` and eight bytes
          at a time). (5) This session: byte equality still compared the two contiguous
          buffers a byte at a time (`elementsEqual`, now `memcmp`); the writer copied every
          event of a batch three times (`enumerated()`); a tag was written by building its
          `key:value` text; and the index checkpoint, rewritten every 10⁵ events whatever
          the store's size, took 7% of the CPU copying ~28 MB into the page cache each time
          (it now comes every quarter of the store's events once that is more); an export
          read each batch's condition with `JSONDecoder` (a sixth of its reading; now the
          scanner) and decoded its chunks on one thread (now in parts). (6) This session: a
          push's batch headers, one line per decision, were written with `JSONEncoder` and read
          with `JSONDecoder`, 7% of the round trip's CPU; the store's JSON writer and scanner now
          do it, reading any key order, unknown keys and the lines older bundles hold. A commit
          of a quarter MiB or more (an import's) no longer writes zeros ahead of itself: its
          flush's journal share is small beside its data. With these and the decoding fixes of
          the forward read, `--only bundle --runs 3` went from 80k to 102k. Per 10⁵
          events: export 0.29–0.42 s, the hub's import 0.42–0.65 s, the pull back ~0.05 s;
          in the import, verify ~0.07 s, then the hub's writer ~0.5 s (validating, encoding
          and writing each event ~2 µs, the kernel's copy into the page cache ~0.6 µs,
          indexing ~0.4 µs, the flush of ~50 MB) with decoding alongside. The row moves ±15%
          with the machine, and with what ran before it in the same process: `--only bundle`
          measures 100–105k, the same after `--only tag-read` (which builds the 10⁶-event
          stores first) 83–87k. A `sync()` before each run did not change that, so it is not
          the big stores' writeback. In a system-wide `perf record -a` of the two, the
          kernel's copy into the page cache (`copy_folio_from_iter_atomic`) is 6% of the time
          alone and 18% after the big stores, with `clear_page_erms` (zeroing new pages) 2%:
          the same writes cost three times as much in the kernel once the page cache holds
          the 10⁶-event stores. This VM's page cache is erratic on its own (`dd` of 500 MB to
          a new file: 0.16 to 1.17 s from one run to the next), so the cause is not pinned
          down. What is left (a `perf record -g` of this session's timed phase): the hub's
          writer 29% (encoding, writing and indexing each event again), decoding the push's lines
          20%, the kernel's copy of the hub's segments and the bundles into the page cache 14%,
          signing hashes 4%, index checkpoints 3%, verdict records through `JSONEncoder` and
          `JSONDecoder` 3%. Next: write the hub's lines from the bundle's bytes instead of
          re-encoding each event.
        - **HTTP push then pull (4.3 to 5.7 × 10⁴ events/s since the last session's fixes, was
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
