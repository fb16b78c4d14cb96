import Foundation
import Opossum
import OpossumBenchBaseline

/// The benchmark's peak-memory child: reads every event of one store and prints a
/// ``PeakMemoryReport`` line.
///
/// It is a program of its own, linked with Opossum and SQLite only, so that its resident
/// set is what reading costs and not what the benchmark's other workloads (the hub, libcurl)
/// bring along. Usage: `opossum-bench-reader --opossum DIR [--reads N]` or `--sqlite FILE`.
///
/// It is also the lean reader the forward read is profiled with (`docs/benchmarks.md`):
/// with `--reads N` it reads the store N times and writes the fastest read's time to
/// standard error, so that runs of two builds made in turn can be compared.
@main
enum BenchReader {
    static func main() async throws {
        do {
            try await run(Array(CommandLine.arguments.dropFirst()))
        } catch let error as BenchReaderError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(64)  // EX_USAGE
        }
    }

    private static func run(_ arguments: [String]) async throws {
        switch arguments.first {
        case "--opossum" where arguments.count == 2 || (arguments.count == 4 && arguments[2] == "--reads"):
            guard let reads = arguments.count == 4 ? Int(arguments[3]) : 1, reads > 0 else {
                throw BenchReaderError.usage
            }
            let store = try await FileEventStore.open(at: arguments[1])
            var count = 0
            var fastest: Duration?
            for _ in 0..<reads {
                count = 0
                let clock = ContinuousClock()
                let start = clock.now
                for try await event in store.read(.all, options: .none) {
                    _ = event
                    count += 1
                }
                let elapsed = clock.now - start
                fastest = min(fastest ?? elapsed, elapsed)
            }
            if reads > 1, let fastest {
                let seconds = Double(fastest.components.seconds) + Double(fastest.components.attoseconds) / 1e18
                FileHandle.standardError.write(Data("fastest of \(reads) reads: \(seconds) s\n".utf8))
            }
            let report = PeakMemoryReport.current(events: count)
            await store.close()
            print(report.line)
        case "--sqlite" where arguments.count == 2:
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

    var description: String { "usage: opossum-bench-reader --opossum DIR [--reads N] | --sqlite FILE" }
}
