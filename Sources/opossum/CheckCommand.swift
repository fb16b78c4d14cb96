import ArgumentParser
import Foundation
import Opossum

/// `opossum check`: verifies every byte of a store and reports what is damaged.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify a store's files and report any damage.",
        discussion: """
            Reads and verifies every file of the store, without needing it to open cleanly. \
            Prints a summary; prints each problem, naming its file and byte offset, on \
            standard error; exits with 1 if there is any problem.

            Example:
              opossum check --store ~/events || echo "the store is damaged"
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let report = try await FileEventStore.check(at: storeOptions.directory)
        for problem in report.problems {
            StandardOutput.writeError("opossum: \(problem.description)")
        }
        for notice in report.notices {
            StandardOutput.writeError("opossum: note: \(notice.description)")
        }
        let output = StandardOutput()
        let segments = report.segmentsVerified == 1 ? "1 segment" : "\(report.segmentsVerified) segments"
        let verdict =
            switch report.problems.count {
            case 0: "no problems found"
            case 1: "1 problem found"
            case let count: "\(count) problems found"
            }
        try output.writeLine("checked \(report.eventsVerified) events in \(segments): \(verdict)")
        try output.flush()
        if !report.isHealthy {
            throw ExitCode.failure
        }
    }
}
