import Foundation
import Synchronization

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
///
/// The thread is also a task executor (``FileEventStore/writerExecutor``): between
/// groups it runs the jobs of tasks that prefer it, so that such a task's append is
/// queued, committed and answered on one thread, with no thread to wake.
final class CommitWriter: TaskExecutor, @unchecked Sendable {
    /// The most appends one group takes, so a burst still gets answers steadily.
    static let maximumGroupSize = 4096

    private let condition = NSCondition()
    private var queue: [PendingAppend] = []
    private var isStopping = false
    private var isStopped = false
    private let commit: ([PendingAppend]) -> [Result<Position, any Error>]
    /// How many appends the last group held: as many writers are likely to come back.
    private var lastGroupSize = 0
    /// How long the last group took to commit.
    private var lastCommitDuration: Duration = .zero
    /// How many appends queued while the last group was being committed.
    private var queuedMeanwhile = 0
    /// How many queued appends the writer is waiting for, 0 while it is not waiting:
    /// an append wakes it only once they are there, not once per straggler.
    private var awaitedCount = 0
    /// `queue.count`, readable without the lock by a writer watching for its group.
    private let queuedCount = Atomic<Int>(0)
    /// The jobs of tasks that prefer this thread, waiting to run.
    private var jobs: [UnownedJob] = []
    /// `jobs.count`, readable without the lock by a writer watching for its group.
    private let jobCount = Atomic<Int>(0)

    /// Starts the writer thread; `commit` runs on it for each group, in order, and
    /// returns the answer to each append, which the writer then gives.
    init(name: String, commit: @escaping ([PendingAppend]) -> [Result<Position, any Error>]) {
        self.commit = commit
        let thread = Thread { [self] in
            SystemCall.nameCurrentThread(name)
            self.run()
        }
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
        queuedCount.store(queue.count, ordering: .releasing)
        if awaitedCount > 0 && queue.count >= awaitedCount { condition.signal() }
        return true
    }

    /// Queues a job of a task that prefers this thread, to run before the next group.
    ///
    /// Once the writer has stopped, the job goes to the global concurrent executor:
    /// a task may outlive the store it ran on.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        guard !isStopped else {
            condition.unlock()
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
            return
        }
        jobs.append(job)
        jobCount.store(jobs.count, ordering: .releasing)
        if awaitedCount > 0 { condition.signal() }
        condition.unlock()
    }

    /// Takes the waiting jobs, holding the lock.
    private func takeJobs() -> [UnownedJob] {
        defer {
            jobs = []
            jobCount.store(0, ordering: .releasing)
        }
        return jobs
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
            awaitGroup()
            if queue.isEmpty && isStopping {
                isStopped = true
                let orphans = takeJobs()
                condition.broadcast()
                condition.unlock()
                for job in orphans { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
                return
            }
            // Jobs first: they are tasks on their way to an append, which joins the group.
            // Then the group goes, if there is one, whatever came meanwhile: a steady
            // stream of jobs must not hold back the appends of other tasks.
            if !jobs.isEmpty {
                let ready = takeJobs()
                condition.unlock()
                for job in ready { job.runSynchronously(on: asUnownedTaskExecutor()) }
                condition.lock()
                if queue.isEmpty {
                    condition.unlock()
                    continue
                }
            }
            var count = min(queue.count, Self.maximumGroupSize)
            // A decided request commits alone; plain appends before it go first.
            if let decided = queue.prefix(count).firstIndex(where: { $0.decide != nil }) {
                count = decided == 0 ? 1 : decided
            }
            let group = Array(queue.prefix(count))
            queue.removeFirst(count)
            queuedCount.store(queue.count, ordering: .releasing)
            lastGroupSize = count
            condition.unlock()
            let start = clock.now
            let results = commit(group)
            lastCommitDuration = clock.now - start
            // Counted before the answers go out: whoever queued meanwhile is another writer.
            condition.lock()
            queuedMeanwhile = queue.count
            condition.unlock()
            for (append, result) in zip(group, results) {
                append.continuation.resume(with: result)
            }
        }
    }

    /// Waits, holding the lock, until the next group is queued: returns with appends
    /// in the queue, with jobs to run, or with neither once the writer is stopping.
    ///
    /// The writers answered by the last group and those that queued while it was
    /// being committed are all active, so the wait is for that many appends: without
    /// it, writers settle into two halves that take turns, each flush carrying half
    /// of them. They are awaited at once, from the moment the last group is answered,
    /// so that the first to come back does not wake the writer only for it to wait
    /// again; that wait lasts at most twice what the last commit took (and at most
    /// two milliseconds). If nobody came back by then, the writer sleeps until
    /// someone does and waits for the others at most as long as the last commit took
    /// (and at most a millisecond). A lone writer, with one append per group and
    /// nobody queuing meanwhile, never waits for more.
    private func awaitGroup() {
        let expected = min(lastGroupSize + queuedMeanwhile, Self.maximumGroupSize)
        if expected > 1, waitForAppends(expected, windows: 2) || !queue.isEmpty { return }
        while queue.isEmpty && jobs.isEmpty && !isStopping {
            awaitedCount = 1
            condition.wait()
        }
        awaitedCount = 0
        if expected > 1 && jobs.isEmpty { _ = waitForAppends(expected, windows: 1) }
    }

    /// The longest a writer waiting for a group of several appends watches the queue
    /// before it sleeps.
    static let watchLimit = Duration.microseconds(200)

    /// Waits, holding the lock, until `count` appends are queued, for at most
    /// `windows` times what the last commit took (each at most a millisecond).
    /// Returns whether they are (or the writer is stopping, or has jobs to run).
    ///
    /// For the first part of the wait (at most ``watchLimit``) the writer watches the
    /// queue's count instead of sleeping: the appends that complete a group usually
    /// arrive within it, and a writer that is awake needs no wake-up, which costs
    /// tens of microseconds where the cores are virtual. Only a wait for several
    /// appends watches; a lone writer's wait sleeps at once, so a single append's
    /// round trip costs no extra CPU time.
    private func waitForAppends(_ count: Int, windows: Int) -> Bool {
        let window = min(lastCommitDuration, .milliseconds(1)) * windows
        if queue.count < count && jobs.isEmpty && !isStopping {
            condition.unlock()
            let clock = ContinuousClock()
            let watchEnd = clock.now + min(window, Self.watchLimit)
            while queuedCount.load(ordering: .acquiring) < count && jobCount.load(ordering: .acquiring) == 0
                && clock.now < watchEnd
            {}
            condition.lock()
        }
        let (seconds, attoseconds) = window.components
        let deadline = Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18)
        awaitedCount = count
        defer { awaitedCount = 0 }
        while queue.count < count && jobs.isEmpty && !isStopping {
            if !condition.wait(until: deadline) { return false }
        }
        return true
    }
}
