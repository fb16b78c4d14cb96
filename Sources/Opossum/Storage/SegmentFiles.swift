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
        files.withLock { $0.removeAll() }
    }
}
