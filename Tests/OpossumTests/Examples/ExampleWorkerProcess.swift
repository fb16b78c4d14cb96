import Foundation
import Opossum
import OpossumTestSupport
import Testing

@testable import opossum_example_worker

#if canImport(Glibc)
import Glibc
#endif

/// Runs the `opossum-example-worker` executable built next to the test bundle, so the
/// examples' rules can be checked against several processes racing on one store.
enum ExampleWorkerProcess {
    /// How long a worker may run before the test gives up on it and kills it.
    static let timeout: Duration = .seconds(60)

    /// The built worker: in the build products directory that holds the test runner.
    static var executable: URL { URL(fileURLWithPath: BuiltProduct.path(of: "opossum-example-worker")) }

    /// Starts one worker per entry of `invocations` at once — each runs `scenario`
    /// with its arguments on the store at `storePath`, `attempts` times concurrently —
    /// and returns every attempt's result.
    static func race(
        _ invocations: [[String]],
        attempts: Int,
        on storePath: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [WorkerResult] {
        #expect(
            FileManager.default.isExecutableFile(atPath: executable.path),
            "build with --build-tests first",
            sourceLocation: sourceLocation
        )
        return try await withThrowingTaskGroup(of: [WorkerResult].self) { group in
            for arguments in invocations {
                group.addTask { try await run([storePath] + arguments + ["--attempts", String(attempts)]) }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// Runs one worker to the end and decodes its results.
    static func run(_ arguments: [String]) async throws -> [WorkerResult] {
        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("opossum-example-worker-\(UUID().uuidString).out")
        try Data().write(to: output)
        defer { try? FileManager.default.removeItem(at: output) }
        let worker = try ChildProcess.spawn(executable.path, arguments, stdout: output.path)
        let ending = try await worker.wait(timeout: timeout) {
            Issue.record("worker \(arguments.joined(separator: " ")) did not finish in \(timeout); killed it")
        }
        let status = ending.exitCode
        let text = String(decoding: try Data(contentsOf: output), as: UTF8.self)
        #expect(status == 0, "worker \(arguments.joined(separator: " ")) exited with \(status): \(text)")
        return try text.split(separator: "\n").map { line in
            try JSONDecoder().decode(WorkerResult.self, from: Data(line.utf8))
        }
    }
}

/// Runs `count` copies of `attempt` at once, in this process, and returns how each ended.
func raceTasks<Value: Sendable>(
    _ count: Int,
    _ attempt: @escaping @Sendable (Int) async throws -> Value
) async -> [Result<Value, any Error>] {
    await withTaskGroup(of: Result<Value, any Error>.self) { group in
        for index in 0..<count {
            group.addTask {
                do {
                    return .success(try await attempt(index))
                } catch {
                    return .failure(error)
                }
            }
        }
        return await group.reduce(into: []) { $0.append($1) }
    }
}

extension Result {
    /// The value, when it succeeded.
    var success: Success? { try? get() }

    /// The error, when it failed.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

extension Array where Element == WorkerResult {
    /// The results with `status`.
    func with(_ status: WorkerResult.Status) -> [WorkerResult] {
        filter { $0.status == status }
    }
}

/// Patient retries for examples where many tasks race on one boundary.
let contendedRetry = RetryPolicy(maxAttempts: 100, initialDelay: .milliseconds(1), maxDelay: .milliseconds(50))
