import Foundation
import Synchronization

/// Runs blocking work (SQLite, raw `write`/`fdatasync`, child processes) on threads of its
/// own, never on Swift's cooperative pool, whose few threads the Opossum contender needs.
enum PlainThreads {
    /// Runs `body` on a new thread and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    /// Runs `count` threads at once and returns how long they took together, in seconds,
    /// and what each returned.
    ///
    /// Each thread first runs `prepare` (opening a connection, say), untimed; when all are
    /// prepared, the clock starts and each runs `body` with what its `prepare` returned.
    /// The time ends when the last `body` returns.
    static func runTogether<Prepared, T: Sendable>(
        count: Int,
        prepare: @escaping @Sendable (Int) throws -> Prepared,
        body: @escaping @Sendable (Prepared) throws -> T
    ) async throws -> (seconds: Double, results: [T]) {
        try await run {
            let ready = DispatchSemaphore(value: 0)
            let go = DispatchSemaphore(value: 0)
            let done = DispatchGroup()
            let results = Mutex([Result<T, any Error>?](repeating: nil, count: count))
            for number in 0..<count {
                done.enter()
                let thread = Thread {
                    defer { done.leave() }
                    let result = Result { () throws -> T in
                        let prepared = Result { try prepare(number) }
                        ready.signal()
                        go.wait()
                        return try body(try prepared.get())
                    }
                    results.withLock { $0[number] = result }
                }
                thread.stackSize = 4 << 20
                thread.start()
            }
            for _ in 0..<count { ready.wait() }
            let start = ContinuousClock.now
            for _ in 0..<count { go.signal() }
            done.wait()
            let seconds = (ContinuousClock.now - start).seconds
            return (seconds, try results.withLock { try $0.map { try $0!.get() } })
        }
    }
}
