import Foundation
import OpossumBenchBaseline

extension PeakMemoryReport {
    /// Runs `executable ARGUMENTS` (a `peak-memory` command) as a child and returns its
    /// peak memory in bytes, checking that it read `expected` events.
    static func measure(_ executable: String, _ arguments: [String], expecting expected: Int) async throws -> Double {
        let output = try await PlainThreads.run { try ChildProcess.run(executable, arguments) }
        let line = output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        guard output.status == 0, let report = PeakMemoryReport(line: line) else {
            throw BenchError(message: "peak-memory child exited \(output.status) saying \(line.debugDescription)")
        }
        try check(report.events == expected, "the peak-memory child read \(report.events) events, not \(expected)")
        return Double(report.peakResidentKiB) * 1024
    }
}
