import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What the writer thread and the readers share, guarded by one mutex.
struct EngineState: Sendable {
    /// The index of everything committed.
    var index = EventIndex()
    /// Whether this process's writer is writing a group it has not yet published.
    /// It holds the cross-process lock then, so nobody else can be appending, and
    /// readers must not pick its unflushed lines up from the file.
    var isWriting = false
    /// Set when a failed flush could not be undone: the store must be re-opened.
    var failure: EventStoreError?
    /// Whether ``FileEventStore/close()`` was called.
    var isClosed = false
    /// Events committed since the index checkpoint was last written.
    var eventsSinceCheckpoint: UInt64 = 0
    /// When the `.ledger` hint was last rewritten.
    var ledgerWrittenAt: ContinuousClock.Instant?
    /// Whether a checkpoint is being written in the background.
    var isCheckpointing = false
}

/// The machinery behind a ``FileEventStore``: files, index, and the writer thread.
final class StoreEngine: Sendable {
    let layout: StoreLayout
    let identity: StoreIdentity
    let options: FileEventStore.Options
    let files: SegmentFiles
    let state: Mutex<EngineState>
    /// The file whose `flock` makes one process at a time the writer.
    let lockFile: OpenFile
    /// The `.ledger` hint, rewritten after each commit.
    let ledger: OpenFile
    private let writerBox = Mutex<CommitWriter?>(nil)
    /// The zeros the writer has written ahead; used by the writer thread alone.
    let preallocation = Mutex<SegmentPreallocation?>(nil)
    /// Wakes subscriptions when the head moves.
    let headSignal: HeadSignal
    /// Watches for other processes' commits once a subscription needs them.
    private let watcherBox = Mutex<LogWatcher?>(nil)

    var follower: LogFollower { LogFollower(layout: layout, files: files) }
    var repairPolicy: LogFollower.Policy { .repair(durable: options.durability == .flush) }

    /// Opens the store in `layout.root`: reads its identity, then, holding the
    /// writer's lock, loads the index checkpoint and recovers the log's tail.
    init(layout: StoreLayout, options: FileEventStore.Options) throws(EventStoreError) {
        self.layout = layout
        self.options = options
        self.identity = try StoreEngine.readIdentity(layout)
        self.files = SegmentFiles(layout: layout)
        self.lockFile = try OpenFile(path: layout.lockFile, flags: O_RDWR | O_CREAT)
        self.ledger = try OpenFile(path: layout.ledgerFile, flags: O_RDWR | O_CREAT)
        let (index, recovered, fromCheckpoint) = try StoreEngine.recover(
            layout: layout,
            identity: identity,
            files: files,
            lockFile: lockFile,
            options: options
        )
        self.state = Mutex(EngineState(index: index, eventsSinceCheckpoint: recovered))
        self.headSignal = HeadSignal(head: index.head)
        if !fromCheckpoint
            || IndexCheckpoint.isDue(eventsSince: recovered, head: index.head, interval: options.checkpointInterval)
        {
            // A rebuilt or far-behind index is worth saving now, not at close. It is a
            // cache: failing to save it (a full disk) costs a rebuild later, not the open.
            try? writeCheckpoint()
        }
    }

    /// Starts the writer thread. Separate from `init` because the thread holds the engine.
    func startWriter() {
        let writer = CommitWriter(name: "opossum.writer") { [self] group in self.commit(group) }
        writerBox.withLock { $0 = writer }
    }

    /// The writer thread as a task executor; once the store is closed, the global one.
    var writerExecutor: any TaskExecutor {
        writerBox.withLock { $0 } ?? globalConcurrentExecutor
    }

    /// Queues an append for the writer.
    func submit(_ append: PendingAppend) -> Bool {
        guard let writer = writerBox.withLock({ $0 }) else { return false }
        return writer.submit(append)
    }

    /// Commits what is queued, stops the writer and saves the index checkpoint.
    func close() {
        let writer = writerBox.withLock { box -> CommitWriter? in
            defer { box = nil }
            return box
        }
        writer?.stop()
        if writer != nil && options.durability == .flush { trimPreallocation() }
        let (dirty, head) = state.withLock { state -> (Bool, UInt64) in
            state.isClosed = true
            return (state.eventsSinceCheckpoint > 0, state.index.head)
        }
        watcherBox.withLock { $0 }?.stop()
        headSignal.close(EventStoreError(.closed, "the store is closed", path: layout.root))
        if dirty {
            writeLedger(head)
            try? writeCheckpoint()
        }
        files.removeAll()
    }

    /// Cuts the zeros the writer wrote ahead from the last segment, under the writer's
    /// lock, so that a closed store's segments end with their last line. Nothing is cut
    /// unless every byte past this process's committed end is zero: another process may
    /// have appended since. A failure leaves the zeros, which every reader skips.
    private func trimPreallocation() {
        guard (try? lockFile.lockExclusive()) != nil else { return }
        defer { try? lockFile.unlock() }
        guard let last = state.withLock({ $0.index.segments.last }),
            let file = try? files.file(firstPosition: last.firstPosition)
        else { return }
        try? SegmentPreallocation.trim(file, committedEnd: last.end)
    }

    /// Writes the index checkpoint from the current index.
    func writeCheckpoint() throws(EventStoreError) {
        let index = state.withLock { state -> EventIndex in
            state.eventsSinceCheckpoint = 0
            return state.index
        }
        try IndexCheckpoint.write(index, storeId: identity.storeId, layout: layout)
    }

    /// Brings the index up to date with what other processes committed, unless this
    /// process's writer holds the lock, and hands back what `body` needs of it.
    func withCurrentIndex<T>(_ body: (EventIndex) throws(EventStoreError) -> T) throws(EventStoreError) -> T {
        let (result, head) = try state.withLock { (state) throws(EventStoreError) -> (T, UInt64) in
            if state.isClosed { throw EventStoreError(.closed, "the store is closed", path: layout.root) }
            if !state.isWriting {
                state.eventsSinceCheckpoint += try follower.follow(&state.index, policy: .leave)
            }
            return (try body(state.index), state.index.head)
        }
        headSignal.publish(head)
        return result
    }

    // MARK: Watching

    /// Starts noticing other processes' commits, for subscriptions; idempotent.
    func startWatching() {
        watcherBox.withLock { watcher in
            guard watcher == nil else { return }
            watcher = LogWatcher(directory: layout.eventsDirectory) { [self] in
                do {
                    try withCurrentIndex { _ in }
                    return true
                } catch {
                    // Closed: the watcher stops. A damaged log is reported to the
                    // readers, who meet it themselves on their next read.
                    return (error as? EventStoreError)?.code != .closed
                }
            }
        }
    }

    // MARK: Opening

    /// Loads the index checkpoint and brings it up to the end of the log, cutting
    /// away a torn tail, while holding the writer's lock.
    private static func recover(
        layout: StoreLayout,
        identity: StoreIdentity,
        files: SegmentFiles,
        lockFile: OpenFile,
        options: FileEventStore.Options
    ) throws(EventStoreError) -> (EventIndex, UInt64, Bool) {
        try lockFile.lockExclusive()
        defer { try? lockFile.unlock() }
        let checkpoint = IndexCheckpoint.load(storeId: identity.storeId, layout: layout, files: files)
        var index = checkpoint ?? EventIndex()
        var follower = LogFollower(layout: layout, files: files)
        follower.readsWholeZeroTails = true
        let recovered = try follower.follow(
            &index,
            policy: .repair(durable: options.durability == .flush)
        )
        try checkNoStraySegments(index, layout: layout)
        return (index, recovered, checkpoint != nil)
    }

    /// Reads and checks `store.json`.
    static func readIdentity(_ layout: StoreLayout) throws(EventStoreError) -> StoreIdentity {
        guard SystemCall.exists(layout.identityFile) else {
            throw EventStoreError(.notAStore, "not an Opossum store: it has no store.json", path: layout.root)
        }
        let bytes = try OpenFile.readAll(layout.identityFile)
        struct Version: Decodable { var formatVersion: Int }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let version = try? decoder.decode(Version.self, from: Data(bytes)) else {
            throw EventStoreError(.notAStore, "store.json is not an Opossum store identity", path: layout.identityFile)
        }
        guard version.formatVersion <= StoreIdentity.currentFormatVersion, version.formatVersion >= 1 else {
            throw EventStoreError(
                .unsupportedFormat,
                "the store has format version \(version.formatVersion); this Opossum reads up to "
                    + "\(StoreIdentity.currentFormatVersion) — upgrade Opossum to open it",
                path: layout.identityFile
            )
        }
        do {
            return try decoder.decode(StoreIdentity.self, from: Data(bytes))
        } catch {
            throw EventStoreError(.notAStore, "store.json is incomplete: \(error)", path: layout.identityFile)
        }
    }

    /// Fails if a segment file exists that does not continue the log: a gap that
    /// would otherwise hide events.
    private static func checkNoStraySegments(_ index: EventIndex, layout: StoreLayout) throws(EventStoreError) {
        let names = (try? SystemCall.listDirectory(layout.eventsDirectory)) ?? []
        for name in names {
            guard let first = SegmentEntry.firstPosition(fileName: name) else { continue }
            if !index.segments.contains(where: { $0.firstPosition == first }) {
                throw EventStoreError(
                    .corrupted,
                    "segment \(name) does not continue the log, which ends at position \(index.head)",
                    path: layout.eventsDirectory + "/" + name
                )
            }
        }
    }

    /// Creates a new store's directories and `store.json`.
    ///
    /// When it returns, the store survives a power cut: its files are flushed, and so
    /// are the directories that hold it, up to the first one that existed before.
    static func create(_ layout: StoreLayout, name: String) throws(EventStoreError) -> StoreIdentity {
        let made = try SystemCall.makeDirectories(layout.root)
        if SystemCall.exists(layout.identityFile) {
            throw EventStoreError(.alreadyExists, "an Opossum store already exists here", path: layout.root)
        }
        try removeAbandonedCreation(layout)
        // A store takes a directory of its own: never scatter its files among others.
        if let stranger = try SystemCall.listDirectory(layout.root).first {
            throw EventStoreError(
                .alreadyExists,
                "the directory is not empty (it holds \(stranger.debugDescription)); a store needs a new or empty directory",
                path: layout.root
            )
        }
        try SystemCall.makeDirectory(layout.eventsDirectory)
        try SystemCall.makeDirectory(layout.indicesDirectory)
        let identity = StoreIdentity(storeId: UUID(), name: name, createdAt: Date())
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let bytes: Data
        do {
            bytes = try encoder.encode(identity)
        } catch {
            throw EventStoreError(.io, "cannot encode the store identity: \(error)", path: layout.identityFile)
        }
        try SystemCall.fsyncDirectory(layout.root)
        try OpenFile.writeAtomically(Array(bytes) + [0x0A], to: layout.identityFile, directory: layout.root)
        // Without this, a power cut could take the store's own directory entry, and
        // with it every event acknowledged since.
        for directory in Set((made + [layout.root]).map(SystemCall.parentDirectory(of:))) {
            try SystemCall.fsyncDirectory(directory)
        }
        return identity
    }

    /// Removes what a creation cut short by a crash left behind, so that creating the
    /// store again works. Until `store.json` is in place, creation makes nothing but
    /// the empty `Events/` and `Indices/` directories and temporary copies of
    /// `store.json`; a directory holding anything else is left alone.
    private static func removeAbandonedCreation(_ layout: StoreLayout) throws(EventStoreError) {
        let names = try SystemCall.listDirectory(layout.root)
        guard !names.isEmpty else { return }
        func lastComponent(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }
        let identityName = lastComponent(layout.identityFile)
        let isLeftover: (String) -> Bool = { name in
            switch name {
            case lastComponent(layout.eventsDirectory):
                (try? SystemCall.listDirectory(layout.eventsDirectory).isEmpty) == true
            case lastComponent(layout.indicesDirectory):
                (try? SystemCall.listDirectory(layout.indicesDirectory).isEmpty) == true
            default:
                name.hasPrefix(identityName + ".") && name.hasSuffix(".tmp")
            }
        }
        guard names.allSatisfy(isLeftover) else { return }
        for name in names {
            let path = layout.root + "/" + name
            if name.hasSuffix(".tmp") {
                try SystemCall.removeFile(path)
            } else {
                try SystemCall.removeDirectory(path)
            }
        }
    }
}
