import ArgumentParser
import Foundation
import Opossum

/// `opossum status`: summarises a store: who it is, its head position and its size.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a store's identity, head position and size.",
        discussion: """
            Prints the store id, name, format version, creation time, head position (the \
            last event's; 0 when empty), event count, segment files and their bytes, and the \
            number of distinct event types and tags. With --json, prints one JSON object \
            with the fields storeId, name, directory, formatVersion, createdAt, head, \
            eventCount, segmentCount, segmentBytes, typeCount and tagCount.

            Example:
              opossum status --store ~/events --json
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        let status = try await storeOptions.withStore { store in try await store.status() }
        let output = StandardOutput()
        if json {
            try output.writeLine(jsonObject(status))
        } else {
            for line in textLines(status) {
                try output.writeLine(line)
            }
        }
        try output.flush()
    }

    private func jsonObject(_ status: StoreStatus) -> String {
        JSONText.object([
            "storeId": JSONText.string(status.identity.storeId.uuidString),
            "name": JSONText.string(status.identity.name),
            "directory": JSONText.string(storeOptions.directory),
            "formatVersion": String(status.identity.formatVersion),
            "createdAt": JSONText.string(status.identity.createdAt.formatted(.iso8601)),
            "head": String(status.head.rawValue),
            "eventCount": String(status.eventCount),
            "segmentCount": String(status.segmentCount),
            "segmentBytes": String(status.segmentBytes),
            "typeCount": String(status.typeCount),
            "tagCount": String(status.tagCount),
        ])
    }

    private func textLines(_ status: StoreStatus) -> [String] {
        [
            "store:     \(storeOptions.directory)",
            "name:      \(status.identity.name)",
            "store id:  \(status.identity.storeId.uuidString)",
            "format:    \(status.identity.formatVersion)",
            "created:   \(status.identity.createdAt.formatted(.iso8601))",
            "head:      \(status.head.rawValue)",
            "events:    \(status.eventCount)",
            "segments:  \(status.segmentCount) (\(status.segmentBytes) bytes)",
            "types:     \(status.typeCount)",
            "tags:      \(status.tagCount)",
        ]
    }
}
