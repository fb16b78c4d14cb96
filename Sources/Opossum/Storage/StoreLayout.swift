/// The paths of a store's files, in one place (see `docs/format.md`).
struct StoreLayout: Sendable {
    /// The store's directory.
    let root: String

    init(root: String) {
        var root = root
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    /// `store.json`: the store's identity and format version.
    var identityFile: String { root + "/store.json" }
    /// `.ledger`: the last committed position as text, a hint for people and tools.
    var ledgerFile: String { root + "/.ledger" }
    /// `.lock`: the file the writing process holds an exclusive `flock` on.
    var lockFile: String { root + "/.lock" }
    /// `Events/`: the segment files.
    var eventsDirectory: String { root + "/Events" }
    /// `Indices/`: derived data, always rebuildable.
    var indicesDirectory: String { root + "/Indices" }
    /// `Indices/index.checkpoint`: the persisted index.
    var checkpointFile: String { indicesDirectory + "/index.checkpoint" }
    /// `Recovered/`: bytes cut from a torn tail during recovery, kept for inspection.
    var recoveredDirectory: String { root + "/Recovered" }

    /// The path of the segment starting at `firstPosition`.
    func segmentPath(firstPosition: UInt64) -> String {
        eventsDirectory + "/" + SegmentEntry.fileName(firstPosition: firstPosition)
    }
}
