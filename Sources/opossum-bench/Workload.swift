import ArgumentParser

/// The workloads, by the names `--only` takes.
enum Workload: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// Durable single-event appends by one writer, and the disk's own flush limit.
    case single
    /// Durable conditional appends by many writers on disjoint tags.
    case concurrent
    /// Durable batches.
    case batch
    /// Conditional appends on the big store, without flushes.
    case bigAppend = "big-append"
    /// Reading every event of one tag of the big store.
    case tagRead = "tag-read"
    /// Reading every event of the big store.
    case fullRead = "full-read"
    /// Opening the big store.
    case open
    /// The peak memory of reading every event of the big store.
    case peakMemory = "peak-memory"
    /// Building a projection from every event of the big store.
    case projection
    /// Carrying a laptop's log to the hub in bundles, conditions re-validated.
    case bundle
    /// A laptop's decisions pushed to a hub over HTTP on loopback, and pulled by another.
    case http

    /// Whether the workload needs the big stores.
    var needsBigStores: Bool {
        switch self {
        case .single, .concurrent, .batch, .bundle, .http: return false
        case .bigAppend, .tagRead, .fullRead, .open, .peakMemory, .projection: return true
        }
    }
}
