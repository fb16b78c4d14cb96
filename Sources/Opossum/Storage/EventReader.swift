import Foundation

/// Reads the events of one query, a chunk at a time, on an I/O thread.
///
/// The matching positions come from a cursor over a snapshot of the index, so a
/// read sees the committed prefix as of its start and holds only one chunk of
/// events in memory. A large chunk is decoded in parts on as many I/O threads.
final class EventReader: @unchecked Sendable {
    /// A chunk is decoded in parts of at least this many events, at once.
    private static let partSize = 512
    /// The most parts a chunk is decoded in.
    private static let maximumParts = 4

    private let engine: StoreEngine
    private let query: Query
    private let options: ReadOptions
    private var cursor: PositionCursor?
    private var table = SegmentTable(segments: [], head: 0)
    private var target: UInt64 = 0
    private var remaining = Int.max
    /// Whether the read has returned its last event: no further chunk is needed.
    private(set) var isFinished = false
    /// The head of the index snapshot the read walks: it sees nothing beyond it.
    var snapshotHead: UInt64 { table.head }
    /// One loader per part of a chunk; each keeps its read buffer between chunks.
    private var loaders: [LineLoader] = []

    /// The index to read, when given at the start rather than taken from the engine.
    private var snapshot: EventIndex?

    /// Whether system events and withdrawn events are read too (for sync and audit).
    private let includingHidden: Bool
    /// Events copied from this store are left out (sync: a site's own events at the hub).
    var excludedOrigin: UUID?

    init(engine: StoreEngine, query: Query, options: ReadOptions, includingHidden: Bool = false) {
        self.engine = engine
        self.query = query
        self.options = options
        self.includingHidden = includingHidden
    }

    /// A reader of `snapshot`, for the writer thread, which must not take the index lock.
    convenience init(
        engine: StoreEngine,
        snapshot: EventIndex,
        query: Query,
        options: ReadOptions,
        includingHidden: Bool = false
    ) {
        self.init(engine: engine, query: query, options: options, includingHidden: includingHidden)
        self.snapshot = snapshot
    }

    /// The next events, at most `count`; empty when the read is done.
    func nextChunk(count: Int) throws -> [SequencedEvent] {
        let parts = try nextChunkParts(count: count)
        return parts.count == 1 ? parts[0] : Array(parts.joined())
    }

    /// The next events, at most `count`, in consecutive parts (several when the
    /// chunk was decoded in parts at once): joining them would copy every event.
    ///
    /// With `lastFirst`, the parts and the events in each come in reverse order, so
    /// that a consumer moves events out with `popLast` (reversing the decoded
    /// arrays afterwards would copy every event).
    func nextChunkParts(count: Int, lastFirst: Bool = false) throws -> [[SequencedEvent]] {
        var parts = try decodeInParts(nextLocations(count: count)) { loader, part in
            try loader.load(lastFirst ? ArraySlice(part.reversed()) : part)
        }
        if lastFirst { parts.reverse() }
        return parts
    }

    /// The next events, at most `count`, with their batches and conditions.
    func nextStoredChunk(count: Int, lines: Bool = false) throws -> [StoredEvent] {
        let parts = try decodeInParts(nextLocations(count: count)) { loader, part in
            try loader.loadStored(part, lines: lines)
        }
        return parts.count == 1 ? parts[0] : Array(parts.joined())
    }

    /// Decodes the lines at `positions` in parts, in order: a large chunk in several
    /// at once, offered to the I/O pool and run by whichever thread is free first,
    /// this one included, so that the cores stay busy even when one of them is also
    /// running the reader's consumer.
    private func decodeInParts<Output>(
        _ positions: [(UInt64, LineLocation)],
        _ load: @escaping (LineLoader, ArraySlice<(UInt64, LineLocation)>) throws -> [Output]
    ) throws -> [[Output]] {
        guard !positions.isEmpty else { return [] }
        let partCount = min(max(positions.count / Self.partSize, 1), loaders.count)
        guard partCount > 1 else { return [try load(loaders[0], positions[...])] }
        let bounds = (0...partCount).map { positions.count * $0 / partCount }
        let others = (1..<partCount).map { part in
            SharedJob(on: IOThreadPool.shared) { [loaders] in
                try load(loaders[part], positions[bounds[part]..<bounds[part + 1]])
            }
        }
        let first = Result { try load(loaders[0], positions[bounds[0]..<bounds[1]]) }
        // Each waited for even when one failed: a loader must be idle before the next chunk.
        let rest = others.map { job in Result { try job.value() } }
        return try ([first] + rest).map { try $0.get() }
    }

    /// Where the next matching lines are, at most `count`.
    private func nextLocations(count: Int) throws -> [(UInt64, LineLocation)] {
        if cursor == nil { try start() }
        guard !isFinished, let cursor else { return [] }
        var positions: [(UInt64, LineLocation)] = []
        positions.reserveCapacity(min(count, remaining))
        while positions.count < min(count, remaining), let position = cursor.seek(target) {
            guard let location = table.location(of: position) else { break }
            positions.append((position, location))
            if options.backwards {
                guard position > 1 else {
                    isFinished = true
                    break
                }
                target = position - 1
            } else {
                target = position + 1
            }
        }
        if positions.count < min(count, remaining) { isFinished = true }
        remaining -= positions.count
        if remaining == 0 { isFinished = true }
        return positions
    }

    private func start() throws {
        if let limit = options.limit, limit < 0 {
            throw EventStoreError(.invalidQuery, "a read limit cannot be negative (\(limit))")
        }
        let excludedOrigin = self.excludedOrigin
        func parts(_ index: EventIndex) -> (QueryPlan, SegmentTable, ChunkedArray<UInt64>?) {
            (
                index.plan(for: query, includingHidden: includingHidden), index.table,
                excludedOrigin.flatMap { index.origins[$0] }
            )
        }
        let (plan, table, excluded) = try snapshot.map(parts) ?? engine.withCurrentIndex(parts)
        self.table = table
        self.loaders = (0..<Self.maximumParts).map { _ in LineLoader(engine: engine, table: table) }
        let cursor = plan.cursor(backwards: options.backwards)
        self.cursor = excluded.map { ExcludingCursor(cursor, excluding: $0, backwards: options.backwards) } ?? cursor
        self.remaining = options.limit ?? .max
        if remaining == 0 { isFinished = true }
        if let from = options.from?.rawValue {
            target = from
        } else {
            target = options.backwards ? table.head : 1
        }
    }
}
