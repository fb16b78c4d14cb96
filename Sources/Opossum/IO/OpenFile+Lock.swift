#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension OpenFile {
    /// Opens (creating it if needed) the lock file at `path` and takes its exclusive
    /// `flock` without waiting: `nil` when another holder, in this process or another,
    /// has it. The lock lasts as long as the returned file stays open, and the kernel
    /// drops it when the process dies, so a crash never leaves a stale lock.
    package static func tryLocking(_ path: String) throws(EventStoreError) -> OpenFile? {
        let file = try OpenFile(path: path, flags: O_RDWR | O_CREAT)
        do {
            try SystemCall.lock(file.fd, LOCK_EX | LOCK_NB, path: path)
        } catch  where error.errno == EWOULDBLOCK {
            return nil
        }
        return file
    }
}
