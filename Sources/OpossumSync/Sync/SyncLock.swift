import Opossum

/// The lock that keeps two syncs of one store from running at once, in this process
/// or another: `Sync/sync.lock` in the store's directory, held with `flock`.
///
/// The store's own writer lock already makes a sync safe next to an app that appends;
/// this one keeps two sync agents (a timer and a hand-started `opossum sync`, say) from
/// pushing and pulling the same store twice over. The kernel drops it when the process
/// dies, so a crashed sync never blocks the next one.
final class SyncLock: Sendable {
    private let file: OpenFile

    private init(file: OpenFile) {
        self.file = file
    }

    /// The lock file of the store in `directory`.
    static func path(in directory: String) -> String {
        directory + "/Sync/sync.lock"
    }

    /// Takes the lock of `store`, waiting while another sync holds it, checking every
    /// `interval`; `onWait` is called once if it has to wait. Cancelling the task stops
    /// the wait.
    static func acquire(
        for store: FileEventStore,
        checkingEvery interval: Duration = .milliseconds(200),
        onWait: @Sendable () -> Void = {}
    ) async throws -> SyncLock {
        var waited = false
        while true {
            if let lock = try await tryAcquire(for: store) { return lock }
            if !waited {
                onWait()
                waited = true
            }
            try await Task.sleep(for: interval)
        }
    }

    /// Takes the lock of `store` without waiting: `nil` while another sync holds it.
    static func tryAcquire(for store: FileEventStore) async throws -> SyncLock? {
        let directory = store.directory + "/Sync"
        let path = path(in: store.directory)
        return try await IOThreadPool.shared.run { () throws -> SyncLock? in
            do throws(EventStoreError) {
                try SystemCall.makeDirectories(directory)
                return try OpenFile.tryLocking(path).map(SyncLock.init(file:))
            } catch {
                throw SyncError(.io, "cannot take the sync lock: \(error.message)", path: path)
            }
        }
    }
}
