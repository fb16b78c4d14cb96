import ArgumentParser
import Foundation
import Opossum

/// `opossum tail`: prints matching events as they are committed, like `tail -f`.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print matching events as they are committed, one JSON object per line.",
        discussion: """
            Waits for new events and prints each as soon as it is committed, also those \
            appended by other processes (another opossum, a sync, the application), until \
            interrupted. Without --from it starts with the next event committed; --from N \
            first prints the matching events from position N on (inclusive), then goes on \
            live. --limit stops after that many events. QUERY and the line format are as for \
            `opossum read`.

            Example:
              opossum tail --store ~/events --from 1 \\
                --query '{"items":[{"types":["PartReserved"],"tags":["depot:north"]}]}'
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The events to print, as JSON (default: all).", valueName: "json"))
    var query: String?

    @Option(
        help: ArgumentHelp(
            "The first position to print, inclusive (default: the next one committed).",
            valueName: "position"
        )
    )
    var from: UInt64?

    @Option(help: ArgumentHelp("Stop after printing this many events.", valueName: "count"))
    var limit: Int?

    func validate() throws {
        if let limit, limit < 0 {
            throw ValidationError("--limit must be 0 or more, not \(limit)")
        }
        if from == 0 {
            throw ValidationError("--from must be a position, 1 or more")
        }
    }

    func run() async throws {
        let query = try query.map(ReadCommand.parseQuery) ?? .all
        let output = StandardOutput()
        try await storeOptions.withStore { store in
            var remaining = limit ?? .max
            guard remaining > 0 else { return }
            var next = try await store.status().head.next
            do {
                // What is already committed goes out buffered, in one stream...
                if let from, from < next.rawValue {
                    let options = ReadOptions(from: Position(from), limit: remaining)
                    for try await event in store.read(query, options: options) {
                        try output.writeLine(event.jsonLine)
                        next = Swift.max(next, event.position.next)
                        remaining -= 1
                    }
                    try output.flush()
                    guard remaining > 0 else { return }
                } else if let from {
                    next = Position(from)
                }
                // ...and each live event as soon as it is committed.
                for try await event in store.subscribe(query, from: next) {
                    try output.writeLine(event.jsonLine)
                    try output.flush()
                    remaining -= 1
                    if remaining == 0 { break }
                }
            } catch let error where !(error is StandardOutput.Closed) {
                try? output.flush()
                throw error
            }
        }
    }
}
