import Foundation
import Synchronization

/// Notices commits that *other processes* make to a store, so that subscriptions in
/// this process see them without polling the log.
///
/// A thread of its own waits on the kernel's change notification for the segment
/// directory (inotify) and catches the index up whenever a segment is created or
/// written. Where no notification is available it checks every
/// ``pollingInterval``; with one, it still checks every ``safetyInterval`` in case a
/// file system (a network share, say) does not report changes made elsewhere.
/// Commits made by this process need none of this: the writer publishes them itself.
final class LogWatcher: Sendable {
    /// How often the log is checked where the system has no change notification.
    static let pollingInterval: Int32 = 100
    /// How often the log is checked even though change notification is on.
    static let safetyInterval: Int32 = 2_000

    private let isStopped = Atomic<Bool>(false)

    /// Starts watching `directory`; `catchUp` runs on the watcher's thread after
    /// every change and returns `false` once the store is closed.
    init(directory: String, catchUp: @escaping @Sendable () -> Bool) {
        // Registered before the thread starts, so no change after `init` is missed.
        let notifications = SystemCall.watchDirectory(directory)
        let thread = Thread { [self] in
            defer { if let notifications { SystemCall.close(notifications) } }
            let interval = notifications == nil ? Self.pollingInterval : Self.safetyInterval
            while !self.isStopped.load(ordering: .acquiring) {
                if SystemCall.waitReadable(notifications, milliseconds: interval), let notifications {
                    SystemCall.drain(notifications)
                }
                guard !self.isStopped.load(ordering: .acquiring), catchUp() else { return }
            }
        }
        thread.name = "opossum.watcher"
        thread.stackSize = 256 << 10
        thread.start()
    }

    /// Stops the thread at its next wake-up.
    func stop() {
        isStopped.store(true, ordering: .releasing)
    }
}
