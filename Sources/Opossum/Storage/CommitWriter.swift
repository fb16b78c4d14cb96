import Foundation

/// One append waiting for the writer: its events, its condition, and the caller to answer.
struct PendingAppend: Sendable {
    let events: [Event]
    let condition: AppendCondition?
    let continuation: CheckedContinuation<Position, any Error>
}

/// The store's single writer: a dedicated thread that takes every append waiting in
/// its queue as one commit group.
///
/// Appends that arrive while a group is being flushed queue up and form the next
/// group, so one `fdatasync` serves many decisions: the more concurrent writers, the
/// more appends per flush. The thread is the store's own, never one of the
/// cooperative pool's.
final class CommitWriter: @unchecked Sendable {
    /// The most appends one group takes, so a burst still gets answers steadily.
    static let maximumGroupSize = 4096

    private let condition = NSCondition()
    private var queue: [PendingAppend] = []
    private var isStopping = false
    private var isStopped = false
    private let commit: ([PendingAppend]) -> Void

    /// Starts the writer thread; `commit` runs on it for each group, in order.
    init(name: String, commit: @escaping ([PendingAppend]) -> Void) {
        self.commit = commit
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Queues an append for the next commit group.
    ///
    /// - Returns: `false` if the writer has stopped; the append was not queued.
    func submit(_ append: PendingAppend) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isStopping else { return false }
        queue.append(append)
        condition.signal()
        return true
    }

    /// Commits what is queued, then stops the thread; returns once it has stopped.
    func stop() {
        condition.lock()
        isStopping = true
        condition.broadcast()
        while !isStopped { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !isStopping { condition.wait() }
            if queue.isEmpty {
                isStopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let count = min(queue.count, Self.maximumGroupSize)
            let group = Array(queue.prefix(count))
            queue.removeFirst(count)
            condition.unlock()
            commit(group)
        }
    }
}
