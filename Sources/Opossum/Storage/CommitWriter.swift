import Foundation

/// One append waiting for the writer: its events, its condition, and the caller to answer.
struct PendingAppend: Sendable {
    let events: [Event]
    let condition: AppendCondition?
    /// For a decided request (see ``StoreView``): chooses the batches on the writer
    /// thread, with the index current. Such a request commits in a group of its own.
    var decide: StoreView.Decide? = nil
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
    /// How many appends the last group held: as many writers are likely to come back.
    private var lastGroupSize = 0
    /// How long the last group took to commit.
    private var lastCommitDuration: Duration = .zero

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
        let clock = ContinuousClock()
        while true {
            condition.lock()
            while queue.isEmpty && !isStopping { condition.wait() }
            if queue.isEmpty {
                isStopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
            gatherStragglers(clock: clock)
            var count = min(queue.count, Self.maximumGroupSize)
            // A decided request commits alone; plain appends before it go first.
            if let decided = queue.prefix(count).firstIndex(where: { $0.decide != nil }) {
                count = decided == 0 ? 1 : decided
            }
            let group = Array(queue.prefix(count))
            queue.removeFirst(count)
            lastGroupSize = count
            condition.unlock()
            let start = clock.now
            commit(group)
            lastCommitDuration = clock.now - start
        }
    }

    /// Waits a little for the writers of the last group to come back, so that they
    /// share the next flush instead of splitting into a small group and a large one.
    ///
    /// The wait ends as soon as as many appends are queued as the last group held,
    /// and never lasts more than a tenth of the last commit (at most a millisecond):
    /// a lone writer, whose last group held one append, never waits at all.
    private func gatherStragglers(clock: ContinuousClock) {
        guard queue.count < lastGroupSize, !isStopping else { return }
        let window = min(lastCommitDuration / 10, .milliseconds(1))
        let (seconds, attoseconds) = window.components
        let deadline = Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18)
        while queue.count < lastGroupSize && !isStopping {
            if !condition.wait(until: deadline) { return }
        }
    }
}
