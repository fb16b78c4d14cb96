import ServiceLifecycle
import Synchronization

/// Where a server is in its life: whether it is shutting down, and the service group
/// to tell when a graceful shutdown is asked for.
final class HubLifecycle: Sendable {
    private enum State {
        case idle
        case running(ServiceGroup)
        case shutDownRequested
        case finished
    }

    private let state = Mutex(State.idle)
    private let shuttingDown = Atomic(false)

    /// Whether a graceful shutdown has begun: new pushes are turned away then.
    var isShuttingDown: Bool { shuttingDown.load(ordering: .relaxed) }

    /// Marks the server as shutting down.
    func beginShutdown() {
        shuttingDown.store(true, ordering: .relaxed)
    }

    /// Runs `group` until it ends, shutting it down gracefully at once if that was
    /// asked for before it started.
    func run(_ group: ServiceGroup) async throws {
        let requested = state.withLock { state -> Bool in
            let requested = if case .shutDownRequested = state { true } else { false }
            state = .running(group)
            return requested
        }
        if requested { await group.triggerGracefulShutdown() }
        defer { state.withLock { $0 = .finished } }
        try await group.run()
    }

    /// Starts a graceful shutdown of the running group, or of the next one to run.
    func shutDown() async {
        beginShutdown()
        let group = state.withLock { state -> ServiceGroup? in
            switch state {
            case .running(let group):
                return group
            case .idle:
                state = .shutDownRequested
                return nil
            case .shutDownRequested, .finished:
                return nil
            }
        }
        await group?.triggerGracefulShutdown()
    }
}
