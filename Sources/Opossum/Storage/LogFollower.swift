/// What lies in a segment after its last complete commit group.
enum SegmentTail: Sendable {
    /// Nothing: the segment ends with a complete group.
    case clean
    /// A commit group not (yet) complete, or an unterminated line: an append still
    /// in progress in another process, or a write torn by a crash.
    case unfinished(committedEnd: UInt64)
    /// A line that fails its checksum or is malformed, at `offset`.
    case damaged(committedEnd: UInt64, offset: UInt64, reason: String)

    var isClean: Bool {
        if case .clean = self { return true }
        return false
    }
}

/// Brings an ``EventIndex`` up to date with the log on disk: at open, before each
/// commit group (another process may have appended), and before reads.
///
/// It adds only complete commit groups, so nobody ever sees part of a batch. What
/// follows the last complete group is either unfinished (left alone, or cut away
/// when the caller holds the writer's lock) or damage — and damage with a complete
/// later group behind it is committed data gone bad, which is reported, never skipped.
struct LogFollower {
    /// What to do with an unfinished or torn tail.
    enum Policy {
        /// Leave it: without the writer's lock, it may be an append in progress.
        case leave
        /// Cut it away, keeping a copy in `Recovered/`: the caller holds the lock, so
        /// nobody is writing it, and it was never acknowledged.
        case repair(durable: Bool)
    }

    let layout: StoreLayout
    let files: SegmentFiles
    /// Whether zeros past the last complete group count as free space only when every
    /// byte up to the end of the file is zero (at open, and for `check`), rather than
    /// when the first one is (see ``SegmentPreallocation/isUnwritten(_:from:to:)``).
    var readsWholeZeroTails = false

    /// Adds every complete commit group past `index.head`.
    ///
    /// Callers in a process whose own writer is mid-commit must not call this: the
    /// writer's unflushed group would look committed (``EngineState/isWriting``).
    ///
    /// - Returns: How many events were added.
    @discardableResult
    func follow(
        _ index: inout EventIndex,
        policy: Policy
    ) throws(EventStoreError) -> UInt64 {
        let startHead = index.head
        if index.segments.isEmpty {
            guard files.exists(firstPosition: 1) else { return 0 }
            index.startSegment()
        }
        while true {
            let last = index.segments.count - 1
            let entry = index.segments[last]
            let file = try files.file(firstPosition: entry.firstPosition)
            if try hasLines(file, after: entry.end) {
                let tail = try scan(&index, segment: last, file: file, to: try file.size())
                if !tail.isClean {
                    try handle(tail, of: &index, file: file, policy: policy)
                    return index.head - startHead
                }
            }
            // A later segment starts where this one ends.
            let next = index.head + 1
            guard next != entry.firstPosition, files.exists(firstPosition: next) else { break }
            index.startSegment()
        }
        return index.head - startHead
    }

    /// Whether anything but free space follows `committedEnd` in `file`.
    ///
    /// Before commits and reads, the byte at the committed end decides (a line starts
    /// with `{`; zero or the end of the file means nothing more), rather than the
    /// file's size: on Linux, a `stat` makes the next write to the file take a
    /// fine-grained timestamp, an inode change that the next `fdatasync` commits to
    /// the journal, which costs about as much again as the flush itself.
    private func hasLines(_ file: OpenFile, after committedEnd: UInt64) throws(EventStoreError) -> Bool {
        let end = readsWholeZeroTails ? try file.size() : nil
        return try !SegmentPreallocation.isUnwritten(file, from: committedEnd, to: end)
    }

    /// Reads `index`'s last segment from its committed end up to `end`, adding each
    /// complete commit group, and says what follows the last one.
    func scan(
        _ index: inout EventIndex,
        segment: Int,
        file: OpenFile,
        to end: UInt64
    ) throws(EventStoreError) -> SegmentTail {
        var pending: [(offset: UInt64, line: DecodedLine)] = []
        var damage: (offset: UInt64, reason: String)?
        var committedEnd = index.segments[segment].end
        var cache = LineDecodingCache()
        let stopped: UInt64
        do {
            stopped = try SegmentScanner(file: file).forEachLine(from: committedEnd, to: end) { bytes, offset in
                let line: DecodedLine
                switch Self.verify(
                    bytes,
                    expecting: index.head + UInt64(pending.count) + 1,
                    in: pending.first?.line.framing,
                    cache: &cache
                ) {
                case .success(let verified): line = verified
                case .failure(let problem):
                    damage = (offset, problem.reason)
                    return false
                }
                pending.append((offset, line))
                if line.position == line.framing.commitLast {
                    for (lineOffset, line) in pending {
                        guard lineOffset <= UInt64(UInt32.max) else {
                            throw EventStoreError(
                                .corrupted,
                                "segment is larger than 4 GiB",
                                path: file.path,
                                offset: lineOffset
                            )
                        }
                        index.add(
                            type: line.event.type,
                            tags: line.event.tags,
                            origin: line.origin,
                            offset: lineOffset
                        )
                    }
                    committedEnd = offset + UInt64(bytes.count) + 1
                    index.segments[segment].end = committedEnd
                    pending.removeAll(keepingCapacity: true)
                }
                return true
            }
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStoreError(.corrupted, "unreadable segment line: \(error)", path: file.path)
        }
        if let damage {
            return .damaged(committedEnd: committedEnd, offset: damage.offset, reason: damage.reason)
        }
        guard pending.isEmpty else { return .unfinished(committedEnd: committedEnd) }
        if stopped == end { return .clean }
        let isFreeSpace = try SegmentPreallocation.isUnwritten(file, from: stopped, to: readsWholeZeroTails ? end : nil)
        return isFreeSpace ? .clean : .unfinished(committedEnd: committedEnd)
    }

    /// Why a line cannot be the next one of the log.
    struct LineProblem: Error {
        let reason: String
    }

    /// The decoded line, if it can be the next one of the log: checksum intact,
    /// well formed, at the expected position, framed like the lines before it.
    static func verify(
        _ bytes: UnsafeRawBufferPointer,
        expecting position: UInt64,
        in group: LineFraming?,
        cache: inout LineDecodingCache
    ) -> Result<DecodedLine, LineProblem> {
        guard SegmentLine.checksumIsValid(bytes) else { return .failure(LineProblem(reason: "checksum mismatch")) }
        let line: DecodedLine
        do {
            line = try SegmentLine.decode(bytes, payload: false, using: &cache)
        } catch {
            return .failure(LineProblem(reason: "malformed line: \(error.reason)"))
        }
        guard line.position == position else {
            return .failure(LineProblem(reason: "found position \(line.position) where \(position) was expected"))
        }
        if let group {
            guard line.framing.commitFirst == group.commitFirst, line.framing.commitCount == group.commitCount else {
                return .failure(
                    LineProblem(
                        reason: "position \(position) is framed in another commit group than the lines before it"
                    )
                )
            }
        } else if line.framing.commitFirst != position {
            return .failure(LineProblem(reason: "position \(position) does not start its commit group"))
        }
        return .success(line)
    }

    /// Acts on a tail that is not clean.
    private func handle(
        _ tail: SegmentTail,
        of index: inout EventIndex,
        file: OpenFile,
        policy: Policy
    ) throws(EventStoreError) {
        // Without the lock, bytes past the last complete group may be a group another
        // process is writing right now; only the lock holder can judge them.
        guard case .repair(let durable) = policy else { return }
        let committedEnd: UInt64
        switch tail {
        case .clean:
            return
        case .unfinished(let end):
            committedEnd = end
        case .damaged(let end, let offset, let reason):
            if try laterGroupExists(in: file, after: end, damagedFirst: index.head + 1) {
                throw EventStoreError(
                    .corrupted,
                    "committed data is damaged (\(reason)); run `opossum check` for details",
                    path: file.path,
                    offset: offset
                )
            }
            committedEnd = end
        }
        try cut(file, at: committedEnd, durable: durable)
    }

    /// Whether a commit group later than the one starting at `damagedFirst` is on
    /// disk: in this segment after `offset`, or in a later segment file. If so, the
    /// damaged group had been flushed before it — it was acknowledged data.
    func laterGroupExists(in file: OpenFile, after offset: UInt64, damagedFirst: UInt64) throws(EventStoreError) -> Bool
    {
        let names = (try? SystemCall.listDirectory(layout.eventsDirectory)) ?? []
        let segmentFirst = SegmentEntry.firstPosition(fileName: String(file.path.split(separator: "/").last ?? ""))
        if let segmentFirst,
            names.contains(where: { (SegmentEntry.firstPosition(fileName: $0) ?? 0) > segmentFirst })
        {
            return true
        }
        var found = false
        do {
            try SegmentScanner(file: file).forEachLine(from: offset, to: try file.size()) { bytes, _ in
                guard SegmentLine.checksumIsValid(bytes), let line = try? SegmentLine.decode(bytes, payload: false)
                else { return true }
                found = line.framing.commitFirst > damagedFirst
                return !found
            }
        } catch let error as EventStoreError {
            throw error
        } catch {
            return found
        }
        return found
    }

    /// Cuts a segment back to `length`, first copying what is cut to `Recovered/`
    /// (without the zeros written ahead after it, which hold nothing).
    private func cut(_ file: OpenFile, at length: UInt64, durable: Bool) throws(EventStoreError) {
        let size = try file.size()
        guard size > length else { return }
        var tail = try file.read(count: Int(size - length), at: length)
        if let last = tail.lastIndex(where: { $0 != 0 }) {
            tail.removeSubrange((last + 1)...)
            try SystemCall.makeDirectory(layout.recoveredDirectory)
            let name = String(file.path.split(separator: "/").last ?? "segment") + ".\(length).torn"
            try OpenFile.writeAtomically(
                tail,
                to: layout.recoveredDirectory + "/" + name,
                directory: layout.recoveredDirectory
            )
        }
        try file.truncate(to: length)
        if durable { try file.sync() }
    }
}
