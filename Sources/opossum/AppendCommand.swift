import ArgumentParser
import Foundation
import Opossum

/// `opossum append`: appends one event, or a batch of events atomically, under an optional condition.
struct AppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append one event, or a batch of events as one atomic unit.",
        discussion: """
            Give one event with --type (plus --tag and --data), or many with --batch: a \
            file, or - for standard input, of JSON lines {"type": ..., "tags": ["key:value", \
            ...], "data": <any JSON>}. Blank lines are skipped; the whole batch is appended \
            atomically, and a bad line stops it with its line number. The store's default \
            limits apply: at most 10,000 events and 16 MiB per batch, 1 MiB per event, 64 \
            tags per event and 256 bytes per tag; over one, nothing is written.

            --condition makes the append conditional: it fails, writing nothing, if an event \
            matching the condition's query exists (after position "after", when given). \
            CONDITION is {"failIfEventsMatch": QUERY, "after": N}, where QUERY is "all" or \
            {"items": [{"types": ["T", ...], "tags": ["key:value", ...]}, ...]}.

            Prints {"position": N}, the position of the last event appended. Exits with 3 \
            when the condition failed.

            Example:
              opossum append --store ~/events --type UsernameClaimed --tag username:alice \\
                --data '{"name": "Alice"}' \\
                --condition '{"failIfEventsMatch":{"items":[{"tags":["username:alice"]}]}}'
              opossum read --store old | opossum append --store ~/events --batch -
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The event's type.")
    var type: String?

    @Option(
        name: .customLong("tag"),
        help: ArgumentHelp("A tag of the event; repeat for more.", valueName: "key:value")
    )
    var tags: [String] = []

    @Option(help: ArgumentHelp("The event's data as JSON (default: none).", valueName: "json"))
    var data: String?

    @Option(help: ArgumentHelp("Append the JSON-lines events in FILE, or - for standard input.", valueName: "file"))
    var batch: String?

    @Option(help: ArgumentHelp("Fail, writing nothing, if this condition's query matches.", valueName: "json"))
    var condition: String?

    func validate() throws {
        switch (type, batch) {
        case (nil, nil):
            throw ValidationError("give --type for one event or --batch for many")
        case (.some, .some):
            throw ValidationError("--type and --batch cannot be used together")
        case (nil, .some) where !tags.isEmpty || data != nil:
            throw ValidationError("--tag and --data go with --type; in a batch, each line has its own")
        default:
            break
        }
    }

    func run() async throws {
        // Everything is parsed before the store is opened: bad input never touches it.
        let condition = try condition.map {
            try JSONText.decode(AppendCondition.self, from: $0, option: "--condition")
        }
        let events = try makeEvents()
        let position = try await storeOptions.withStore { store in
            try await store.append(events, condition: condition)
        }
        let output = StandardOutput()
        try output.writeLine(JSONText.object(["position": String(position.rawValue)]))
        try output.flush()
    }

    private func makeEvents() throws -> [Event] {
        if let batch {
            return try EventBatch.events(from: batch)
        }
        let tags = try tags.map { text throws(EventStoreError) in try Tag(parsing: text) }
        return [Event(type: type ?? "", data: Data((data ?? "").utf8), tags: tags)]
    }
}
