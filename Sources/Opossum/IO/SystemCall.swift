#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place that calls into the C library for file I/O.
///
/// Each wrapper retries `EINTR`, turns `errno` into an ``EventStoreError`` that names
/// the file involved, and is the only caller of its C function in the package.
/// Calls on paths under an installed ``IOSeam`` go through it: changes are recorded
/// there and faults injected.
package enum SystemCall {
    /// Runs `body` until it stops failing with `EINTR`; a `-1` result becomes an error.
    @inline(__always)
    static func retryingInterrupts<T: BinaryInteger>(
        _ what: String,
        path: String,
        _ call: IOSeam.Call,
        seam: IOSeam? = nil,
        _ body: () -> T
    ) throws(EventStoreError) -> T {
        let seam = seam ?? IOSeam.covering(path)
        while true {
            let result = attempt(call, path: path, seam: seam, body)
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            throw error(what, path: path, errno: code)
        }
    }

    /// Runs `body` once, unless the seam injects a failure instead: then `errno`
    /// is set and the result is `-1`, as from the C function.
    @inline(__always)
    private static func attempt<T: BinaryInteger>(
        _ call: IOSeam.Call,
        path: String,
        seam: IOSeam?,
        _ body: () -> T
    ) -> T {
        if let seam, let code = seam.injectedError(call, path: path) {
            errno = code
            return -1
        }
        return body()
    }

    /// Builds the error for a failed call, in words a person can act on.
    static func error(_ what: String, path: String, errno code: Int32) -> EventStoreError {
        let reason: String
        switch code {
        case ENOSPC: reason = "the disk is full"
        case EDQUOT: reason = "the disk quota is exhausted"
        case EIO: reason = "the device reported an I/O error"
        case EACCES, EPERM: reason = "permission denied"
        case ENOENT: reason = "no such file or directory"
        case EROFS: reason = "the file system is read-only"
        default: reason = String(cString: strerror(code))
        }
        return EventStoreError(.io, "\(what) failed: \(reason)", path: path, errno: code)
    }

    /// Opens a file. The corresponding C function is `open(2)`.
    static func open(_ path: String, _ flags: Int32, permissions: mode_t = 0o644) throws(EventStoreError) -> Int32 {
        let seam = IOSeam.covering(path)
        // A recording seam needs to know whether the file is new or emptied.
        let changes = seam?.isRecording == true && flags & (O_CREAT | O_TRUNC) != 0
        let existed = changes && exists(path)
        let fd = try retryingInterrupts("opening", path: path, .open, seam: seam) {
            Glibc.open(path, flags | O_CLOEXEC, permissions)
        }
        if changes {
            if !existed {
                seam?.record { .create(path: $0(path)) }
            } else if flags & O_TRUNC != 0 {
                seam?.record { .truncate(path: $0(path), length: 0) }
            }
        }
        return fd
    }

    /// Closes a descriptor; errors are ignored because nothing can be retried. The C function is `close(2)`.
    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Reads up to `count` bytes at `offset`, retrying short reads until EOF.
    /// The corresponding C function is `pread(2)`.
    static func pread(
        _ fd: Int32,
        into buffer: UnsafeMutableRawBufferPointer,
        at offset: UInt64,
        path: String
    ) throws(EventStoreError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = try retryingInterrupts("reading", path: path, .read) {
                Glibc.pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Writes all of `bytes` at `offset`, continuing after short writes.
    /// The corresponding C function is `pwrite(2)`.
    static func pwrite(
        _ fd: Int32,
        _ bytes: UnsafeRawBufferPointer,
        at offset: UInt64,
        path: String
    ) throws(EventStoreError) {
        let seam = IOSeam.covering(path)
        var done = 0
        while done < bytes.count {
            let count = min(bytes.count - done, seam?.shortWriteLimit(path: path) ?? Int.max)
            let n = try retryingInterrupts("writing", path: path, .write, seam: seam) {
                Glibc.pwrite(fd, bytes.baseAddress! + done, count, off_t(offset) + off_t(done))
            }
            if n == 0 { throw EventStoreError(.io, "writing failed: the device accepted no bytes", path: path) }
            seam?.record { relative in
                .write(
                    path: relative(path),
                    offset: offset + UInt64(done),
                    bytes: Array(UnsafeRawBufferPointer(rebasing: bytes[done..<(done + n)]))
                )
            }
            done += n
        }
    }

    /// Flushes a file's data (and the metadata needed to read it) to the device.
    /// The corresponding C function is `fdatasync(2)`.
    static func fdatasync(_ fd: Int32, path: String) throws(EventStoreError) {
        // Never retried on a real error: after a failed flush the page cache may have
        // dropped the dirty pages, so a second flush could "succeed" without the data.
        let seam = IOSeam.covering(path)
        _ = try retryingInterrupts("flushing to disk", path: path, .syncData, seam: seam) { Glibc.fdatasync(fd) }
        seam?.record { .sync(path: $0(path)) }
    }

    /// Flushes a file or directory with its metadata. The corresponding C function is `fsync(2)`.
    static func fsync(_ fd: Int32, path: String) throws(EventStoreError) {
        let seam = IOSeam.covering(path)
        _ = try retryingInterrupts("flushing to disk", path: path, .sync, seam: seam) { Glibc.fsync(fd) }
        seam?.record { .sync(path: $0(path)) }
    }

    /// Flushes a directory so that entries created or renamed in it survive a power cut.
    package static func fsyncDirectory(_ path: String) throws(EventStoreError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    /// Sets a file's length. The corresponding C function is `ftruncate(2)`.
    static func ftruncate(_ fd: Int32, to length: UInt64, path: String) throws(EventStoreError) {
        let seam = IOSeam.covering(path)
        _ = try retryingInterrupts("truncating", path: path, .truncate, seam: seam) {
            Glibc.ftruncate(fd, off_t(length))
        }
        seam?.record { .truncate(path: $0(path), length: length) }
    }

    /// Takes (blocking) or releases an advisory lock on a whole file. The C function is `flock(2)`.
    static func lock(_ fd: Int32, _ operation: Int32, path: String) throws(EventStoreError) {
        _ = try retryingInterrupts("locking", path: path, .lock) { () -> Int32 in
            // `flock` is also a C struct; the explicit result type picks the function.
            let result: Int32 = flock(fd, operation)
            return result
        }
    }

    /// The size of an open file. The corresponding C function is `fstat(2)`.
    static func fileSize(_ fd: Int32, path: String) throws(EventStoreError) -> UInt64 {
        var info = stat()
        _ = try retryingInterrupts("reading the size of", path: path, .stat) { Glibc.fstat(fd, &info) }
        return UInt64(info.st_size)
    }

    /// Whether something exists at `path`. The corresponding C function is `access(2)`.
    package static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Creates a directory; an existing one is fine. The corresponding C function is `mkdir(2)`.
    package static func makeDirectory(_ path: String) throws(EventStoreError) {
        let seam = IOSeam.covering(path)
        do {
            _ = try retryingInterrupts("creating the directory", path: path, .makeDirectory, seam: seam) {
                mkdir(path, 0o755)
            }
        } catch  where error.errno == EEXIST {
            return
        }
        seam?.record { .makeDirectory(path: $0(path)) }
    }

    /// Creates a directory and any missing parents, like `mkdir -p`.
    ///
    /// - Returns: The directories it made, outermost first.
    @discardableResult
    package static func makeDirectories(_ path: String) throws(EventStoreError) -> [String] {
        var prefix = path.hasPrefix("/") ? "" : "."
        var made: [String] = []
        for component in path.split(separator: "/") {
            prefix += "/" + component
            guard !exists(prefix) else { continue }
            try makeDirectory(prefix)
            made.append(prefix)
        }
        return made
    }

    /// The directory holding `path`.
    package static func parentDirectory(of path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// Atomically replaces `destination` with `source`. The corresponding C function is `rename(2)`.
    package static func rename(_ source: String, to destination: String) throws(EventStoreError) {
        let seam = IOSeam.covering(source)
        _ = try retryingInterrupts("renaming to \(destination)", path: source, .rename, seam: seam) {
            Glibc.rename(source, destination)
        }
        seam?.record { .rename(from: $0(source), to: $0(destination)) }
    }

    /// Removes a file; a missing one is fine. The corresponding C function is `unlink(2)`.
    package static func removeFile(_ path: String) throws(EventStoreError) {
        let seam = IOSeam.covering(path)
        do {
            _ = try retryingInterrupts("removing", path: path, .remove, seam: seam) { unlink(path) }
        } catch  where error.errno == ENOENT {
            return
        }
        seam?.record { .remove(path: $0(path)) }
    }

    /// Removes an empty directory; a missing one is fine. The corresponding C function is `rmdir(2)`.
    static func removeDirectory(_ path: String) throws(EventStoreError) {
        let seam = IOSeam.covering(path)
        do {
            _ = try retryingInterrupts("removing the directory", path: path, .remove, seam: seam) { rmdir(path) }
        } catch  where error.errno == ENOENT {
            return
        }
        seam?.record { .removeDirectory(path: $0(path)) }
    }

    /// Maps `length` bytes of a file read-only and shared, so reads see what any
    /// process has written. The corresponding C function is `mmap(2)`.
    static func mapReadOnly(_ fd: Int32, length: Int, path: String) throws(EventStoreError) -> UnsafeRawPointer {
        guard let address = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), address != MAP_FAILED else {
            throw error("mapping into memory", path: path, errno: errno)
        }
        return UnsafeRawPointer(address)
    }

    /// Tells the kernel that the bytes of `range` will not be read again, so that
    /// their clean pages leave the page cache now rather than when memory runs short.
    /// Only advice: nothing is lost (dirty pages are written first), and a failure is
    /// ignored. The C function is `posix_fadvise(2)` with `POSIX_FADV_DONTNEED`.
    static func adviseNotNeeded(_ fd: Int32, _ range: Range<UInt64>) {
        #if os(Linux)
        _ = posix_fadvise(fd, off_t(range.lowerBound), off_t(range.count), POSIX_FADV_DONTNEED)
        #endif
    }

    /// Tells the kernel that this process is done with the mapped pages of `length`
    /// bytes at `address`, which must start on a page: they leave the resident set now.
    /// The file's bytes stay in the page cache, and touching the pages again maps
    /// them back in, so nothing is lost. Only advice; a failure is ignored. The C
    /// function is `madvise(2)` with `MADV_DONTNEED`.
    static func releaseMappedPages(_ address: UnsafeRawPointer, length: Int) {
        _ = madvise(UnsafeMutableRawPointer(mutating: address), length, MADV_DONTNEED)
    }

    /// The size of a page of memory, in bytes. The C function is `sysconf(3)` with
    /// `_SC_PAGESIZE`.
    static let pageSize = max(Int(sysconf(Int32(_SC_PAGESIZE))), 1)

    /// Names the calling thread for `top -H`, `perf` and debuggers (Linux keeps the
    /// first 15 bytes). Only a label: a failure is ignored. Written to
    /// `/proc/thread-self/comm`, which is what `pthread_setname_np(3)` does.
    static func nameCurrentThread(_ name: String) {
        #if os(Linux)
        let fd = Glibc.open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { _ = Glibc.close(fd) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        #endif
    }

    /// Removes a mapping made by ``mapReadOnly(_:length:path:)``. The C function is `munmap(2)`.
    static func unmap(_ address: UnsafeRawPointer, length: Int) {
        _ = munmap(UnsafeMutableRawPointer(mutating: address), length)
    }

    /// Fills `buffer` with cryptographically strong random bytes, from the C
    /// library's generator (seeded by the kernel, no system call per use).
    /// The corresponding C function is `arc4random_buf(3)`.
    static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        arc4random_buf(base, buffer.count)
    }

    /// The names in a directory, without `.` and `..`. The C functions are `opendir(3)`/`readdir(3)`.
    package static func listDirectory(_ path: String) throws(EventStoreError) -> [String] {
        guard let dir = opendir(path) else { throw error("listing", path: path, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    // MARK: Change notification

    /// Starts watching a directory for files created or written in it, by any
    /// process; `nil` where the system has no such notification (callers poll then).
    /// The corresponding C functions are `inotify_init1(2)` and `inotify_add_watch(2)`.
    static func watchDirectory(_ path: String) -> Int32? {
        #if os(Linux)
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO)
        guard inotify_add_watch(fd, path, mask) >= 0 else {
            _ = Glibc.close(fd)
            return nil
        }
        return fd
        #else
        return nil
        #endif
    }

    /// Waits until `fd` has something to read or `milliseconds` pass; `nil` waits
    /// only for the time. Returns whether `fd` became readable. The C function is `poll(2)`.
    static func waitReadable(_ fd: Int32?, milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: fd ?? -1, events: Int16(POLLIN), revents: 0)
        // An interrupted wait just ends early: every caller re-checks what it waits for.
        let result = poll(&entry, 1, milliseconds)
        return result > 0 && entry.revents & Int16(POLLIN) != 0
    }

    /// Reads and discards everything waiting on a non-blocking descriptor, such as
    /// the change records of ``watchDirectory(_:)``. The C function is `read(2)`.
    static func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while buffer.withUnsafeMutableBytes({ Glibc.read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }
}
