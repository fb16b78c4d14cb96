import Foundation

/// Reads and decodes the lines of given positions from a store's segments.
///
/// Lines that lie next to each other on disk are fetched together: short runs
/// straight from the segment's memory mapping, long ones with one `pread` into a
/// reused buffer. A loader is used by one thread at a time.
final class LineLoader: @unchecked Sendable {
    /// The most bytes fetched with one `pread`.
    private static let maximumRunBytes = 1 << 20
    /// Runs up to this size are read through the segment's memory mapping.
    private static let maximumMappedRunBytes: UInt64 = 16 << 10

    private let engine: StoreEngine
    private let table: SegmentTable
    private var buffer: [UInt8] = []

    init(engine: StoreEngine, table: SegmentTable) {
        self.engine = engine
        self.table = table
    }

    /// Reads and decodes the lines at `positions`, coalescing neighbours.
    func load(_ positions: ArraySlice<(UInt64, LineLocation)>) throws -> [SequencedEvent] {
        try load(positions) { decoded, _ in
            SequencedEvent(position: Position(decoded.position), event: decoded.takeEvent(), origin: decoded.origin)
        }
    }

    /// Reads the lines at `positions` with their batch and the condition it was
    /// appended under, as sync needs them.
    ///
    /// With `lines`, each event comes with its line's bytes and without its payload
    /// and metadata decoded: for copying lines as they are.
    func loadStored(_ positions: ArraySlice<(UInt64, LineLocation)>, lines: Bool = false) throws -> [StoredEvent] {
        try load(positions, payload: !lines) { decoded, line in
            StoredEvent(
                event: SequencedEvent(
                    position: Position(decoded.position),
                    event: decoded.takeEvent(),
                    origin: decoded.origin
                ),
                batchFirst: Position(decoded.framing.batchFirst),
                batchCount: Int(decoded.framing.batchCount),
                condition: try decoded.conditionRange.map { try SegmentLine.decodeCondition(line, range: $0) },
                line: lines ? Array(line) : nil
            )
        }
    }

    /// Reads and decodes the lines at `positions`, coalescing neighbours, and makes
    /// each into an `Output` from the decoded line and its bytes.
    private func load<Output>(
        _ positions: ArraySlice<(UInt64, LineLocation)>,
        payload: Bool = true,
        _ make: (inout DecodedLine, UnsafeRawBufferPointer) throws -> Output
    ) throws -> [Output] {
        var events: [Output] = []
        events.reserveCapacity(positions.count)
        // Fresh for each chunk: events of different chunks share no strings and no
        // payload buffer, so the consumer releasing one chunk's events never contends
        // with an I/O thread retaining the same objects for the next.
        var cache = LineDecodingCache(
            payloads: PayloadBuffer(
                forLines: positions.count,
                ofBytes: payload ? positions.reduce(0) { $0 + $1.1.length } : 0
            )
        )
        var runStart = positions.startIndex
        while runStart < positions.endIndex {
            // Extend the run while the next line follows on disk (either direction).
            var low = positions[runStart].1.offset
            var high = low + UInt64(positions[runStart].1.length)
            var runEnd = runStart + 1
            while runEnd < positions.endIndex {
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
            // Decodes the run's lines from `run`, the file's bytes from `low` on.
            func decodeRun(_ run: UnsafeRawBufferPointer) throws {
                try decode(
                    positions[runStart..<runEnd],
                    in: run,
                    at: low,
                    file: file,
                    payload: payload,
                    cache: &cache,
                    make,
                    into: &events
                )
            }
            if high - low <= Self.maximumMappedRunBytes {
                // Scattered lines: straight from the page cache through the mapping.
                let mapping = try engine.files.mapping(firstPosition: segment.firstPosition, covering: segment.end)
                try decodeRun(mapping.bytes(Int(low)..<Int(high)))
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
                try buffer.withUnsafeBytes { try decodeRun(UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
            }
            runStart = runEnd
        }
        return events
    }

    /// Decodes the lines at `lines` from `run`, the bytes of the file from offset `low`.
    private func decode<Output>(
        _ lines: ArraySlice<(UInt64, LineLocation)>,
        in run: UnsafeRawBufferPointer,
        at low: UInt64,
        file: OpenFile,
        payload: Bool,
        cache: inout LineDecodingCache,
        _ make: (inout DecodedLine, UnsafeRawBufferPointer) throws -> Output,
        into events: inout [Output]
    ) throws {
        var decoded = DecodedLine()
        for (position, location) in lines {
            let start = Int(location.offset - low)
            let line = UnsafeRawBufferPointer(rebasing: run[start..<(start + location.length - 1)])
            func corrupted(_ problem: String) -> EventStoreError {
                EventStoreError(
                    .corrupted,
                    "the line of position \(position) \(problem); run `opossum check`",
                    path: file.path,
                    offset: location.offset
                )
            }
            guard SegmentLine.checksumIsValid(line) else { throw corrupted("fails its checksum") }
            // Into one reused value, not `try?`: a returned or unwrapped line is a copy.
            do {
                try SegmentLine.decode(line, payload: payload, into: &decoded, using: &cache)
            } catch {
                throw corrupted("cannot be read: \(error.reason) at byte \(error.offset) of it")
            }
            guard decoded.position == position else {
                throw corrupted("holds position \(decoded.position) instead")
            }
            do {
                events.append(try make(&decoded, line))
            } catch {
                // What `make` can fail at is reading the batch's condition (`loadStored`).
                let reason =
                    (error as? JSONSyntaxError).map { "\($0.reason) at byte \($0.offset) of it" }
                    ?? (error as? EventStoreError)?.message ?? "\(error)"
                throw EventStoreError(
                    .corrupted,
                    "the condition on the line of position \(position) cannot be read: \(reason); run `opossum check`",
                    path: file.path,
                    offset: location.offset
                )
            }
        }
    }
}
