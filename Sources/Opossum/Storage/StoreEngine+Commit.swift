import Foundation

/// Events to write as one batch of a commit group, from its first position on.
struct WriteBatch {
    let first: UInt64
    let events: [Event]
    /// Where each event came from, for events copied from another store.
    let origins: [EventOrigin?]?
    /// The condition the batch was appended under, kept on its first line.
    let condition: AppendCondition?

    /// About how many bytes the batch's lines take (a little more, as a rule), so that
    /// a commit's buffer is allocated once: growing it copies everything written so far.
    var estimatedBytes: Int {
        // A line's own fields (position, framing, id, timestamp, checksum), its keys and
        // quotes take under 240 bytes; an origin under 100 more.
        var total = 0
        for event in events {
            total += 240 + event.type.utf8.count + event.data.count
            for tag in event.tags { total += tag.key.utf8.count + tag.value.utf8.count + 4 }
            total += (event.metadata.correlationId?.utf8.count ?? 0) + (event.metadata.causationId?.utf8.count ?? 0)
        }
        if origins != nil { total += 100 * events.count }
        if let condition {
            total += 96
            for item in condition.failIfEventsMatch.items {
                total += 32
                for type in item.types { total += type.utf8.count + 4 }
                for tag in item.tags { total += tag.key.utf8.count + tag.value.utf8.count + 4 }
            }
        }
        return total
    }
}

/// What a commit needs to know of the log's last segment.
///
/// Only these two numbers, not the segment's ``SegmentEntry``: a copy of its offsets
/// held through the commit would make the index's update copy the offsets' last chunk
/// (and their table of chunks) at every commit.
private struct LastSegment {
    let firstPosition: UInt64
    let end: UInt64

    init?(_ entry: SegmentEntry?) {
        guard let entry else { return nil }
        firstPosition = entry.firstPosition
        end = entry.end
    }
}

extension StoreEngine {
    /// An append the writer accepted into the current group.
    private struct Accepted {
        let request: Int
        let first: UInt64
        let count: UInt64
    }

    /// Commits one group of appends; runs on the writer thread.
    ///
    /// Under the cross-process lock: catch up with other processes, evaluate each
    /// condition in arrival order (each seeing the appends accepted before it), write
    /// every accepted batch in one write, flush once and publish to readers.
    ///
    /// - Returns: The answer to each append, in order, for the writer to give.
    func commit(_ group: [PendingAppend]) -> [Result<Position, any Error>] {
        var results = [Result<Position, any Error>?](repeating: nil, count: group.count)
        do {
            try lockFile.lockExclusive()
            defer { try? lockFile.unlock() }
            if group.count == 1, let decide = group[0].decide {
                results[0] = .success(try commitDecided(decide))
            } else {
                let (accepted, segment) = try evaluate(group, into: &results)
                if !accepted.isEmpty {
                    let batches = accepted.map { item in
                        WriteBatch(
                            first: item.first,
                            events: group[item.request].events,
                            origins: nil,
                            condition: group[item.request].condition
                        )
                    }
                    try write(batches, segment: segment)
                    for item in accepted {
                        results[item.request] = .success(Position(item.first + item.count - 1))
                    }
                }
            }
        } catch {
            state.withLock { $0.isWriting = false }
            for index in results.indices where results[index] == nil {
                results[index] = .failure(error)
            }
        }
        headSignal.publish(state.withLock { $0.index.head })
        saveCheckpointInBackgroundIfDue()
        return results.map { $0 ?? .failure(EventStoreError(.io, "append was not answered")) }
    }

    /// Once enough events have been committed since the last checkpoint, writes a
    /// new one from a snapshot of the index on an I/O thread, so that appends do
    /// not wait while a large index is encoded and written.
    private func saveCheckpointInBackgroundIfDue() {
        let snapshot = state.withLock { state -> EventIndex? in
            guard !state.isCheckpointing,
                IndexCheckpoint.isDue(
                    eventsSince: state.eventsSinceCheckpoint,
                    head: state.index.head,
                    interval: options.checkpointInterval
                )
            else { return nil }
            state.isCheckpointing = true
            state.eventsSinceCheckpoint = 0
            return state.index
        }
        guard let snapshot else { return }
        IOThreadPool.shared.submit { [self] in
            // A failed checkpoint costs only a longer rebuild at the next open.
            try? IndexCheckpoint.write(snapshot, storeId: identity.storeId, layout: layout)
            state.withLock { $0.isCheckpointing = false }
        }
    }

    /// Catches up with the log and decides which appends of the group go in.
    private func evaluate(
        _ group: [PendingAppend],
        into results: inout [Result<Position, any Error>?]
    ) throws(EventStoreError) -> ([Accepted], LastSegment?) {
        try state.withLock { (state) throws(EventStoreError) -> ([Accepted], LastSegment?) in
            if state.isClosed { throw EventStoreError(.closed, "the store is closed", path: layout.root) }
            if let failure = state.failure { throw failure }
            state.eventsSinceCheckpoint += try follower.follow(&state.index, policy: repairPolicy)
            var accepted: [Accepted] = []
            // What later conditions of the group see of it; none look past the last one.
            var acceptedEvents = AcceptedEvents()
            let lastConditional = group.lastIndex { $0.condition != nil } ?? -1
            var next = state.index.head + 1
            for number in group.indices {
                let append = group[number]
                if let condition = append.condition,
                    let conflict = firstConflict(condition, index: state.index, accepted: acceptedEvents)
                {
                    results[number] = .failure(
                        AppendConditionError(condition: condition, conflictingPosition: Position(conflict))
                    )
                    continue
                }
                accepted.append(Accepted(request: number, first: next, count: UInt64(append.events.count)))
                if number < lastConditional { acceptedEvents.add(append.events, from: next) }
                next += UInt64(append.events.count)
            }
            if !accepted.isEmpty { state.isWriting = true }
            return (accepted, LastSegment(state.index.segments.last))
        }
    }

    /// Commits the batches a decided request chooses, alone in its commit group: the
    /// index it decides on is current and nobody else writes until it is committed.
    private func commitDecided(_ decide: StoreView.Decide) throws -> Position {
        let (head, segment, batches) = try decidedBatches(decide)
        guard let last = batches.last else {
            state.withLock { $0.isWriting = false }
            return Position(head)
        }
        try write(batches, segment: segment)
        return Position(last.first + UInt64(last.events.count) - 1)
    }

    /// Runs `decide` on the current index and returns the batches it chooses, with the
    /// head and the last segment they follow.
    ///
    /// The index `decide` sees is a copy, and it is gone once this returns: held
    /// through the commit, it would make the index's update copy every dictionary and
    /// list it touches, the whole table of tags of a large store among them.
    private func decidedBatches(
        _ decide: StoreView.Decide
    ) throws -> (head: UInt64, segment: LastSegment?, batches: [WriteBatch]) {
        let (index, segment) = try state.withLock { (state) throws(EventStoreError) -> (EventIndex, LastSegment?) in
            if state.isClosed { throw EventStoreError(.closed, "the store is closed", path: layout.root) }
            if let failure = state.failure { throw failure }
            state.eventsSinceCheckpoint += try follower.follow(&state.index, policy: repairPolicy)
            // Readers stop following the file until the group is published.
            state.isWriting = true
            return (state.index, LastSegment(state.index.segments.last))
        }
        var batches: [WriteBatch] = []
        var next = index.head + 1
        let validator = EventValidator(limits: options.limits, allowsReserved: true)
        for batch in try decide(StoreView(engine: self, index: index)) {
            guard batch.origins.count == batch.events.count else {
                throw EventStoreError(.invalidEvent, "a batch needs one origin (or nil) per event")
            }
            let events = try validator.prepare(batch.events, checkingData: !batch.dataIsCheckedJSON)
            batches.append(WriteBatch(first: next, events: events, origins: batch.origins, condition: batch.condition))
            next += UInt64(events.count)
        }
        return (index.head, segment, batches)
    }

    /// The lowest position after the condition's `after` that matches its query,
    /// among committed events and those accepted earlier in this group.
    ///
    /// (A `$hide` accepted earlier in the group takes effect only once written: until
    /// then the events it withdraws still count, which can only refuse an append, never
    /// let one through wrongly.)
    private func firstConflict(_ condition: AppendCondition, index: EventIndex, accepted: AcceptedEvents) -> UInt64? {
        if let position = index.firstMatch(of: condition.failIfEventsMatch, after: condition.after?.rawValue) {
            return position
        }
        return accepted.firstMatch(of: condition.failIfEventsMatch, after: condition.after?.rawValue ?? 0)
    }

    /// Encodes, writes and flushes the batches as one commit group, then publishes them.
    private func write(_ batches: [WriteBatch], segment current: LastSegment?) throws(EventStoreError) {
        let commitFirst = batches[0].first
        let commitCount = batches.reduce(0) { $0 + UInt64($1.events.count) }
        var writer = JSONWriter(capacity: batches.reduce(0) { $0 + $1.estimatedBytes })
        var lineOffsets: [Int] = []
        lineOffsets.reserveCapacity(Int(commitCount))
        for batch in batches {
            for offset in batch.events.indices {
                lineOffsets.append(writer.bytes.count)
                let framing = LineFraming(
                    commitFirst: commitFirst,
                    commitCount: commitCount,
                    batchFirst: batch.first,
                    batchCount: UInt64(batch.events.count)
                )
                SegmentLine.encode(
                    batch.events[offset],
                    position: batch.first + UInt64(offset),
                    framing: framing,
                    origin: batch.origins?[offset],
                    // Kept with the batch for sync, which re-validates the decision at the hub.
                    condition: offset == 0 ? batch.condition : nil,
                    to: &writer
                )
            }
        }
        // A new segment starts when the current one is full; a group never spans two.
        // An empty current segment is started again: it may be one whose creation
        // failed to flush its directory, or a crashed writer's, whose directory entry
        // is not known to be durable; starting it makes it so before it holds a commit.
        let durable = options.durability == .flush
        let startsSegment =
            current == nil || current!.end == 0
            || current!.end + UInt64(writer.bytes.count) > UInt64(options.segmentSize)
        let file: OpenFile
        let start: UInt64
        if startsSegment {
            if let current, current.end > 0, current.firstPosition != commitFirst {
                // The full segment keeps its lines only; zeros left there are skipped anyway.
                try? SegmentPreallocation.trim(
                    try files.file(firstPosition: current.firstPosition),
                    committedEnd: current.end
                )
            }
            file = try files.create(firstPosition: commitFirst, durable: durable)
            start = 0
        } else {
            file = try files.file(firstPosition: current!.firstPosition)
            start = current!.end
        }
        do {
            try file.write(writer.bytes, at: start)
            if durable {
                // Zeros ahead for the next commits to overwrite, flushed with this one.
                let segment = startsSegment ? commitFirst : current!.firstPosition
                let known = preallocation.withLock { $0 }
                let ahead = try SegmentPreallocation.ensure(
                    known,
                    in: file,
                    segment: segment,
                    after: start + UInt64(writer.bytes.count),
                    commitBytes: writer.bytes.count
                )
                preallocation.withLock { $0 = ahead }
                try file.syncData()
            }
        } catch {
            preallocation.withLock { $0 = nil }
            undo(file, at: start, after: error)
            throw error
        }
        let now = ContinuousClock.now
        let ledgerIsStale = state.withLock { state -> Bool in
            if state.index.segments.last?.firstPosition != commitFirst && startsSegment {
                state.index.startSegment()
            }
            for batch in batches {
                for offset in batch.events.indices {
                    let lineOffset = start + UInt64(lineOffsets[Int(batch.first - commitFirst) + offset])
                    state.index.add(
                        type: batch.events[offset].type,
                        tags: batch.events[offset].tags,
                        origin: batch.origins?[offset],
                        offset: lineOffset
                    )
                }
            }
            state.index.segments[state.index.segments.count - 1].end = start + UInt64(writer.bytes.count)
            state.eventsSinceCheckpoint += commitCount
            state.isWriting = false
            // The hint is for people and scripts: a few times a second is enough.
            guard state.ledgerWrittenAt.map({ now - $0 >= .milliseconds(100) }) ?? true else { return false }
            state.ledgerWrittenAt = now
            return true
        }
        if ledgerIsStale { writeLedger(commitFirst + commitCount - 1) }
    }

    /// Removes a group whose write or flush failed. After a failed flush the kernel
    /// may have dropped the dirty pages, so the group is cut away rather than trusted;
    /// if even that fails, the store refuses appends until it is re-opened.
    private func undo(_ file: OpenFile, at offset: UInt64, after error: EventStoreError) {
        do {
            try file.truncate(to: offset)
            if options.durability == .flush { try file.sync() }
        } catch {
            state.withLock {
                $0.failure = EventStoreError(
                    .closed,
                    "a failed write could not be undone (\(error.message)); re-open the store",
                    path: file.path,
                    offset: offset
                )
            }
        }
    }

    /// Rewrites the `.ledger` hint; it is never flushed and never trusted.
    func writeLedger(_ head: UInt64) {
        // Padded to a fixed width so a shorter number never leaves digits behind.
        var text = Array(String(head).utf8)
        text.append(contentsOf: repeatElement(0x20, count: max(0, 20 - text.count)))
        text.append(0x0A)
        try? ledger.write(text, at: 0)
    }
}
