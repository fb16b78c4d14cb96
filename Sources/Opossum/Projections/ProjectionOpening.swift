/// What a projection's files hold when its lock is taken, after the lock holder's
/// clean-up: temporary files of interrupted writes removed, generations older than
/// the current one removed, a torn journal tail cut.
struct ProjectionOpening<Definition: ProjectionDefinition>: Sendable {
    typealias State = Definition.State

    /// The current generation, open for appending; `nil` if there is none or it is unreadable.
    var live: ProjectionGeneration<State>?
    /// The definition version that built the current generation.
    var currentVersion: Int?
    /// What reads return until a rebuild (if one is needed) is swapped in.
    var published = ProjectionStore<Definition>.Published()
    /// An interrupted rebuild or compaction to continue: a generation above the
    /// current one, built by this definition's version, with its state so far.
    var resume: (generation: Int, read: ProjectionSnapshotRead<State>)?

    init(folder: ProjectionFolder, definition: Definition, durable: Bool) throws(EventStoreError) {
        let tags = { (state: State) in definition.tags(for: state) }
        // A damaged `current.json` or current generation is rebuilt, never read as empty.
        let current = try? folder.readCurrent()
        try folder.removeLeftovers(current: current?.generation, durable: durable)
        if let current {
            let directory = folder.generationPath(current.generation)
            if let read = try? ProjectionSnapshotRead(directory: directory, tags: tags) {
                published = .init(state: read.state, generation: current.generation, journalEnd: read.journalEnd)
                live = try ProjectionGeneration(directory: directory, durable: durable, loaded: read)
                currentVersion = read.version
            }
        }
        // The highest readable generation above the current one built by this version
        // is continued; anything else above the current one is half-made and removed.
        for generation in try folder.generations().reversed() where generation > current?.generation ?? 0 {
            let directory = folder.generationPath(generation)
            if resume == nil, let read = try? ProjectionSnapshotRead(directory: directory, tags: tags),
                read.version == definition.version
            {
                resume = (generation, read)
            } else {
                try folder.removeGeneration(generation)
            }
        }
    }
}
