import Synchronization

/// What the runner needs of a projection it maintains, whatever its definition.
protocol ProjectionDriving: Sendable {
    var name: String { get }
    func status() -> ProjectionStatus
    /// Rebuilds if needed (or if `force`), then follows the log until cancelled or failed.
    func run(force: Bool) async
    /// Gives up the projection's lock once `run` has returned, so that another runner
    /// can take it at once rather than when the last reference to the driver goes.
    func releaseLock()
}

/// Maintains one projection whose lock this process holds: rebuilds it when needed,
/// then applies new events in batches, each committed with one journal write.
final class ProjectionDriver<Definition: ProjectionDefinition>: ProjectionDriving {
    typealias State = Definition.State
    typealias Published = ProjectionStore<Definition>.Published

    let store: FileEventStore
    let projection: ProjectionStore<Definition>
    let options: ProjectionRunner.Options
    let durable: Bool
    let report: @Sendable (ProjectionReport) -> Void
    /// Holding it open holds the projection's `flock`.
    private let lock: OpenFile
    private let phase = Mutex<ProjectionStatus.Phase>(.starting)
    /// What the files held when the lock was taken; consumed by the first run.
    private let opening: Mutex<ProjectionOpening<Definition>?>

    var definition: Definition { projection.definition }
    var folder: ProjectionFolder { projection.folder }
    var name: String { definition.name }

    init(
        store: FileEventStore,
        projection: ProjectionStore<Definition>,
        lock: OpenFile,
        opening: ProjectionOpening<Definition>,
        options: ProjectionRunner.Options,
        report: @escaping @Sendable (ProjectionReport) -> Void
    ) {
        self.store = store
        self.projection = projection
        self.lock = lock
        self.opening = Mutex(opening)
        self.options = options
        self.durable = store.options.durability == .flush
        self.report = report
    }

    func releaseLock() {
        try? lock.unlock()
    }

    func status() -> ProjectionStatus {
        ProjectionStatus(name: name, phase: phase.withLock { $0 }, checkpoint: projection.snapshot.state.checkpoint)
    }

    func setPhase(_ new: ProjectionStatus.Phase) {
        phase.withLock { $0 = new }
    }

    func run(force: Bool) async {
        do {
            let opening = try await takeOpening()
            var live = opening.live
            if force || live == nil || opening.currentVersion != definition.version || opening.resume != nil {
                live = try await rebuild(resuming: force ? nil : opening.resume)
            }
            while let current = live {
                setPhase(.running)
                do {
                    try await follow(current)
                    break
                } catch is WithdrawnEventsApplied {
                    // A decision the projection had applied was withdrawn (rejected by the hub).
                    live = try await rebuild(resuming: nil)
                }
            }
            setPhase(.stopped)
        } catch {
            // Stopping the runner, or closing the store under it, is not a failure.
            if Task.isCancelled || (error as? EventStoreError)?.code == .closed {
                setPhase(.stopped)
                return
            }
            let failure = ProjectionError.wrapping(error, projection: name)
            setPhase(.failed(failure))
            report(.failed(failure))
        }
    }

    /// The state found on disk at registration, or (on a later run) read again.
    private func takeOpening() async throws -> ProjectionOpening<Definition> {
        if let opening = opening.withLock({ $0.take() }) { return opening }
        let (folder, definition, durable) = (folder, definition, durable)
        return try await IOThreadPool.shared.run {
            try ProjectionOpening(folder: folder, definition: definition, durable: durable)
        }
    }

    /// Applies new events as they are committed, until cancelled.
    private func follow(_ start: ProjectionGeneration<State>) async throws {
        var live = start
        let batcher = EventBatcher(capacity: options.batchSize)
        let subscription = store.subscribe(try definition.query, from: projection.snapshot.state.checkpoint.next)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await event in subscription {
                        await batcher.push(event)
                    }
                    batcher.finish(.success(()))
                } catch {
                    batcher.finish(.failure(error))
                }
            }
            group.addTask { [self] in
                // A withdrawal ends the follow through the batcher, which the loop below waits on.
                if try await watchForWithdrawals() { batcher.finish(.failure(WithdrawnEventsApplied())) }
            }
            while let batch = try await batcher.next() {
                let entry = try journalEntry(for: batch)
                let writer = live
                try await IOThreadPool.shared.run { try writer.commit(entry) }
                projection.update { published in
                    published.state.apply(entry.changes, checkpoint: entry.checkpoint, tags: definition.tags(for:))
                    published.journalEnd = writer.journalSize
                }
                if writer.journalSize > options.compactionThreshold {
                    let published = projection.snapshot
                    live = try await install(published.state, replacing: published.generation)
                }
            }
            group.cancelAll()
        }
    }

    /// Returns `true` once a withdrawal hides events that this projection reads: its
    /// state may hold them and must be rebuilt. (Whether they were applied yet is not
    /// asked: a batch read just before the withdrawal may still be on its way, and a
    /// needless rebuild is only slower.) Runs until then, or until cancelled.
    private func watchForWithdrawals() async throws -> Bool {
        let query = try definition.query
        let withdrawals = Query(try QueryItem(types: [Withdrawal.eventType]))
        let from = projection.snapshot.state.checkpoint.next
        for try await withdrawal in store.subscribeIncludingHidden(withdrawals, from: from) {
            for range in Withdrawal.ranges(of: withdrawal.event) {
                let first = store.readIncludingHidden(query, options: ReadOptions(from: range.lowerBound, limit: 1))
                for try await event in first where event.position <= range.upperBound {
                    return true
                }
            }
        }
        return false
    }

    /// The journal line that commits `batch` on top of the published state.
    private func journalEntry(for batch: [SequencedEvent]) throws(ProjectionError) -> JournalEntry<State> {
        let published = projection.snapshot
        return JournalEntry(
            after: published.state.checkpoint,
            checkpoint: batch[batch.count - 1].position,
            changes: try fold(batch) { published.state.values[$0] }
        )
    }

    /// Folds `events` into the changes they make, reading states before the batch
    /// through `lookup`. Each key appears once, with its state after the batch.
    func fold(
        _ events: [SequencedEvent],
        lookup: (String) -> State?
    ) throws(ProjectionError) -> [ProjectionChange<State>] {
        var pending: [String: State?] = [:]
        var order: [String] = []
        for event in events {
            guard let key = definition.key(for: event) else { continue }
            let before: State? = if let changed = pending[key] { changed } else { lookup(key) }
            let after: State?
            do {
                after = try definition.apply(state: before, event: event)
            } catch {
                throw ProjectionError(.applyFailed, projection: name, position: event.position, underlying: error)
            }
            if before == nil && after == nil && pending[key] == nil { continue }
            if pending.updateValue(after, forKey: key) == nil { order.append(key) }
        }
        return order.map { ProjectionChange(key: $0, state: pending[$0]!) }
    }
}

/// Thrown when events a projection reads were withdrawn: the projection rebuilds.
struct WithdrawnEventsApplied: Error {}
