import ArgumentParser
import Foundation
import Opossum
import OpossumSync

/// `opossum hub sites`: lists the sites enrolled at the hub.
struct HubSitesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sites",
        abstract: "List the sites enrolled at the hub.",
        discussion: """
            Prints a table of the enrolled sites, in the order they were enrolled: name, \
            store id, time of enrolment, the hub URL they were given, and how far each has \
            synced (last contact, hub cursor, verdicts it has not received; shown as — until \
            the site first syncs). With --json, prints one JSON object per site with the \
            fields name, storeId, publicKey, enrolledAt, hubURL, lastContact, cursor and \
            pendingVerdicts (null when unknown).

            Example:
              opossum hub sites --store /srv/hub
              opossum hub sites --store /srv/hub --json | jq -r .name
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object per site instead of a table.")
    var json = false

    /// The placeholder for a value not known (yet).
    private static let unknown = "—"

    func run() async throws {
        let summaries = try await storeOptions.withStore { hub in try await SiteSummary.all(at: hub) }
        let output = StandardOutput()
        if json {
            for summary in summaries {
                try output.writeLine(jsonObject(summary))
            }
        } else if summaries.isEmpty {
            try output.writeLine("No sites are enrolled; enrol one with `opossum hub add-site`.")
        } else {
            for line in table(summaries) {
                try output.writeLine(line)
            }
        }
        try output.flush()
    }

    private func jsonObject(_ summary: SiteSummary) -> String {
        let site = summary.site
        return JSONText.object([
            "name": JSONText.string(site.name),
            "storeId": JSONText.string(site.storeId.uuidString),
            "publicKey": JSONText.string(site.identity.publicKey),
            "enrolledAt": JSONText.string(HubCommand.text(site.enrolledAt)),
            "hubURL": site.hubURL.map(JSONText.string) ?? "null",
            "lastContact": summary.lastContact.map { JSONText.string(HubCommand.text($0)) } ?? "null",
            "cursor": summary.cursor.map { String($0.rawValue) } ?? "null",
            "pendingVerdicts": summary.pendingVerdicts.map(String.init) ?? "null",
        ])
    }

    /// The header and one row per site, in columns two spaces apart.
    private func table(_ summaries: [SiteSummary]) -> [String] {
        let header = ["NAME", "STORE ID", "ENROLLED AT", "HUB URL", "LAST CONTACT", "CURSOR", "PENDING VERDICTS"]
        let rows = summaries.map { summary in
            [
                summary.site.name,
                summary.site.storeId.uuidString,
                HubCommand.text(summary.site.enrolledAt),
                summary.site.hubURL ?? Self.unknown,
                summary.lastContact.map(HubCommand.text) ?? Self.unknown,
                summary.cursor.map { String($0.rawValue) } ?? Self.unknown,
                summary.pendingVerdicts.map(String.init) ?? Self.unknown,
            ]
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        return ([header] + rows).map { row in
            row.enumerated().map { column, text in
                column == row.count - 1 ? text : text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
