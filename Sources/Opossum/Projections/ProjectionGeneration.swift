import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One generation folder of a projection: `snapshot.jsonl` (a header line, then one
/// line per key, replaced whole by temp-then-rename) and `journal.jsonl` (one line
/// per committed batch, appended and flushed). Every line carries a CRC-32C.
///
/// The state is the snapshot with the journal's batches applied in order. Each batch
/// names the checkpoint it starts `after`, so a journal that does not continue the
/// snapshot is noticed, never misapplied. A generation's journal only grows (a torn
/// tail is cut when the owner opens it); compaction writes a new generation instead,
/// so a reader that has read the journal up to some offset can always go on from there.
final class ProjectionGeneration<State: Codable & Sendable>: Sendable {
    /// The generation's folder.
    let directory: String
    /// Whether writes are flushed to the device before they count.
    let durable: Bool
    private let journal: OpenFile
    /// Where the next journal line goes: the end of the last good line.
    private let journalEnd: Mutex<UInt64>

    var snapshotFile: String { Self.snapshotFile(directory) }
    static func snapshotFile(_ directory: String) -> String { directory + "/snapshot.jsonl" }
    static func journalFile(_ directory: String) -> String { directory + "/journal.jsonl" }

    /// Opens a generation for writing; the caller holds the projection's lock.
    /// A torn journal tail (a batch that was never committed) is cut away.
    init(directory: String, durable: Bool, loaded: ProjectionSnapshotRead<State>) throws(EventStoreError) {
        self.directory = directory
        self.durable = durable
        journal = try OpenFile(path: Self.journalFile(directory), flags: O_RDWR | O_CREAT)
        if try journal.size() > loaded.journalEnd {
            try journal.truncate(to: loaded.journalEnd)
            if durable { try journal.syncData() }
        }
        journalEnd = Mutex(loaded.journalEnd)
    }

    /// Makes a new generation holding `state`, built by `version`: a rebuild starts
    /// from an empty state, a compaction from the current one.
    static func create(
        directory: String,
        state: ProjectionState<State>,
        version: Int,
        durable: Bool
    ) throws(EventStoreError) {
        try SystemCall.makeDirectories(directory)
        try SystemCall.removeFile(journalFile(directory))
        try writeSnapshot(state, version: version, directory: directory, durable: durable)
        if durable { try SystemCall.fsyncDirectory(SystemCall.parentDirectory(of: directory)) }
    }

    /// Appends one committed batch; it counts once this returns.
    func commit(_ entry: JournalEntry<State>) throws(EventStoreError) {
        var bytes: [UInt8] = []
        do {
            try JSONLines.append(entry, with: JSONLines.encoder, to: &bytes)
        } catch {
            throw EventStoreError(.invalidEvent, "a projection state cannot be encoded: \(error)", path: journal.path)
        }
        let end = journalEnd.withLock { $0 }
        // Written at the end of the last good line: a failed write leaves at most a
        // torn line that readers ignore and the next write overwrites.
        try journal.write(bytes, at: end)
        if durable { try journal.syncData() }
        journalEnd.withLock { $0 = end + UInt64(bytes.count) }
    }

    /// The journal's length in bytes.
    var journalSize: UInt64 { journalEnd.withLock { $0 } }

    private static func writeSnapshot(
        _ state: ProjectionState<State>,
        version: Int,
        directory: String,
        durable: Bool
    ) throws(EventStoreError) {
        let path = snapshotFile(directory)
        var bytes: [UInt8] = []
        do {
            let encoder = JSONLines.encoder
            let header = SnapshotHeader(version: version, checkpoint: state.checkpoint, count: state.values.count)
            try JSONLines.append(header, with: encoder, to: &bytes)
            for key in state.values.keys.sorted() {
                try JSONLines.append(SnapshotEntry(key: key, state: state.values[key]!), with: encoder, to: &bytes)
            }
        } catch {
            throw EventStoreError(.invalidEvent, "a projection state cannot be encoded: \(error)", path: path)
        }
        try OpenFile.writeAtomically(bytes, to: path, directory: directory, durable: durable)
    }
}

/// A generation as read from disk: its state, the version that built it, and the
/// end of the journal's last good line.
struct ProjectionSnapshotRead<State: Codable & Sendable>: Sendable {
    var state: ProjectionState<State>
    var version: Int
    var journalEnd: UInt64

    /// A generation whose state is already known, read up to `journalEnd`.
    init(state: ProjectionState<State>, version: Int, journalEnd: UInt64) {
        self.state = state
        self.version = version
        self.journalEnd = journalEnd
    }

    /// Reads the generation in `directory`: the snapshot, then the journal's batches.
    ///
    /// - Throws: ``EventStoreError/Code/corrupted`` when the snapshot is damaged or the
    ///   journal does not continue it.
    init(directory: String, tags: (State) -> [Tag]) throws(EventStoreError) {
        let path = ProjectionGeneration<State>.snapshotFile(directory)
        let (lines, clean) = JSONLines.validLines(in: try OpenFile.readAll(path))
        guard clean, let first = lines.first else {
            throw EventStoreError(.corrupted, "the projection snapshot is damaged", path: path)
        }
        let decoder = JSONLines.decoder
        var state = ProjectionState<State>()
        do {
            let header = try decoder.decode(SnapshotHeader.self, from: Data(first.line))
            guard header.count == lines.count - 1 else {
                throw EventStoreError(.corrupted, "the projection snapshot is incomplete", path: path)
            }
            for (line, _) in lines.dropFirst() {
                let entry = try decoder.decode(SnapshotEntry<State>.self, from: Data(line))
                state.set(entry.key, to: entry.state, tags: tags(entry.state))
            }
            state.checkpoint = header.checkpoint
            version = header.version
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStoreError(.corrupted, "the projection snapshot cannot be decoded: \(error)", path: path)
        }
        self.state = state
        journalEnd = 0
        try readJournal(directory: directory, tags: tags)
    }

    /// Applies the journal's good lines from ``journalEnd`` on.
    mutating func readJournal(directory: String, tags: (State) -> [Tag]) throws(EventStoreError) {
        let path = ProjectionGeneration<State>.journalFile(directory)
        guard SystemCall.exists(path) else { return }
        let file = try OpenFile(path: path, flags: O_RDONLY)
        let size = try file.size()
        guard size >= journalEnd else {
            throw EventStoreError(.corrupted, "the projection journal was cut while being read", path: path)
        }
        let bytes = try file.read(count: Int(size - journalEnd), at: journalEnd)
        let decoder = JSONLines.decoder
        let base = journalEnd
        for (line, end) in JSONLines.validLines(in: bytes).lines {
            let entry: JournalEntry<State>
            do {
                entry = try decoder.decode(JournalEntry<State>.self, from: Data(line))
            } catch {
                throw EventStoreError(.corrupted, "a projection journal line cannot be decoded: \(error)", path: path)
            }
            if entry.checkpoint > state.checkpoint {
                guard entry.after == state.checkpoint else {
                    throw EventStoreError(
                        .corrupted,
                        "the projection journal does not continue its snapshot",
                        path: path
                    )
                }
                state.apply(entry.changes, checkpoint: entry.checkpoint, tags: tags)
            }
            journalEnd = base + UInt64(end)
        }
    }
}
