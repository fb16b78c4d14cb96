import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The open segment files of a store, shared by the writer and every reader.
///
/// Descriptors are opened once and kept: `pread`/`pwrite` need no seeking, so any
/// number of threads can use one descriptor at once.
final class SegmentFiles: Sendable {
    private let layout: StoreLayout
    private let files = Mutex<[UInt64: OpenFile]>([:])
    private let mappings = Mutex<[UInt64: MappedFile]>([:])

    /// How much of a segment is mapped at once: past any segment's usual size, so a
    /// growing segment is mapped once or twice in its life.
    private static let mappingGranularity = 64 << 20

    init(layout: StoreLayout) {
        self.layout = layout
    }

    /// The segment starting at `firstPosition`, opened if needed.
    func file(firstPosition: UInt64) throws(EventStoreError) -> OpenFile {
        if let file = files.withLock({ $0[firstPosition] }) { return file }
        let file = try OpenFile(path: layout.segmentPath(firstPosition: firstPosition), flags: O_RDWR)
        return files.withLock { files in
            if let existing = files[firstPosition] { return existing }
            files[firstPosition] = file
            return file
        }
    }

    /// A mapping of the segment starting at `firstPosition` that covers its first
    /// `end` bytes, made (or made larger) if needed.
    func mapping(firstPosition: UInt64, covering end: UInt64) throws(EventStoreError) -> MappedFile {
        if let mapping = mappings.withLock({ $0[firstPosition] }), mapping.length >= end { return mapping }
        let granularity = UInt64(Self.mappingGranularity)
        let length = Int((end + granularity - 1) / granularity * granularity)
        let mapping = try MappedFile(try file(firstPosition: firstPosition), length: length)
        return mappings.withLock { mappings in
            if let existing = mappings[firstPosition], existing.length >= end { return existing }
            mappings[firstPosition] = mapping
            return mapping
        }
    }

    /// Creates the segment starting at `firstPosition` (or opens it if a crashed
    /// writer left it empty) and makes its directory entry durable.
    func create(firstPosition: UInt64, durable: Bool) throws(EventStoreError) -> OpenFile {
        let path = layout.segmentPath(firstPosition: firstPosition)
        let file = try OpenFile(path: path, flags: O_RDWR | O_CREAT)
        if durable { try SystemCall.fsyncDirectory(layout.eventsDirectory) }
        files.withLock { $0[firstPosition] = file }
        return file
    }

    /// Whether a segment file starting at `firstPosition` exists.
    func exists(firstPosition: UInt64) -> Bool {
        SystemCall.exists(layout.segmentPath(firstPosition: firstPosition))
    }

    /// Closes every descriptor (they close when the last reader lets go).
    func removeAll() {
        mappings.withLock { $0.removeAll() }
        files.withLock { $0.removeAll() }
    }
}
