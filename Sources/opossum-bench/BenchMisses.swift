/// Where the time goes in the workloads that miss their targets: the profiles behind
/// them and what would fix them. Kept by hand next to the harness, with the perf and
/// strace commands that produced them, and revised when a profile changes.
enum BenchMisses {
    static let markdown = """
        ## Misses: where the time goes

        Profiles taken with `perf record -g` on the release build (`opossum-bench run --only
        WORKLOAD --keep-data`, then a small driver reading the kept store) and `strace -c -f`.

        - **Durable single append vs SQLite (0.8×) and 16 writers (6.2–7.9× in runs so far, target 8×)**: per commit
          the writer does two `flock` calls, an `access` for the next segment, an `fstat`, one
          `pwrite` and one `fdatasync`; `strace -c` on 2,000 appends shows the flush at 70 µs and
          ~9,500 futex calls (thread hand-offs: caller → writer thread → caller's executor). Our
          segments grow, so each `fdatasync` also commits the new size to the journal; SQLite's
          WAL is overwritten in place once reused (the "overwrite" limit row is ~1.5× the
          "append" one). Fix: preallocate segments with written zeros and treat a zero tail as
          free space (a format change that recovery must learn), and let the writer spin briefly
          before sleeping so a quick resubmission needs no wake-up.
        - **Durable batches of 100 (1.1× SQLite, target 4×)**: both are at the disk's flush limit
          for growing files; the same preallocation would move Opossum to the overwrite limit.
          4× looks out of reach on this disk even then.
        - **Conditional append on the big store, no flush (0.6× SQLite, target 2×)**: about half
          the CPU is the hand-off to the writer thread and back (two context switches per
          append); SQLite runs the transaction on the caller's thread. The condition itself is
          cheap (0.99–1.01× the unconditional rate).
        - **Forward read (about 0.6 to 0.9× SQLite, 0.57 to 0.65 × 10⁶ events/s)**: decoding each
          line into a `SequencedEvent` (JSON scan, UUID and timestamp parse, CRC) is ~65% of the
          CPU, allocation and reference counting ~20%. Reads already decode large chunks in two
          halves on two I/O threads and fetch the next chunk ahead. Fix: decode lazily from a
          shared chunk buffer (a `SequencedEvent` that parses payload and metadata on access).
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
