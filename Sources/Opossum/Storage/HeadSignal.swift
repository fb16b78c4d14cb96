import Synchronization

/// Tells waiting subscriptions that the store's head moved past the position they
/// have seen.
///
/// The writer publishes after each commit, and so does anyone who catches the index
/// up with another process's commits. The signal keeps the highest head published,
/// so a subscription that starts waiting after the head already moved returns at once.
final class HeadSignal: Sendable {
    private struct Waiter {
        let beyond: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    /// Where one call of ``wait(beyond:)`` stands.
    private enum Entry {
        /// Started, not yet registered its continuation.
        case starting
        /// Cancelled while starting: it must not register.
        case cancelled
        case waiting(Waiter)
    }

    private struct State {
        var head: UInt64
        var closed: EventStoreError?
        var entries: [Int: Entry] = [:]
        var nextIdentifier = 0
    }

    private let state: Mutex<State>

    init(head: UInt64) {
        state = Mutex(State(head: head))
    }

    /// Records that the log reaches `head` and wakes everyone waiting for less.
    func publish(_ head: UInt64) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard head > state.head else { return [] }
            state.head = head
            guard !state.entries.isEmpty else { return [] }
            var ready: [CheckedContinuation<Void, any Error>] = []
            for (identifier, entry) in state.entries {
                guard case .waiting(let waiter) = entry, waiter.beyond < head else { continue }
                state.entries[identifier] = nil
                ready.append(waiter.continuation)
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// Ends every wait, present and future, with `error`.
    func close(_ error: EventStoreError) {
        let waiters = state.withLock { state -> [Waiter] in
            state.closed = error
            var waiters: [Waiter] = []
            for (identifier, entry) in state.entries {
                guard case .waiting(let waiter) = entry else { continue }
                state.entries[identifier] = nil
                waiters.append(waiter)
            }
            return waiters
        }
        for waiter in waiters { waiter.continuation.resume(throwing: error) }
    }

    /// Waits until the head is beyond `position`.
    ///
    /// - Throws: `CancellationError` when the task is cancelled; the store's error
    ///   when it is closed.
    func wait(beyond position: UInt64) async throws {
        let identifier = state.withLock { state -> Int in
            state.nextIdentifier += 1
            state.entries[state.nextIdentifier] = .starting
            return state.nextIdentifier
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate = state.withLock { state -> Result<Void, any Error>? in
                    let result: Result<Void, any Error>
                    if case .cancelled = state.entries[identifier] {
                        result = .failure(CancellationError())
                    } else if let closed = state.closed {
                        result = .failure(closed)
                    } else if state.head > position {
                        result = .success(())
                    } else {
                        state.entries[identifier] = .waiting(Waiter(beyond: position, continuation: continuation))
                        return nil
                    }
                    state.entries[identifier] = nil
                    return result
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                switch state.entries[identifier] {
                case .starting:
                    state.entries[identifier] = .cancelled
                    return nil
                case .waiting(let waiter):
                    state.entries[identifier] = nil
                    return waiter
                case .cancelled, nil:
                    return nil
                }
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }
}
