import ArgumentParser
import Foundation
import Opossum

/// `opossum read`: streams the events matching a query as JSON lines.
struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Print the events matching a query, one JSON object per line.",
        discussion: """
            QUERY is "all" (the default; the bare word all works too) or {"items": [ITEM, \
            ...]}: an event matches if it matches any item. An ITEM is {"types": ["T", ...], \
            "tags": ["key:value", ...]}: one of the types (if any) and all of the tags (if \
            any); an item needs at least one of the two.

            Options apply in order: --from selects the first position (inclusive: forwards \
            >= N, backwards <= N), --backwards the direction, --limit the count. Each line is \
            {"position": N, "type": ..., "tags": [...], "data": <JSON or null>, "metadata": \
            {...}}. The events are streamed, so any number can be read.

            Example:
              opossum read --store ~/events --backwards --limit 1 \\
                --query '{"items":[{"types":["StudentSubscribed"],"tags":["course:7"]}]}'
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The events to read, as JSON (default: all).", valueName: "json"))
    var query: String?

    @Option(help: ArgumentHelp("The first position to consider, inclusive.", valueName: "position"))
    var from: UInt64?

    @Flag(help: "Read from the highest position down.")
    var backwards = false

    @Option(help: ArgumentHelp("The most events to print.", valueName: "count"))
    var limit: Int?

    @Flag(help: "Also print this site's decisions that head office rejected (see `opossum rejections`).")
    var includeRejected = false

    func validate() throws {
        if let limit, limit < 0 {
            throw ValidationError("--limit must be 0 or more, not \(limit)")
        }
    }

    func run() async throws {
        let query = try query.map(Self.parseQuery) ?? .all
        let options = ReadOptions(from: from.map(Position.init(rawValue:)), backwards: backwards, limit: limit)
        let output = StandardOutput()
        try await storeOptions.withStore { store in
            do {
                if includeRejected {
                    // Opossum's own records stay out; the limit counts what is printed.
                    var unlimited = options
                    unlimited.limit = nil
                    var printed = 0
                    for try await event in store.readIncludingHidden(query, options: unlimited)
                    where !event.type.hasPrefix("$") {
                        guard printed < limit ?? .max else { break }
                        try output.writeLine(event.jsonLine)
                        printed += 1
                    }
                } else {
                    for try await event in store.read(query, options: options) {
                        try output.writeLine(event.jsonLine)
                    }
                }
            } catch let error where !(error is StandardOutput.Closed) {
                // Earlier lines may already be out; print the rest of the good ones too,
                // so the output always ends just before the event that failed.
                try? output.flush()
                throw error
            }
            try output.flush()
        }
    }

    /// Parses `--query`, accepting the bare word `all` that a shell leaves of `"all"`.
    static func parseQuery(_ text: String) throws -> Query {
        if text.trimmingCharacters(in: .whitespaces) == "all" {
            return .all
        }
        return try JSONText.decode(Query.self, from: text, option: "--query")
    }
}
