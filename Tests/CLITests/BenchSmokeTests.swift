import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The benchmark harness still runs: `opossum-bench --smoke` measures every workload at
/// tiny sizes. Only that it runs and reports every row is checked, never a timing.
@Suite("opossum-bench --smoke")
struct BenchSmokeTests {
    /// Every workload's row, as the table names it.
    static let workloads = [
        "physical limit: append 200-byte records to a file, fdatasync after each",
        "physical limit: append 200-byte records to a file, fdatasync after each 100",
        "physical limit: overwrite 200-byte records in a preallocated file, fdatasync after each",
        "physical limit: overwrite 200-byte records in a preallocated file, fdatasync after each 100",
        "durable single-event append, 1 writer",
        "durable 1-event conditional appends, 16 writers, disjoint tags",
        "durable batches of 100 events",
        "conditional append on the",
        "read all events of one tag",
        "forward read of all",
        "open the",
        "peak memory reading all",
        "load the big store",
        "projection rebuild",
        "bundle export then import",
        "HTTP push then pull",
    ]

    @Test func smokeRunReportsEveryWorkload() async throws {
        try await TemporaryDirectory.with { directory in
            let report = directory.appending("benchmarks.md")
            let result = try await Self.runBench([
                "--smoke", "--data-dir", directory.appending("data"), "--report", report,
            ])
            #expect(result.exitCode == 0, "\(result)")
            let lines = result.stdoutLines
            for workload in Self.workloads {
                #expect(lines.contains { $0.hasPrefix(workload) }, "no row for \(workload)\n\(result)")
            }
            #expect(lines.contains { $0.hasPrefix("HTTP push then pull") && !$0.hasSuffix("not yet") })
            #expect(lines.contains { $0.hasPrefix("bundle export then import") && !$0.hasSuffix("not yet") })
            #expect(lines.contains { $0.hasPrefix("projection rebuild") && !$0.hasSuffix("not yet") })
            #expect(!FileManager.default.fileExists(atPath: report), "--smoke writes no report")
            #expect(!FileManager.default.fileExists(atPath: directory.appending("data")), "the data is removed")
        }
    }

    /// How long the smoke run may take before the test gives up on it (it takes seconds).
    static let timeout: Duration = .seconds(300)

    /// Runs the `opossum-bench` built next to the `opossum` the other CLI tests run.
    private static func runBench(_ arguments: [String]) async throws -> CommandResult {
        let executable = OpossumCLI.executable.deletingLastPathComponent().appendingPathComponent("opossum-bench")
        let scratch = FileManager.default.temporaryDirectory
        let name = "opossum-bench-\(UUID().uuidString)"
        let stdoutFile = scratch.appendingPathComponent("\(name).out")
        let stderrFile = scratch.appendingPathComponent("\(name).err")
        // Files rather than pipes: a child that writes a lot can never block on a full pipe.
        try Data().write(to: stdoutFile)
        try Data().write(to: stderrFile)
        defer {
            try? FileManager.default.removeItem(at: stdoutFile)
            try? FileManager.default.removeItem(at: stderrFile)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        process.standardInput = FileHandle.nullDevice
        let exitCodes = AsyncStream<Int32> { continuation in
            process.terminationHandler = { process in
                continuation.yield(process.terminationStatus)
                continuation.finish()
            }
        }
        try process.run()
        let processIdentifier = process.processIdentifier
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            kill(processIdentifier, SIGKILL)
            Issue.record("opossum-bench did not finish in \(timeout); killed it")
        }
        var exitCode: Int32 = -1
        for await code in exitCodes { exitCode = code }
        watchdog.cancel()
        return CommandResult(
            exitCode: exitCode,
            stdout: String(decoding: try Data(contentsOf: stdoutFile), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: stderrFile), as: UTF8.self)
        )
    }
}
