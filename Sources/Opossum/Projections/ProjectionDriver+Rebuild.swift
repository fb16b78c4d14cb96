extension ProjectionDriver {
    /// Replays the log into a new generation and swaps it in.
    ///
    /// The rebuild commits its batches to its own generation folder, so after a
    /// crash it continues from its own checkpoint (`resume`). Reads keep returning
    /// the current generation's state until the swap, one atomic rename.
    ///
    /// - Returns: The rebuilt generation, now current, open for appending.
    func rebuild(
        resuming resume: (generation: Int, read: ProjectionSnapshotRead<State>)?
    ) async throws -> ProjectionGeneration<State> {
        var (generation, state, writer) = try await startRebuild(resume)
        let head = try await store.status().head
        progress(state.checkpoint, head: head)
        var batch: [SequencedEvent] = []
        batch.reserveCapacity(options.batchSize)
        for try await event in store.read(try definition.query, options: ReadOptions(from: state.checkpoint.next)) {
            try Task.checkCancellation()
            batch.append(event)
            guard batch.count >= options.batchSize else { continue }
            try await commit(batch, to: writer, state: &state)
            batch.removeAll(keepingCapacity: true)
            progress(state.checkpoint, head: head)
            if writer.journalSize > options.compactionThreshold {
                (generation, writer) = try await compactRebuild(state, generation: generation)
            }
        }
        if !batch.isEmpty { try await commit(batch, to: writer, state: &state) }
        progress(max(state.checkpoint, head), head: head)
        try await swap(to: generation, state: state, writer: writer)
        report(.rebuildFinished(projection: name, checkpoint: state.checkpoint))
        return writer
    }

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

    /// Folds `batch` into `state` and commits it to the rebuild's journal.
    private func commit(
        _ batch: [SequencedEvent],
        to writer: ProjectionGeneration<State>,
        state: inout ProjectionState<State>
    ) async throws {
        let current = state
        let entry = JournalEntry(
            after: state.checkpoint,
            checkpoint: batch[batch.count - 1].position,
            changes: try fold(batch) { current.values[$0] }
        )
        try await IOThreadPool.shared.run { try writer.commit(entry) }
        state.apply(entry.changes, checkpoint: entry.checkpoint, tags: definition.tags(for:))
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
