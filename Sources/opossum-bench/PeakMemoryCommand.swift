import ArgumentParser
import Foundation
import Opossum

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The hidden child command: opens a store, streams every event, and reports the
/// process's peak resident memory, so that the measurement holds nothing of the parent.
struct PeakMemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peak-memory",
        abstract: "Reads every event of a store and prints the peak memory (used by the benchmark).",
        shouldDisplay: false
    )

    @Option(help: "An Opossum store directory to read.")
    var opossum: String?

    @Option(help: "A SQLite baseline database file to read.")
    var sqlite: String?

    func validate() throws {
        guard (opossum == nil) != (sqlite == nil) else {
            throw ValidationError("give exactly one of --opossum and --sqlite")
        }
    }

    func run() async throws {
        var count = 0
        if let opossum {
            let store = try await FileEventStore.open(at: opossum)
            for try await event in store.read(.all, options: .none) {
                _ = event
                count += 1
            }
            let report = PeakMemoryReport.current(events: count)
            await store.close()
            print(report.line)
        } else if let sqlite {
            let report = try await PlainThreads.run {
                let store = try SQLiteEventStore(path: sqlite, synchronous: .full)
                let count = try store.forEachEvent { _ in }
                return PeakMemoryReport.current(events: count)
            }
            print(report.line)
        }
    }
}
