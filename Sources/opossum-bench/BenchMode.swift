import ArgumentParser

/// How big and how long a benchmark run is.
enum BenchMode: String, Sendable, CaseIterable {
    /// 10⁶-event stores and runs long enough to be stable: the numbers for `docs/benchmarks.md`.
    case full
    /// A 10⁵-event store and short runs: under three minutes on a small machine.
    case quick
    /// Every workload at tiny sizes in seconds, to prove the harness still runs (CI).
    case smoke
}

/// The sizes and durations of every workload in one mode.
struct BenchSizes: Sendable {
    /// How many alternating runs each workload makes; the table reports medians.
    var runs: Int
    /// How long one run of a durable (flushing) workload appends.
    var durableDuration: Duration
    /// How many writers append at once in the concurrent workload.
    var writers = 16
    /// How many events one append carries in the batch workload.
    var batchSize = 100
    /// How many events the big stores hold.
    var bigStoreEvents: Int
    /// How many distinct tag values the big stores' events carry.
    var distinctTagValues: Int
    /// How many events one append carries while the big stores are loaded.
    var loadBatchSize = 1000
    /// How many single-event appends one run makes on the big store.
    var bigStoreAppends: Int
    /// How many tags one run of the read-by-tag workload reads.
    var tagReads: Int
    /// How many events one run of the HTTP workload pushes and pulls.
    var httpEvents = 100_000

    init(_ mode: BenchMode) {
        switch mode {
        case .full:
            runs = 5
            durableDuration = .seconds(2)
            bigStoreEvents = 1_000_000
            distinctTagValues = 100_000
            bigStoreAppends = 10_000
            tagReads = 1000
        case .quick:
            runs = 3
            durableDuration = .milliseconds(1500)
            bigStoreEvents = 100_000
            distinctTagValues = 100_000
            bigStoreAppends = 5000
            tagReads = 200
        case .smoke:
            runs = 3
            durableDuration = .milliseconds(40)
            bigStoreEvents = 3000
            distinctTagValues = 300
            bigStoreAppends = 30
            tagReads = 5
            httpEvents = 2000
        }
    }
}
