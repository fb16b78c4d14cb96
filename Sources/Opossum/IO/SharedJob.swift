import Foundation

/// Work offered to another I/O thread that whoever needs its result first runs: a
/// pool thread if one is free, otherwise the thread that waits for it.
///
/// Because a waiter never blocks on work nobody has started, threads of a pool that
/// all wait on such jobs cannot deadlock: each runs its own.
final class SharedJob<Value>: @unchecked Sendable {
    private enum State {
        case pending(() throws -> Value)
        case running
        case done(Result<Value, any Error>)
        /// The result was handed over: the job, which a queued pool closure may keep
        /// alive a while longer, holds no reference to it, so an array result is not
        /// copied on its taker's first write.
        case taken
    }

    private let condition = NSCondition()
    private var state: State

    /// Offers `work` to `pool`; call ``value()`` for its result.
    init(on pool: IOThreadPool, _ work: @escaping () throws -> Value) {
        state = .pending(work)
        pool.submit { [self] in runIfPending() }
    }

    /// The work's result: runs the work here if no pool thread has started it yet,
    /// otherwise waits for the thread that did. A job has one taker: call this once.
    func value() throws -> Value {
        runIfPending()
        condition.lock()
        defer { condition.unlock() }
        while true {
            if case .done(let result) = state {
                state = .taken
                return try result.get()
            }
            condition.wait()
        }
    }

    private func runIfPending() {
        condition.lock()
        guard case .pending(let work) = state else {
            condition.unlock()
            return
        }
        state = .running
        condition.unlock()
        let result = Result { try work() }
        condition.lock()
        // Moved in, not copied: this thread keeps no reference once the taker has it.
        state = .done(consume result)
        condition.broadcast()
        condition.unlock()
    }
}
