/// A read-only, shared memory mapping of the front of a file, unmapped on deinit.
///
/// Reads of scattered lines — the events of one tag — take them straight from the
/// page cache, without a system call each. Only bytes below a committed end are
/// ever touched: a mapping may reach past the end of the file, and touching that
/// part would fault.
final class MappedFile: Sendable {
    /// How many bytes from the start of the file are mapped.
    let length: Int
    private nonisolated(unsafe) let base: UnsafeRawPointer

    /// Maps the first `length` bytes of `file` (which may be longer than the file).
    init(_ file: OpenFile, length: Int) throws(EventStoreError) {
        self.base = try SystemCall.mapReadOnly(file.fd, length: length, path: file.path)
        self.length = length
    }

    deinit {
        SystemCall.unmap(base, length: length)
    }

    /// Drops the whole pages inside `range` from the process's resident set, for a
    /// reader that will not come back to them: their bytes stay readable (a later
    /// read maps them in again from the page cache), but a long sequential read no
    /// longer holds every page it has passed.
    func release(_ range: Range<Int>) {
        let page = SystemCall.pageSize
        let start = (max(range.lowerBound, 0) + page - 1) / page * page
        let end = min(range.upperBound, length) / page * page
        guard start < end else { return }
        SystemCall.releaseMappedPages(base + start, length: end - start)
    }

    /// The bytes of `range`, which must lie below the file's committed end.
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        precondition(range.upperBound <= length, "read past the mapping")
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }
}
