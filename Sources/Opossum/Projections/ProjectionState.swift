/// The states of one projection generation in memory: one per key, with an index of
/// the keys carrying each projection tag, and the checkpoint they are complete up to.
struct ProjectionState<State: Codable & Sendable>: Sendable {
    /// The position of the last event folded into ``values``.
    var checkpoint: Position = .zero
    /// The state of each key.
    private(set) var values: [String: State] = [:]
    /// The tags of each key's state, as the definition gave them.
    private var tagsByKey: [String: [Tag]] = [:]
    /// The keys whose state carries each tag.
    private var keysByTag: [Tag: Set<String>] = [:]

    /// Sets (or, with `nil`, deletes) the state of `key`, re-indexing its tags.
    mutating func set(_ key: String, to state: State?, tags: [Tag]) {
        if let old = tagsByKey.removeValue(forKey: key) {
            for tag in old {
                keysByTag[tag]?.remove(key)
                if keysByTag[tag]?.isEmpty == true { keysByTag[tag] = nil }
            }
        }
        values[key] = state
        guard state != nil, !tags.isEmpty else { return }
        tagsByKey[key] = tags
        for tag in tags {
            keysByTag[tag, default: []].insert(key)
        }
    }

    /// Folds `events`, in order, straight into the states of their keys, leaving the
    /// tag index to ``reindexTags(_:)``: a rebuild indexes tags once, at the end,
    /// rather than at every change.
    ///
    /// A rebuild folds a run of events per call: one call per event would look up the
    /// runtime's metadata of these generic types again for every event.
    mutating func fold(
        _ events: [SequencedEvent],
        key: (SequencedEvent) -> String?,
        apply: (State?, SequencedEvent) throws -> State?
    ) rethrows {
        for event in events {
            checkpoint = event.position
            guard let key = key(event) else { continue }
            // One hash of the key for a state that exists, the usual case.
            if let index = values.index(forKey: key) {
                if let state = try apply(values.values[index], event) {
                    values.values[index] = state
                } else {
                    values.remove(at: index)
                }
            } else if let state = try apply(nil, event) {
                values[key] = state
            }
        }
    }

    /// Rebuilds the tag index from the states.
    mutating func reindexTags(_ tags: (State) -> [Tag]) {
        tagsByKey.removeAll()
        keysByTag.removeAll()
        for (key, state) in values {
            let stateTags = tags(state)
            guard !stateTags.isEmpty else { continue }
            tagsByKey[key] = stateTags
            for tag in stateTags { keysByTag[tag, default: []].insert(key) }
        }
    }

    /// Applies one committed batch of changes.
    mutating func apply(_ changes: [ProjectionChange<State>], checkpoint: Position, tags: (State) -> [Tag]) {
        for change in changes {
            set(change.key, to: change.state, tags: change.state.map(tags) ?? [])
        }
        self.checkpoint = checkpoint
    }

    /// The states whose tags include every one of `tags`; all states for none.
    func matching(_ tags: [Tag]) -> [String: State] {
        guard let first = tags.first else { return values }
        var keys = keysByTag[first] ?? []
        for tag in tags.dropFirst() where !keys.isEmpty {
            keys.formIntersection(keysByTag[tag] ?? [])
        }
        var result: [String: State] = [:]
        result.reserveCapacity(keys.count)
        for key in keys {
            result[key] = values[key]
        }
        return result
    }
}

/// A key's new state (`nil`: the key was deleted), as one line member of the journal.
struct ProjectionChange<State: Codable & Sendable>: Codable, Sendable {
    var key: String
    var state: State?
}

/// One journal line: a committed batch of changes that takes the projection from
/// checkpoint `after` to `checkpoint`. The changes and the checkpoint are one write,
/// so the checkpoint can never be ahead of the state.
struct JournalEntry<State: Codable & Sendable>: Codable, Sendable {
    var after: Position
    var checkpoint: Position
    var changes: [ProjectionChange<State>]
}

/// The first line of a snapshot: which definition version built it, how far it is
/// complete, and how many state lines follow.
struct SnapshotHeader: Codable, Sendable {
    var version: Int
    var checkpoint: Position
    var count: Int
}

/// One state line of a snapshot.
struct SnapshotEntry<State: Codable & Sendable>: Codable, Sendable {
    var key: String
    var state: State
}
