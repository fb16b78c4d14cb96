/// Where the time goes in the workloads that miss their targets: the profiles behind
/// them and what would fix them. Kept by hand next to the harness, with the perf and
/// strace commands that produced them, and revised when a profile changes.
enum BenchMisses {
    static let markdown = """
        ## Misses: where the time goes

        Profiles taken with `perf record -g` on the release build (`opossum-bench run --only
        WORKLOAD --keep-data`, then a small driver reading the kept store) and `strace -c -f`.

        - **Durable single append vs SQLite (0.94–1.12× in the runs after the fix below, 0.65–0.9×
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
        - **16 writers (6–9× their own 1-writer rate and 7–11× SQLite in the runs since the
          changes below, target 8×)**: the writers used to settle into two halves of 8 that took turns, each
          flush carrying half of them (a run's group sizes: 3,675 groups of 8, 590 of 16). The
          writer now waits for every active writer (those the last group answered and those that
          queued meanwhile), and the groups are all 16 (2,989 of 16 in a 2-second run). What
          remains is the turnaround: 16 tasks resumed on 2 threads take about as long to send
          their next append (~0.3 ms) as the flush itself, so a group costs flush plus
          turnaround. The faster flush above raised the 1-writer rate, the ratio's divisor, as
          much as the 16-writer rate. Fix: less work on the caller's side of an append
          (validation, the continuation, two thread wake-ups).
        - **Durable batches of 100 (1.1–1.3× SQLite, target 4×)**: both are near the disk's flush
          limit; the zeros written ahead moved Opossum from about 1.1× to 1.15–1.3×. 4× looks out
          of reach on this disk: the overwrite limit row for 100 records per flush is itself only
          ~5× SQLite's batch rate.
        - **Conditional append on the big store, no flush (0.6× SQLite, target 2×)**: about half
          the CPU is the hand-off to the writer thread and back (two context switches per
          append); SQLite runs the transaction on the caller's thread. The condition itself is
          cheap (0.99–1.01× the unconditional rate).
        - **Forward read (about 0.6 to 0.9× SQLite, 0.6 to 0.85 × 10⁶ events/s)**: one thread
          decodes a line into a `SequencedEvent` (CRC, JSON scan, UUID and timestamp parse,
          payload copy) in ~1.3 µs; the two I/O threads that decode a chunk's halves take ~1.8 µs
          a line each, and the consumer ~0.3 µs. Threads slow each other down because every
          event is three heap objects (the payload's `Data` storage and bytes, the tags array)
          made on an I/O thread and freed on the consumer's: each free takes the allocating
          thread's malloc arena lock (with `GLIBC_TUNABLES=glibc.malloc.arena_max=1` the read
          takes twice as long), and every object's cache lines move between cores. Decoding
          three chunks ahead on separate threads raised the CPU in use from 1.4 to 1.6 cores
          without a faster read, so it was not kept. Fix: fewer heap objects per event (payloads
          and tags kept in one shared chunk buffer, with a `SequencedEvent` that decodes them on
          access), which changes the public types.
        - **Projection rebuild (0.41 to 0.6 × 10⁶ events/s in runs so far, target 5 × 10⁵)**: it
          is the forward read above (same query, same decoding) plus the fold. The fold used to
          be called once per event in the driver's generic context, which looked up the runtime
          metadata of `Dictionary<String, State>` again for each event (6% of the CPU); it now
          folds runs of 256 events per call, hashing an existing key once. Fix: the forward read's.
        - **Bundles (about 5 × 10⁴ events/s, target 10⁵)**: per 10⁵ events, export ~0.5 s and hub
          import ~1.0 s. Both write ~30 MB and flush it (the bundle file, then the hub's log), so
          at this disk's ~80–100 MB/s the flushes alone cost ~0.6 s; the rest is decoding,
          validating and re-encoding each event at the hub (~6 µs an event). Fix: pipeline the
          next export with the current import, and write the hub's lines from the bundle's
          bytes instead of re-encoding them.
        - **HTTP push then pull (about 2.9 × 10⁴ events/s, target 5 × 10⁴)**: per 10⁵ events the
          push takes ~1.7 s and the pull ~1.7 s. HTTP itself is cheap: the hub logs ~0.5 s per
          50,000-event push for spooling, verifying and judging, and ~0.15 s per 50,000-event
          pull export. The time is two durable commits of every event (the hub's, then the
          second laptop's), each ~8 µs an event — the same cost as durable batches of 100
          (~1.2 × 10⁵ events/s) — plus one export. `perf record -g` of a 10⁵-event pull at a
          laptop: the commit 39% (encoding lines 11%, the index's tag table 12%, `pwrite` 12%),
          decoding bundle lines into events 12%, index checkpoints written during and after the
          import 10%, verifying the bundle 5%. Even with nothing else, two such commits cap the
          row near 5 × 10⁴. Fix: the commit path above (lines written from the bundle's bytes,
          no per-event re-validation of what the hub already stored), and overlapping the next
          bundle's export and transfer with the current import.
        """
}
