/// Where the time goes in the workloads that miss their targets: the profiles behind
/// them and what would fix them. Kept by hand next to the harness, with the perf and
/// strace commands that produced them, and revised when a profile changes.
enum BenchMisses {
    static let markdown = """
        ## Misses: where the time goes

        Profiles taken with `perf record -g` on the release build (`opossum-bench run --only
        WORKLOAD --keep-data`, then a small driver reading the kept store) and `strace -c -f`.

        - **Durable single append vs SQLite (0.94–1.19× in the runs after the fix below, 0.65–0.9×
          before)**: a durable store's writer now keeps zeros written ahead of the log, so a
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
        - **16 writers (7.7–8.4× their own 1-writer rate and 8.8–10.9× SQLite in today's runs
          after the last fix below, 6–9× before; target 8×)**: the writers used to settle into
          two halves of 8 that took turns, each flush carrying half of them (a run's group sizes:
          3,675 groups of 8, 590 of 16). The writer now waits for every active writer (those the
          last group answered and those that queued meanwhile), and the groups are all 16 (2,989
          of 16 in a 2-second run). What remains is the turnaround: 16 tasks resumed on 2
          threads take about as long to send their next append (~0.3 ms) as the flush itself.
          Part of that was the writer itself: every append woke it while it waited for the
          group's last straggler, up to 16 wake-ups per group on the 2 cores the tasks needed;
          it is now woken only when what it waits for has queued. The ratio sits at the target and
          moves with the machine. Fix for the rest: less work on the caller's side of
          an append (validation, the continuation, the wake-up).
        - **Read of one tag (0.45–0.57× SQLite in today's full runs; target ≤ 0.5×)**: the row
          sits at its target, and the hour moves it: the build from before this session, run in
          turn with this one on the same store, measured 0.50× and 0.61× against this one's 0.48×
          and 0.51×. In a `perf record -g` of `--only tag-read`, the I/O thread's time for a read
          of ~100 events goes half to decoding the lines, a quarter to checking their checksums
          (`SegmentLine.checksumIsValid`, the parse of the hex field included), a tenth to the
          loader and 5% to the query plan; the segments are mapped, so the reading itself is
          ~2%. Fix: decode only what the read hands out, and check the checksum without
          re-parsing its text.
        - **Durable batches of 100 (1.1–1.3× SQLite, target 4×)**: both are near the disk's flush
          limit; the zeros written ahead moved Opossum from about 1.1× to 1.15–1.3×. 4× looks out
          of reach on this disk: the overwrite limit row for 100 records per flush is itself only
          ~5× SQLite's batch rate.
        - **Conditional append on the big store, no flush (0.6× SQLite, target 2×)**: about half
          the CPU is the hand-off to the writer thread and back (two context switches per
          append); SQLite runs the transaction on the caller's thread. The condition itself is
          cheap (0.89–1.06× the unconditional rate in today's runs, which is noise: the
          check is one index lookup).
        - **Forward read (about 0.6 to 0.9× SQLite, 0.6 to 0.85 × 10⁶ events/s)**: one thread
          decodes a line into a `SequencedEvent` (CRC, JSON scan, UUID and timestamp parse,
          payload copy) in ~1.3 µs; the two I/O threads that decode a chunk's halves take ~1.8 µs
          a line each, and the consumer ~0.3 µs. Threads slow each other down because every
          event is three heap objects (the payload's `Data` storage and bytes, the tags array)
          made on an I/O thread and freed on the consumer's: each free takes the allocating
          thread's malloc arena lock (with `GLIBC_TUNABLES=glibc.malloc.arena_max=1` the read
          takes twice as long), and every object's cache lines move between cores. Decoding
          three chunks ahead on separate threads raised the CPU in use from 1.4 to 1.6 cores
          without a faster read, so it was not kept; nor was handing each finished chunk back to
          an I/O thread to be freed there (10⁶ events read in 1.90 s against 1.97 s, within the
          noise of 4 alternating runs). Fix: fewer heap objects per event (payloads
          and tags kept in one shared chunk buffer, with a `SequencedEvent` that decodes them on
          access), which changes the public types.
        - **Projection rebuild (0.41 to 0.6 × 10⁶ events/s in runs so far, target 5 × 10⁵)**: it
          is the forward read above (same query, same decoding) plus the fold. The fold used to
          be called once per event in the driver's generic context, which looked up the runtime
          metadata of `Dictionary<String, State>` again for each event (6% of the CPU); it now
          folds runs of 256 events per call, hashing an existing key once. Fix: the forward read's.
        - **Bundles (7.9 to 10.1 × 10⁴ events/s in today's runs, was 5.3 × 10⁴; target 10⁵)**:
          four fixes, each from a profile of `--only bundle`. (1) The hub decoded every verdict it
          had ever given a site, with `JSONDecoder`, at each import and each pull export (14% of
          the CPU, and growing with the hub's age); the hub and the site now keep their folded
          sync state and read only the records committed since. (2) An import decodes the next
          part of the bundle on an I/O thread while the writer judges the current one. (3) Tag
          and type equality walked both strings' UTF-8 views byte by byte, half of indexing an
          imported event; it now compares their contiguous bytes. (4) Timestamps, ids and
          checksums were appended a byte at a time, through a lazily initialised hex table;
          payloads were checked three times per import (now once, when the line is decoded), and
          bundle lines were split and scanned byte by byte (now `memchr` and eight bytes at a
          time). Per 10⁵ events: export ~0.3 s, verify ~0.07 s, then the hub's writer ~0.5 s
          (validating, encoding and writing each event ~2 µs, the kernel's copy into the page
          cache ~0.6 µs, indexing ~0.4 µs, the flush of ~50 MB) with decoding alongside. The row
          moves ±15% with the machine. Next: write the hub's lines from the bundle's bytes
          instead of re-encoding each event.
        - **HTTP push then pull (4.3 to 5.7 × 10⁴ events/s in today's runs, was 3.0 × 10⁴; target
          5 × 10⁴)**: besides the fixes above, the sync agent now exports the next push bundle
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
