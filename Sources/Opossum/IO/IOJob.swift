import Synchronization

/// Work started on the I/O pool now, whose value a task takes later.
///
/// A job runs while its starter goes on with something else, and taking a finished
/// job's value returns at once, without suspending; ``IOThreadPool/run(_:)`` is a job
/// whose value is taken at once. Unlike a `Task`, which keeps its
/// value for every awaiter, a job hands its value over and keeps no reference to it:
/// an array reaches its taker uniquely referenced and is not copied on its first
/// write.
final class IOJob<Value: Sendable>: Sendable {
    fileprivate enum State {
        case running
        case awaited(CheckedContinuation<Value, any Error>)
        case done(Result<Value, any Error>)
        case taken
    }

    private let state = Mutex<State>(.running)

    /// Submits `work` to `pool`.
    init(on pool: IOThreadPool, _ work: @escaping @Sendable () throws -> Value) {
        pool.submit { [self] in
            var result = Optional(Result { try work() })
            let awaiting = state.withLock { state -> CheckedContinuation<Value, any Error>? in
                guard case .awaited(let continuation) = state else {
                    state = .done(result.take()!)
                    return nil
                }
                state = .taken
                return continuation
            }
            if let awaiting { awaiting.resume(with: result.take()!) }
        }
    }

    /// Takes the work's value, once it is done; at once if it is.
    ///
    /// A job has one taker: call this once. It runs in the caller's isolation, so
    /// taking a finished job's value never leaves it.
    func value(isolation: isolated (any Actor)? = #isolation) async throws -> Value {
        if let result = state.withLock({ $0.take() }) {
            return try result.get()
        }
        return try await withCheckedThrowingContinuation { continuation in
            let result = state.withLock { state in
                let result = state.take()
                if result == nil { state = .awaited(continuation) }
                return result
            }
            if let result { continuation.resume(with: result) }
        }
    }
}

extension IOJob.State {
    /// The finished work's result, leaving `.taken`; `nil`, and unchanged, if not done.
    fileprivate mutating func take() -> Result<Value, any Error>? {
        guard case .done(let result) = self else { return nil }
        self = .taken
        return result
    }
}
