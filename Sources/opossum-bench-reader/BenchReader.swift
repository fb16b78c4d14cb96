import Foundation
import Opossum
import OpossumBenchBaseline

/// The benchmark's peak-memory child: reads every event of one store and prints a
/// ``PeakMemoryReport`` line.
///
/// It is a program of its own, linked with Opossum and SQLite only, so that its resident
/// set is what reading costs and not what the benchmark's other workloads (the hub, libcurl)
/// bring along. Usage: `opossum-bench-reader --opossum DIR` or `--sqlite FILE`.
@main
enum BenchReader {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.count == 2 else {
            throw BenchReaderError.usage
        }
        switch arguments[0] {
        case "--opossum":
            let store = try await FileEventStore.open(at: arguments[1])
            var count = 0
            for try await event in store.read(.all, options: .none) {
                _ = event
                count += 1
            }
            let report = PeakMemoryReport.current(events: count)
            await store.close()
            print(report.line)
        case "--sqlite":
            // SQLite's calls block: they run on a thread of their own, off the cooperative pool.
            let report = try await withCheckedThrowingContinuation { continuation in
                let path = arguments[1]
                let thread = Thread {
                    continuation.resume(
                        with: Result {
                            let store = try SQLiteEventStore(path: path, synchronous: .full)
                            return PeakMemoryReport.current(events: try store.forEachEvent { _ in })
                        }
                    )
                }
                thread.start()
            }
            print(report.line)
        default:
            throw BenchReaderError.usage
        }
    }
}

/// The reader was called wrongly.
enum BenchReaderError: Error, CustomStringConvertible {
    case usage

    var description: String { "usage: opossum-bench-reader --opossum DIR | --sqlite FILE" }
}
