import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into task cancellation, so a long-running command (a
/// scheduled sync) stops between steps and closes its store instead of dying mid-write.
enum TerminationSignals {
    /// Runs `body` in a task that is cancelled when the process receives SIGINT or
    /// SIGTERM, and returns its result.
    static func cancelling<Result: Sendable>(
        _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let task = Task { try await body() }
        let sources = [SIGINT, SIGTERM].map { number in
            // The default action would end the process at once; the source sees it instead.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer { for source in sources { source.cancel() } }
        return try await task.value
    }
}
