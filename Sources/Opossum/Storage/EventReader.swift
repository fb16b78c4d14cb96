import Foundation

/// Reads the events of one query, a chunk at a time, on an I/O thread.
///
/// The matching positions come from a cursor over a snapshot of the index, so a
/// read sees the committed prefix as of its start and holds only one chunk of
/// events in memory. Lines that lie next to each other on disk are fetched with
/// one `pread`.
final class EventReader: @unchecked Sendable {
    /// The most bytes fetched with one `pread`.
    private static let maximumRunBytes = 1 << 20
    /// Runs up to this size are read through the segment's memory mapping.
    private static let maximumMappedRunBytes: UInt64 = 16 << 10

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
    private var buffer: [UInt8] = []
    private var strings = StringCache()

    /// The index to read, when given at the start rather than taken from the engine.
    private var snapshot: EventIndex?

    init(engine: StoreEngine, query: Query, options: ReadOptions) {
        self.engine = engine
        self.query = query
        self.options = options
    }

    /// A reader of `snapshot`, for the writer thread, which must not take the index lock.
    convenience init(engine: StoreEngine, snapshot: EventIndex, query: Query, options: ReadOptions) {
        self.init(engine: engine, query: query, options: options)
        self.snapshot = snapshot
    }

    /// The next events, at most `count`; empty when the read is done.
    func nextChunk(count: Int) throws -> [SequencedEvent] {
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
        return try load(positions)
    }

    private func start() throws {
        if let limit = options.limit, limit < 0 {
            throw EventStoreError(.invalidQuery, "a read limit cannot be negative (\(limit))")
        }
        let (plan, table) =
            try snapshot.map { ($0.plan(for: query), $0.table) }
            ?? engine.withCurrentIndex { index in (index.plan(for: query), index.table) }
        self.table = table
        self.cursor = plan.cursor(backwards: options.backwards)
        self.remaining = options.limit ?? .max
        if remaining == 0 { isFinished = true }
        if let from = options.from?.rawValue {
            target = from
        } else {
            target = options.backwards ? table.head : 1
        }
    }

    /// Reads and decodes the lines at `positions`, coalescing neighbours.
    private func load(_ positions: [(UInt64, LineLocation)]) throws -> [SequencedEvent] {
        var events: [SequencedEvent] = []
        events.reserveCapacity(positions.count)
        var runStart = 0
        while runStart < positions.count {
            // Extend the run while the next line follows on disk (either direction).
            var low = positions[runStart].1.offset
            var high = low + UInt64(positions[runStart].1.length)
            var runEnd = runStart + 1
            while runEnd < positions.count {
                let location = positions[runEnd].1
                guard location.segment == positions[runStart].1.segment else { break }
                let end = location.offset + UInt64(location.length)
                if location.offset == high, end - low <= Self.maximumRunBytes {
                    high = end
                } else if end == low, high - location.offset <= Self.maximumRunBytes {
                    low = location.offset
                } else {
                    break
                }
                runEnd += 1
            }
            let segment = table.segments[positions[runStart].1.segment]
            let file = try engine.files.file(firstPosition: segment.firstPosition)
            if high - low <= Self.maximumMappedRunBytes {
                // Scattered lines: straight from the page cache through the mapping.
                let mapping = try engine.files.mapping(firstPosition: segment.firstPosition, covering: segment.end)
                let run = mapping.bytes(Int(low)..<Int(high))
                try decode(positions[runStart..<runEnd], in: run, at: low, file: file, into: &events)
            } else {
                // Long runs: one read into a reused buffer, which keeps a full scan's
                // memory bounded (mapped pages would count as the process's own).
                let length = Int(high - low)
                if buffer.count < length { buffer = [UInt8](repeating: 0, count: length) }
                let got = try buffer.withUnsafeMutableBytes { bytes in
                    Result { () throws(EventStoreError) -> Int in
                        try file.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<length]), at: low)
                    }
                }.get()
                guard got == length else {
                    throw EventStoreError(
                        .corrupted,
                        "segment ends before a committed event",
                        path: file.path,
                        offset: low
                    )
                }
                try buffer.withUnsafeBytes { run in
                    try Result { () throws(EventStoreError) in
                        try decode(positions[runStart..<runEnd], in: run, at: low, file: file, into: &events)
                    }.get()
                }
            }
            runStart = runEnd
        }
        return events
    }

    /// Decodes the lines at `lines` from `run`, the bytes of the file from offset `low`.
    private func decode(
        _ lines: ArraySlice<(UInt64, LineLocation)>,
        in run: UnsafeRawBufferPointer,
        at low: UInt64,
        file: OpenFile,
        into events: inout [SequencedEvent]
    ) throws(EventStoreError) {
        for (position, location) in lines {
            events.append(
                try decode(
                    position,
                    in: run,
                    at: Int(location.offset - low),
                    length: location.length,
                    file: file,
                    fileOffset: location.offset
                )
            )
        }
    }

    private func decode(
        _ position: UInt64,
        in run: UnsafeRawBufferPointer,
        at start: Int,
        length: Int,
        file: OpenFile,
        fileOffset: UInt64
    ) throws(EventStoreError) -> SequencedEvent {
        let line = UnsafeRawBufferPointer(rebasing: run[start..<(start + length - 1)])
        guard SegmentLine.checksumIsValid(line),
            let decoded = try? SegmentLine.decode(line, payload: true, strings: &strings),
            decoded.position == position
        else {
            throw EventStoreError(
                .corrupted,
                "the line of position \(position) fails its checksum; run `opossum check`",
                path: file.path,
                offset: fileOffset
            )
        }
        return SequencedEvent(position: Position(position), event: decoded.event, origin: decoded.origin)
    }
}
