import Foundation
import Synchronization

/// Runs `body` on the cooperative pool and waits for it on the calling thread.
///
/// libFuzzer calls its harness synchronously; the stores and the hub are async. The
/// calling thread must not be one of the pool's own, or the pool may have no thread
/// left to run `body`: the driver calls from the main thread, and the regression
/// tests from a thread of their own.
package func blocking<Value: Sendable>(_ body: @escaping @Sendable () async throws -> Value) throws -> Value {
    let outcome = Mutex<Result<Value, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let result: Result<Value, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        outcome.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    return try outcome.withLock { $0! }.get()
}
