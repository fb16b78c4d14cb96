import Foundation

/// The persisted form of an ``EventIndex``: `Indices/index.checkpoint`.
///
/// A checkpoint is a cache, never the truth. It is written atomically (temporary
/// file, rename) and ends in a CRC-32C over its bytes; on open it is used only
/// if that checksum holds, it belongs to this store, and the log still has the line
/// it says is the head. Anything less and the index is rebuilt from the segments.
/// Events committed after the checkpoint are read from the log tail.
///
/// Layout (little-endian): magic `OPOSSUMX`, version u32, store id (16 bytes), head
/// u64; segment count u32, then per segment first position u64, committed end u64,
/// offset count u32 and the offsets (u32 each); type count u32, then per type name
/// length u32, name bytes, position count u32 and the positions (u64 each); the tags
/// likewise, each named by its `key:value` bytes; the origins likewise, each named by
/// its store id (16 bytes); finally the CRC-32C (u32).
enum IndexCheckpoint {
    private static let magic = Array("OPOSSUMX".utf8)
    /// 2 added the origins; a checkpoint of another version is rebuilt from the log.
    private static let version: UInt32 = 2

    /// Whether a checkpoint is due for a store at `head` with `eventsSince` events
    /// committed since its last one: after `interval` events, or a quarter of the
    /// store's if more. A checkpoint's size grows with the store; spacing them in
    /// proportion keeps what they write, over the store's life, within a few times
    /// the size of the last one (see ``FileEventStore/Options/checkpointInterval``).
    static func isDue(eventsSince: UInt64, head: UInt64, interval: Int) -> Bool {
        eventsSince >= max(UInt64(max(interval, 1)), head / 4)
    }

    /// Writes `index` for the store `storeId`.
    static func write(_ index: EventIndex, storeId: UUID, layout: StoreLayout) throws(EventStoreError) {
        try SystemCall.makeDirectory(layout.indicesDirectory)
        // Not flushed: a checkpoint lost or torn by a power cut fails its checksum
        // and is rebuilt from the log, so it never needs to cost a flush.
        try OpenFile.writeAtomically(
            encode(index, storeId: storeId),
            to: layout.checkpointFile,
            directory: layout.indicesDirectory,
            durable: false
        )
    }

    /// The checkpointed index, if there is a valid one that agrees with the log.
    static func load(storeId: UUID, layout: StoreLayout, files: SegmentFiles) -> EventIndex? {
        guard SystemCall.exists(layout.checkpointFile),
            let file = try? OpenFile.reading(layout.checkpointFile),
            let size = try? file.size(), size > 0, size <= UInt64(Int.max),
            // Mapped, not read: decoding straight from the page cache saves a copy, tens
            // of MB of new memory for a large store, touched once. A checkpoint is
            // replaced by a rename, never rewritten in place, so the mapping cannot
            // shrink under the decoder.
            let mapping = try? MappedFile(file, length: Int(size)),
            // Pages checked and decoded are let go as the reading passes them: held to
            // the end, they would sit on top of the index being built, and make the
            // open the moment a large store needs the most memory.
            let index = decode(mapping.bytes(0..<Int(size)), storeId: storeId, releasing: mapping.release),
            agreesWithLog(index, files: files)
        else { return nil }
        return index
    }

    static func encode(_ index: EventIndex, storeId: UUID) -> [UInt8] {
        var out = BinaryWriter()
        out.bytes.append(contentsOf: magic)
        out.append(version)
        withUnsafeBytes(of: storeId.uuid) { out.bytes.append(contentsOf: $0) }
        out.append(index.head)
        out.append(UInt32(index.segments.count))
        for segment in index.segments {
            out.append(segment.firstPosition)
            out.append(segment.end)
            out.append(UInt32(segment.offsets.count))
            for chunk in segment.offsets.chunks {
                #if _endian(little)
                chunk.withUnsafeBytes { out.bytes.append(contentsOf: $0) }
                #else
                for offset in chunk { out.append(offset) }
                #endif
            }
        }
        out.append(UInt32(index.types.count))
        for (type, positions) in index.types {
            out.appendBytes(Array(type.text.utf8))
            out.appendPositions(positions)
        }
        out.append(UInt32(index.tags.count))
        for (tag, positions) in index.tags {
            out.appendBytes(Array(tag.description.utf8))
            out.appendPositions(positions)
        }
        out.append(UInt32(index.origins.count))
        for (storeId, positions) in index.origins {
            withUnsafeBytes(of: storeId.uuid) { out.bytes.append(contentsOf: $0) }
            out.appendPositions(positions)
        }
        out.append(out.bytes.withUnsafeBytes { CRC32C.checksum($0) })
        return out.bytes
    }

    static func decode(_ bytes: [UInt8], storeId: UUID) -> EventIndex? {
        bytes.withUnsafeBytes { decode($0, storeId: storeId) }
    }

    /// How many bytes the decoder reads before it hands them to its `release`.
    static let releaseStride = 1 << 20

    /// The index a checkpoint's bytes hold, or `nil` if they are not a whole, intact
    /// checkpoint of the store `storeId` in this version.
    ///
    /// The bytes are read twice, front to back: once for the checksum, once to decode.
    /// `release` is told of each range of ``releaseStride`` bytes or more that a pass
    /// is done with (the checksum's pass hands over every byte, the decoding pass
    /// every byte once more), so that a mapped checkpoint's pages can leave memory as
    /// the reading passes them.
    static func decode(
        _ raw: UnsafeRawBufferPointer,
        storeId: UUID,
        releasing release: @escaping (Range<Int>) -> Void = { _ in }
    ) -> EventIndex? {
        guard raw.count >= magic.count + 4 + 16 + 8 + 4 else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: raw[..<(raw.count - 4)])
        var crc: UInt32 = 0
        for start in stride(from: 0, to: body.count, by: releaseStride) {
            let range = start..<min(start + releaseStride, body.count)
            crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: body[range]), continuing: crc)
            release(range)
        }
        guard raw.loadUnaligned(fromByteOffset: raw.count - 4, as: UInt32.self).littleEndian == crc else {
            return nil
        }
        var input = BinaryReader(bytes: body, release: release)
        guard let header = input.bytes(magic.count), header.elementsEqual(magic),
            input.uint32() == version, let id = input.bytes(16),
            id.elementsEqual(withUnsafeBytes(of: storeId.uuid, Array.init))
        else { return nil }
        var index = EventIndex()
        guard let head = input.uint64(), let segmentCount = input.uint32() else { return nil }
        index.head = head
        for _ in 0..<segmentCount {
            guard let first = input.uint64(), let end = input.uint64(), let count = input.uint32() else {
                return nil
            }
            guard let raw = input.bytes(Int(count) * 4) else { return nil }
            var segment = SegmentEntry(firstPosition: first)
            segment.end = end
            #if _endian(little)
            segment.offsets = ChunkedArray(copying: raw, count: Int(count))
            #else
            for number in 0..<Int(count) {
                segment.offsets.append(raw.loadUnaligned(fromByteOffset: number * 4, as: UInt32.self).littleEndian)
            }
            #endif
            index.segments.append(segment)
        }
        guard let typeCount = input.uint32() else { return nil }
        index.types.reserveCapacity(Int(typeCount))
        for _ in 0..<typeCount {
            guard let name = input.lengthPrefixed(), let positions = input.positions(upTo: head) else { return nil }
            index.types[ByteString(String(decoding: name, as: UTF8.self))] = positions
        }
        guard let tagCount = input.uint32() else { return nil }
        index.tags.reserveCapacity(Int(tagCount))
        var keys = StringCache()
        for _ in 0..<tagCount {
            guard let text = input.lengthPrefixed(), let positions = input.positions(upTo: head),
                let colon = text.firstIndex(of: UInt8(ascii: ":")), colon > 0
            else { return nil }
            let tag = Tag(
                keys.string(for: UnsafeRawBufferPointer(rebasing: text[..<colon])),
                String(decoding: UnsafeRawBufferPointer(rebasing: text[(colon + 1)...]), as: UTF8.self)
            )
            index.tags[tag] = positions
        }
        guard let originCount = input.uint32() else { return nil }
        for _ in 0..<originCount {
            guard let id = input.bytes(16), let positions = input.positions(upTo: head) else { return nil }
            let storeId = id.withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
            index.origins[storeId] = positions
        }
        guard input.isAtEnd, isConsistent(index) else { return nil }
        input.releaseRead()
        index.hidden = HiddenPositions.derived(types: index.types, tags: index.tags)
        return index
    }

    /// Whether the segments are contiguous and add up to the head.
    private static func isConsistent(_ index: EventIndex) -> Bool {
        var next: UInt64 = 1
        for segment in index.segments {
            guard segment.firstPosition == next else { return false }
            next = segment.endPosition
        }
        return next == index.head + 1
    }

    /// Whether the log still holds, where the checkpoint says, the line of its head.
    private static func agreesWithLog(_ index: EventIndex, files: SegmentFiles) -> Bool {
        guard index.head > 0 else { return true }
        guard let location = index.table.location(of: index.head),
            let file = try? files.file(firstPosition: index.segments[location.segment].firstPosition),
            let size = try? file.size(), size >= index.segments[location.segment].end,
            location.length > 1,
            let line = try? file.read(count: location.length, at: location.offset),
            line.count == location.length, line.last == 0x0A
        else { return false }
        return line.withUnsafeBytes { bytes in
            let body = UnsafeRawBufferPointer(rebasing: bytes.dropLast())
            guard SegmentLine.checksumIsValid(body), let decoded = try? SegmentLine.decode(body, payload: false) else {
                return false
            }
            return decoded.position == index.head && decoded.framing.commitLast == index.head
        }
    }
}

/// Appends little-endian integers to a byte buffer.
private struct BinaryWriter {
    var bytes: [UInt8] = []

    mutating func append(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func appendBytes(_ value: [UInt8]) {
        append(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func appendPositions(_ positions: ChunkedArray<UInt64>) {
        append(UInt32(positions.count))
        for chunk in positions.chunks {
            #if _endian(little)
            chunk.withUnsafeBytes { bytes.append(contentsOf: $0) }
            #else
            for position in chunk { append(position) }
            #endif
        }
    }
}

/// Reads little-endian integers from bytes, returning `nil` past the end.
///
/// Every ``IndexCheckpoint/releaseStride`` bytes or so it hands what lies behind the
/// bytes it last returned to `release`: the caller is done with those, having
/// decoded them.
private struct BinaryReader {
    let bytes: UnsafeRawBufferPointer
    let release: (Range<Int>) -> Void
    var offset = 0
    /// Where the next range handed to `release` starts.
    private var releasedEnd = 0

    init(bytes: UnsafeRawBufferPointer, release: @escaping (Range<Int>) -> Void) {
        self.bytes = bytes
        self.release = release
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func bytes(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, bytes.count - offset >= count else { return nil }
        if offset - releasedEnd >= IndexCheckpoint.releaseStride { releaseRead() }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    /// Hands every byte returned so far, and not yet handed over, to `release`.
    mutating func releaseRead() {
        guard offset > releasedEnd else { return }
        release(releasedEnd..<offset)
        releasedEnd = offset
    }

    mutating func uint32() -> UInt32? {
        bytes(4).map { $0.loadUnaligned(as: UInt32.self).littleEndian }
    }

    mutating func uint64() -> UInt64? {
        bytes(8).map { $0.loadUnaligned(as: UInt64.self).littleEndian }
    }

    mutating func lengthPrefixed() -> UnsafeRawBufferPointer? {
        guard let count = uint32() else { return nil }
        return bytes(Int(count))
    }

    /// A strictly increasing position list.
    mutating func positions(upTo head: UInt64) -> ChunkedArray<UInt64>? {
        guard let count = uint32(), let raw = bytes(Int(count) * 8) else { return nil }
        var previous: UInt64 = 0
        for index in 0..<Int(count) {
            let position = raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self).littleEndian
            guard position > previous, position <= head else { return nil }
            previous = position
        }
        #if _endian(little)
        return ChunkedArray(copying: raw, count: Int(count))
        #else
        var list = ChunkedArray<UInt64>()
        for index in 0..<Int(count) {
            list.append(raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self).littleEndian)
        }
        return list
        #endif
    }
}
