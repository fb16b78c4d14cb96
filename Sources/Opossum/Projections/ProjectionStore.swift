import Synchronization

/// The states of one projection, for reading: by key, all at once, or by projection tags.
///
/// A store comes from ``ProjectionRunner/register(_:)``. In the runner that holds the
/// projection's lock, reads are answered from memory and see each batch as soon as
/// it is committed. Anywhere else the store is read-only: each read first takes in
/// what the lock holder has committed since (reading the tail of its journal, or its
/// new generation after a rebuild or compaction), so it is as fresh as the files.
///
/// Reads never see part of a batch, and during a rebuild they return the last
/// complete state until the rebuilt one is swapped in.
public final class ProjectionStore<Definition: ProjectionDefinition>: Sendable {
    /// A projection's states at one checkpoint, from one generation.
    struct Published: Sendable {
        var state = ProjectionState<Definition.State>()
        /// The generation the state comes from; `nil` before the projection was first built.
        var generation: Int?
        /// How much of that generation's journal the state holds.
        var journalEnd: UInt64 = 0
    }

    /// The definition the states are built by.
    public let definition: Definition
    /// Whether another runner maintains the projection and this store only reads it.
    public let isReadOnly: Bool
    let folder: ProjectionFolder
    private let published: Mutex<Published>

    init(definition: Definition, folder: ProjectionFolder, isReadOnly: Bool, published: Published) {
        self.definition = definition
        self.folder = folder
        self.isReadOnly = isReadOnly
        self.published = Mutex(published)
    }

    /// Opens a projection read-only, as kept by whichever runner maintains it.
    ///
    /// - Throws: ``ProjectionError`` when its files are damaged or unreadable.
    public static func reading(_ definition: Definition, in store: FileEventStore) async throws -> ProjectionStore {
        let folder = ProjectionFolder(storeRoot: store.directory, name: definition.name)
        let projection = ProjectionStore(
            definition: definition,
            folder: folder,
            isReadOnly: true,
            published: Published()
        )
        try await projection.refresh()
        return projection
    }

    /// The projection's name.
    public var name: String { definition.name }

    /// The position of the last event applied to the states that reads return.
    public var checkpoint: Position {
        get async throws { try await current().state.checkpoint }
    }

    /// The state of `key`, or `nil` if it has none.
    public func get(_ key: String) async throws -> Definition.State? {
        try await current().state.values[key]
    }

    /// Every key's state.
    public func all() async throws -> [String: Definition.State] {
        try await current().state.values
    }

    /// The states whose projection tags include every one of `tags` (all states for none).
    public func query(tags: [Tag]) async throws -> [String: Definition.State] {
        try await current().state.matching(tags)
    }

    /// The states whose projection tags include every one of the given tags.
    public func query(tags first: Tag, _ more: Tag...) async throws -> [String: Definition.State] {
        try await query(tags: [first] + more)
    }

    // MARK: Internals

    /// What reads return now: in the lock holder, the published state; elsewhere,
    /// the state after taking in what the lock holder has committed since.
    private func current() async throws -> Published {
        if isReadOnly { try await refresh() }
        return published.withLock { $0 }
    }

    /// The published state, for the runner.
    var snapshot: Published { published.withLock { $0 } }

    /// Changes what reads return in place (the runner, after each commit).
    func update(_ body: (inout Published) -> Void) {
        published.withLock { body(&$0) }
    }

    /// Makes `new` what reads return (the runner, after a swap).
    func publish(_ new: Published) {
        published.withLock { $0 = new }
    }

    /// Brings a read-only store up to what is on disk.
    func refresh() async throws {
        let folder = folder
        let definition = definition
        let known = published.withLock { $0 }
        let fresh = try await IOThreadPool.shared.run {
            try Self.read(folder: folder, definition: definition, known: known)
        }
        guard let fresh else { return }
        published.withLock { current in
            // A concurrent refresh may have got further; never step back.
            let newer =
                (fresh.generation ?? 0, fresh.state.checkpoint, fresh.journalEnd)
                > (current.generation ?? 0, current.state.checkpoint, current.journalEnd)
            if newer { current = fresh }
        }
    }

    /// Reads what changed on disk since `known`, or `nil` if nothing did.
    static func read(folder: ProjectionFolder, definition: Definition, known: Published) throws -> Published? {
        let tags = { (state: Definition.State) in definition.tags(for: state) }
        var attempt = 0
        while true {
            attempt += 1
            do {
                guard let current = try folder.readCurrent() else { return nil }
                let directory = folder.generationPath(current.generation)
                if current.generation == known.generation {
                    var read = ProjectionSnapshotRead(
                        state: known.state,
                        version: current.version,
                        journalEnd: known.journalEnd
                    )
                    try read.readJournal(directory: directory, tags: tags)
                    guard read.journalEnd != known.journalEnd else { return nil }
                    return Published(state: read.state, generation: current.generation, journalEnd: read.journalEnd)
                }
                let read = try ProjectionSnapshotRead(directory: directory, tags: tags)
                return Published(state: read.state, generation: current.generation, journalEnd: read.journalEnd)
            } catch {
                // The lock holder may have swapped in a new generation and removed this
                // one while it was being read: read again from `current.json`.
                if attempt >= 5 { throw ProjectionError.wrapping(error, projection: definition.name) }
            }
        }
    }
}
