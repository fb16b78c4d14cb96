import Synchronization

/// Keeps projections of one store up to date, in this process, each independently.
///
/// ```swift
/// let runner = ProjectionRunner(store: store)
/// let enrollments = try await runner.register(CourseEnrollments())
/// let full = try await enrollments.query(tags: Tag("isFull", "true"))
/// ```
///
/// For each registered projection the runner takes an exclusive lock on its folder,
/// without waiting. With the lock it maintains the projection: rebuilds it if its
/// definition's version changed (or an earlier rebuild was interrupted), then
/// follows the log through a subscription and commits each batch of changes with
/// its checkpoint in one journal write. Without the lock — another runner, here or
/// in another process, maintains it — the projection is only read.
///
/// A projection whose `apply` throws stops, reports a ``ProjectionError`` naming the
/// event's position in ``reports``, and keeps its last committed state; the others
/// carry on.
public final class ProjectionRunner: Sendable {
    /// How a runner batches and compacts.
    public struct Options: Sendable, Hashable {
        /// The most events folded into one commit (one journal write).
        public var batchSize: Int
        /// The journal length in bytes past which its state is written out as a new
        /// snapshot and the journal started afresh.
        public var compactionThreshold: UInt64

        /// Creates options: batches of up to 512 events, compaction past 8 MiB of journal.
        public init(batchSize: Int = 512, compactionThreshold: UInt64 = 8 << 20) {
            self.batchSize = max(1, batchSize)
            self.compactionThreshold = compactionThreshold
        }
    }

    private struct Registered: Sendable {
        var name: String
        /// `nil` for a projection this runner only reads.
        var driver: (any ProjectionDriving)?
        var task: Task<Void, Never>?
        var checkpoint: @Sendable () -> Position
    }

    /// Rebuild progress, failures and read-only openings, as they happen. Only the
    /// newest 1,000 reports are kept for a consumer that falls behind.
    public let reports: AsyncStream<ProjectionReport>
    private let continuation: AsyncStream<ProjectionReport>.Continuation
    private let store: FileEventStore
    private let options: Options
    private let registered = Mutex<[Registered]>([])

    /// Creates a runner for the projections of `store`, kept under its `Projections/` folder.
    public init(store: FileEventStore, options: Options = Options()) {
        self.store = store
        self.options = options
        (reports, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1000))
    }

    deinit {
        for entry in registered.withLock({ $0 }) {
            entry.task?.cancel()
        }
        continuation.finish()
    }

    /// Starts maintaining (or, if another runner holds it, reading) a projection.
    ///
    /// Returns once the projection's persisted state is loaded; a rebuild, if one is
    /// needed, goes on in the background while reads return the previous state.
    ///
    /// - Throws: ``ProjectionError`` when the name is already registered here, the
    ///   definition is unusable, or the projection's files cannot be read.
    public func register<Definition: ProjectionDefinition>(
        _ definition: Definition
    ) async throws -> ProjectionStore<Definition> {
        let name = definition.name
        do {
            _ = try definition.query
        } catch {
            throw ProjectionError(.invalidDefinition, projection: name, underlying: error)
        }
        let folder = ProjectionFolder(storeRoot: store.directory, name: name)
        let durable = store.options.durability == .flush
        let opened: (OpenFile, ProjectionOpening<Definition>)?
        do {
            opened = try await IOThreadPool.shared.run {
                guard let lock = try folder.tryLock() else { return nil }
                return (lock, try ProjectionOpening(folder: folder, definition: definition, durable: durable))
            }
        } catch {
            throw ProjectionError.wrapping(error, projection: name, path: folder.path)
        }
        guard let (lock, opening) = opened else {
            let projection = try await ProjectionStore.reading(definition, in: store)
            try add(Registered(name: name, checkpoint: { projection.snapshot.state.checkpoint }))
            continuation.yield(.readOnly(projection: name))
            return projection
        }
        let projection = ProjectionStore(
            definition: definition,
            folder: folder,
            isReadOnly: false,
            published: opening.published
        )
        let continuation = continuation
        let driver = ProjectionDriver(
            store: store,
            projection: projection,
            lock: lock,
            opening: opening,
            options: options
        ) { continuation.yield($0) }
        try add(
            Registered(
                name: name,
                driver: driver,
                task: Task { await driver.run(force: false) },
                checkpoint: { projection.snapshot.state.checkpoint }
            )
        )
        return projection
    }

    private func add(_ entry: Registered) throws(ProjectionError) {
        try registered.withLock { (list) throws(ProjectionError) in
            guard !list.contains(where: { $0.name.hasSameBytes(as: entry.name) }) else {
                entry.task?.cancel()
                throw ProjectionError(.duplicateName, projection: entry.name)
            }
            list.append(entry)
        }
    }

    /// Rebuilds a projection this runner maintains from the first event, in a new
    /// generation; reads return the current state until the rebuilt one is swapped in.
    ///
    /// Returns once the rebuild has started. Does nothing for a projection this
    /// runner only reads or does not know.
    public func rebuild(_ name: String) async {
        guard let entry = registered.withLock({ $0.first { $0.name.hasSameBytes(as: name) } }),
            let driver = entry.driver
        else { return }
        entry.task?.cancel()
        await entry.task?.value
        let task = Task { await driver.run(force: true) }
        registered.withLock { list in
            if let index = list.firstIndex(where: { $0.name.hasSameBytes(as: name) }) {
                list[index].task = task
            }
        }
    }

    /// Where each registered projection stands, in the order they were registered.
    public func status() -> [ProjectionStatus] {
        registered.withLock { $0 }.map { entry in
            entry.driver?.status()
                ?? ProjectionStatus(name: entry.name, phase: .readOnly, checkpoint: entry.checkpoint())
        }
    }

    /// Where the projection called `name` stands, or `nil` if it is not registered.
    public func status(of name: String) -> ProjectionStatus? {
        status().first { $0.name.hasSameBytes(as: name) }
    }

    /// Stops maintaining every projection: waits for each to finish its current
    /// batch, releases their locks and forgets them (register again to resume).
    /// The stores returned keep their last state.
    public func stop() async {
        let entries = registered.withLock { list in
            defer { list.removeAll() }
            return list
        }
        for entry in entries {
            entry.task?.cancel()
        }
        for entry in entries {
            await entry.task?.value
            entry.driver?.releaseLock()
        }
    }
}
