extension ProjectionDriver {
    /// How long a rebuild folds between the snapshots it saves for resuming.
    static var rebuildSnapshotInterval: Duration { .seconds(10) }

    /// Replays the log into a new generation and swaps it in.
    ///
    /// The rebuild folds in memory — a state it can always recompute from the log
    /// needs no journal — and saves it as a snapshot in a generation of its own every
    /// ``rebuildSnapshotInterval`` and at the end, so after a crash it continues
    /// from its last snapshot (`resume`). Reads keep returning the current
    /// generation's state until the swap, one atomic rename.
    ///
    /// - Returns: The rebuilt generation, now current, open for appending.
    func rebuild(
        resuming resume: (generation: Int, read: ProjectionSnapshotRead<State>)?
    ) async throws -> ProjectionGeneration<State> {
        var (generation, state, writer) = try await startRebuild(resume)
        let head = try await store.status().head
        progress(state.checkpoint, head: head)
        var saved = state.checkpoint
        var savedAt = ContinuousClock.now
        let definition = definition
        func fold(_ events: [SequencedEvent]) throws {
            try state.fold(events, key: definition.key(for:)) { before, event in
                do {
                    return try definition.apply(state: before, event: event)
                } catch {
                    throw ProjectionError(
                        .applyFailed,
                        projection: definition.name,
                        position: event.position,
                        underlying: error
                    )
                }
            }
        }
        // Folded a run at a time (see `ProjectionState.fold`); a run ends at each
        // progress report, so reports, cancellation and snapshots see whole runs.
        var run: [SequencedEvent] = []
        run.reserveCapacity(Self.rebuildFoldRun)
        var sinceProgress = 0
        for try await event in store.read(try definition.query, options: ReadOptions(from: state.checkpoint.next)) {
            run.append(event)
            guard run.count == Self.rebuildFoldRun else { continue }
            try fold(run)
            run.removeAll(keepingCapacity: true)
            sinceProgress += Self.rebuildFoldRun
            guard sinceProgress >= Self.rebuildProgressInterval else { continue }
            sinceProgress = 0
            try Task.checkCancellation()
            progress(state.checkpoint, head: head)
            if ContinuousClock.now - savedAt >= Self.rebuildSnapshotInterval {
                (generation, writer) = try await compactRebuild(state, generation: generation)
                (saved, savedAt) = (state.checkpoint, ContinuousClock.now)
            }
        }
        try fold(run)
        if state.checkpoint > saved {
            (generation, writer) = try await compactRebuild(state, generation: generation)
        }
        progress(max(state.checkpoint, head), head: head)
        state.reindexTags(definition.tags(for:))
        try await swap(to: generation, state: state, writer: writer)
        report(.rebuildFinished(projection: name, checkpoint: state.checkpoint))
        return writer
    }

    /// How many events a rebuild folds between progress reports and checks for cancellation.
    private static var rebuildProgressInterval: Int { 2048 }

    /// How many events a rebuild folds per call; divides ``rebuildProgressInterval``.
    private static var rebuildFoldRun: Int { 256 }

    /// Makes a new generation holding `state` and swaps it in: a compaction of the live journal.
    ///
    /// - Returns: The new generation, open for appending.
    func install(_ state: ProjectionState<State>, replacing old: Int?) async throws -> ProjectionGeneration<State> {
        let (folder, definition, durable) = (folder, definition, durable)
        let (generation, writer) = try await IOThreadPool.shared.run {
            let generation = (try folder.generations().last ?? old ?? 0) + 1
            let writer = try Self.createGeneration(generation, state: state, folder: folder, definition, durable)
            return (generation, writer)
        }
        try await swap(to: generation, state: state, writer: writer)
        return writer
    }

    private func progress(_ done: Position, head: Position) {
        setPhase(.rebuilding(done: done, head: head))
        report(.rebuildProgress(projection: name, done: done, head: head))
    }

    /// The generation to rebuild into: the interrupted one, or a new empty one.
    private func startRebuild(
        _ resume: (generation: Int, read: ProjectionSnapshotRead<State>)?
    ) async throws -> (Int, ProjectionState<State>, ProjectionGeneration<State>) {
        let (folder, definition, durable) = (folder, definition, durable)
        return try await IOThreadPool.shared.run {
            if let resume {
                let directory = folder.generationPath(resume.generation)
                let writer = try ProjectionGeneration<State>(
                    directory: directory,
                    durable: durable,
                    loaded: resume.read
                )
                return (resume.generation, resume.read.state, writer)
            }
            // A forced rebuild starts over: drop any earlier unfinished one.
            let current = try folder.readCurrent()?.generation
            for generation in try folder.generations() where generation > current ?? 0 {
                try folder.removeGeneration(generation)
            }
            let generation = (try folder.generations().last ?? current ?? 0) + 1
            let empty = ProjectionState<State>()
            let writer = try Self.createGeneration(generation, state: empty, folder: folder, definition, durable)
            return (generation, empty, writer)
        }
    }

    /// Moves a rebuild whose journal grew long into a new generation holding a snapshot.
    private func compactRebuild(
        _ state: ProjectionState<State>,
        generation: Int
    ) async throws -> (Int, ProjectionGeneration<State>) {
        let (folder, definition, durable) = (folder, definition, durable)
        return try await IOThreadPool.shared.run {
            let writer = try Self.createGeneration(generation + 1, state: state, folder: folder, definition, durable)
            try folder.removeGeneration(generation)
            return (generation + 1, writer)
        }
    }

    /// Points `current.json` at `generation`, publishes its state, removes older generations.
    private func swap(
        to generation: Int,
        state: ProjectionState<State>,
        writer: ProjectionGeneration<State>
    ) async throws {
        let (folder, definition, durable) = (folder, definition, durable)
        try await IOThreadPool.shared.run {
            try folder.writeCurrent(
                CurrentGeneration(generation: generation, name: definition.name, version: definition.version),
                durable: durable
            )
        }
        projection.publish(.init(state: state, generation: generation, journalEnd: writer.journalSize))
        try await IOThreadPool.shared.run {
            try folder.removeLeftovers(current: generation, durable: durable)
        }
    }

    private static func createGeneration(
        _ generation: Int,
        state: ProjectionState<State>,
        folder: ProjectionFolder,
        _ definition: Definition,
        _ durable: Bool
    ) throws(EventStoreError) -> ProjectionGeneration<State> {
        let directory = folder.generationPath(generation)
        try ProjectionGeneration<State>.create(
            directory: directory,
            state: state,
            version: definition.version,
            durable: durable
        )
        let read = ProjectionSnapshotRead(state: state, version: definition.version, journalEnd: 0)
        return try ProjectionGeneration(directory: directory, durable: durable, loaded: read)
    }
}
