extension FileEventStore {
    /// Verifies a store completely, without opening it for writing: every line's
    /// checksum, position order and commit framing in every segment, and the index
    /// checkpoint against an index rebuilt from the log.
    ///
    /// Unlike ``open(at:options:)`` it does not stop at damage or repair anything; it
    /// reports each problem with the file and byte offset involved. An unfinished
    /// append at the very end (one in progress, or torn by a crash and never
    /// acknowledged) is not a problem: the next open removes it.
    ///
    /// - Throws: ``EventStoreError`` when the directory is not a store at all.
    public static func check(at directory: String) async throws -> CheckReport {
        let layout = StoreLayout(root: directory)
        return try await IOThreadPool.shared.run { try StoreChecker(layout: layout).run() }
    }
}

/// The verification behind ``FileEventStore/check(at:)``.
struct StoreChecker {
    let layout: StoreLayout

    func run() throws(EventStoreError) -> CheckReport {
        let identity = try StoreEngine.readIdentity(layout)
        let files = SegmentFiles(layout: layout)
        var follower = LogFollower(layout: layout, files: files)
        follower.readsWholeZeroTails = true
        var problems: [CheckReport.Problem] = []
        var index = EventIndex()
        let segments = try SystemCall.listDirectory(layout.eventsDirectory)
            .compactMap { name in SegmentEntry.firstPosition(fileName: name) }
            .sorted()
        var segmentsVerified = 0
        for (number, first) in segments.enumerated() {
            let name = "Events/" + SegmentEntry.fileName(firstPosition: first)
            guard first == index.head + 1 else {
                problems.append(
                    .init("starts at position \(first) but the log before it ends at \(index.head)", file: name)
                )
                break
            }
            index.startSegment()
            let file = try files.file(firstPosition: first)
            let tail = try follower.scan(&index, segment: index.segments.count - 1, file: file, to: try file.size())
            segmentsVerified += 1
            let isLast = number == segments.count - 1
            switch tail {
            case .clean:
                continue
            case .unfinished where isLast:
                break
            case .unfinished(let end):
                problems.append(
                    .init("an unfinished commit in a segment that is not the last", file: name, offset: end)
                )
            case .damaged(let end, let offset, let reason):
                // Damage at the very end with nothing committed behind it is a torn,
                // never-acknowledged append; anything else is committed data gone bad.
                let committedBehind =
                    isLast ? try follower.laterGroupExists(in: file, after: end, damagedFirst: index.head + 1) : true
                if committedBehind {
                    problems.append(.init(reason, file: name, offset: offset))
                }
            }
            if !tail.isClean { break }
        }
        var notices: [CheckReport.Problem] = []
        if let damaged = damagedCheckpoint(storeId: identity) {
            notices.append(damaged)
        } else {
            problems += checkpointProblems(against: index, storeId: identity)
        }
        return CheckReport(
            eventsVerified: index.head,
            segmentsVerified: segmentsVerified,
            problems: problems,
            notices: notices
        )
    }

    /// A checkpoint that fails its checksum or names another store: what a power cut
    /// during a checkpoint write leaves (checkpoints are not flushed), and what the
    /// next open replaces by rebuilding the index from the log.
    private func damagedCheckpoint(storeId identity: StoreIdentity) -> CheckReport.Problem? {
        guard SystemCall.exists(layout.checkpointFile) else { return nil }
        guard let bytes = try? OpenFile.readAll(layout.checkpointFile),
            IndexCheckpoint.decode(bytes, storeId: identity.storeId) != nil
        else {
            return .init(
                "the index checkpoint is damaged or belongs to another store; the next open rebuilds it from the log",
                file: "Indices/index.checkpoint"
            )
        }
        return nil
    }

    /// Where the index checkpoint disagrees with the index rebuilt from the log.
    private func checkpointProblems(
        against rebuilt: EventIndex,
        storeId identity: StoreIdentity
    ) -> [CheckReport.Problem] {
        let file = "Indices/index.checkpoint"
        guard SystemCall.exists(layout.checkpointFile) else { return [] }
        guard let bytes = try? OpenFile.readAll(layout.checkpointFile),
            let checkpoint = IndexCheckpoint.decode(bytes, storeId: identity.storeId)
        else { return [] }
        guard checkpoint.head <= rebuilt.head else {
            return [
                .init(
                    "the index checkpoint covers position \(checkpoint.head), beyond the log's end \(rebuilt.head)",
                    file: file
                )
            ]
        }
        func prefix(_ list: ChunkedArray<UInt64>?) -> [UInt64] {
            guard let list else { return [] }
            return (0..<list.count).lazy.map { list[$0] }.filter { $0 <= checkpoint.head }
        }
        for (type, list) in checkpoint.types where prefix(list) != prefix(rebuilt.types[type]) {
            return [
                .init(
                    "the index checkpoint disagrees with the log about type \(type.text.debugDescription)",
                    file: file
                )
            ]
        }
        for (tag, list) in checkpoint.tags where prefix(list) != prefix(rebuilt.tags[tag]) {
            return [
                .init(
                    "the index checkpoint disagrees with the log about tag \(tag.description.debugDescription)",
                    file: file
                )
            ]
        }
        for (number, segment) in checkpoint.segments.enumerated() {
            let offsets = (0..<segment.offsets.count).map { segment.offsets[$0] }
            let expected =
                rebuilt.segments.indices.contains(number)
                ? Array(
                    (0..<rebuilt.segments[number].offsets.count).map { rebuilt.segments[number].offsets[$0] }
                        .prefix(offsets.count)
                ) : []
            if offsets != expected {
                return [.init("the index checkpoint disagrees with the log about segment offsets", file: file)]
            }
        }
        return []
    }
}
