import Foundation

/// Threads of their own for blocking file I/O, so that reads never block Swift's
/// cooperative thread pool (whose few threads all async code shares).
///
/// Work is handed over with a continuation and the calling task suspends until a
/// pool thread has done it.
package final class IOThreadPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var threads: [Thread] = []

    /// The pool every store in the process shares for reads.
    package static let shared = IOThreadPool(threadCount: 4, name: "opossum.io")

    init(threadCount: Int, name: String) {
        for number in 0..<threadCount {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "\(name).\(number)"
            thread.stackSize = 1 << 20
            threads.append(thread)
            thread.start()
        }
    }

    /// Runs `body` on a pool thread and returns its result, handed over as an
    /// ``IOJob`` hands its value: the pool thread keeps no reference to it.
    package func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await IOJob(on: self, body).value()
    }

    /// Runs `job` on a pool thread, without waiting for it.
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
