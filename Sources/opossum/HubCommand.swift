import ArgumentParser
import Foundation
import Opossum

/// `opossum hub`: the head office's commands: make a hub, enrol and remove sites, list them.
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Run a hub: make one, enrol sites, list and remove them.",
        discussion: """
            A hub is the head office's store: the single authority that every site (a \
            laptop's store) syncs with. Enrolment happens once per site: the site prints its \
            identity, the hub's administrator enrols it and hands back an enrolment file, \
            and the site joins with that file. The hub keeps its role and its sites as \
            system events in its own log; it keeps only a hash of each site's token.

            Example:
              # at head office
              opossum hub init --store /srv/hub --name head-office
              # on the laptop
              opossum identity --store ~/events > laptop-17.identity.json
              # at head office
              opossum hub add-site --store /srv/hub --identity laptop-17.identity.json \\
                --url https://hub.example.com > laptop-17.enrolment.json
              opossum hub sites --store /srv/hub
              # on the laptop
              opossum join --store ~/events --enrolment laptop-17.enrolment.json
              # at head office: serve the sites over HTTP(S) (see `opossum hub serve --help`)
              opossum hub serve --store /srv/hub --host 0.0.0.0 --port 8080
            """,
        subcommands: [
            HubInitCommand.self,
            HubAddSiteCommand.self,
            HubSitesCommand.self,
            HubRemoveSiteCommand.self,
            HubExportCommand.self,
            HubServeCommand.self,
        ]
    )

    /// The bytes of `source`, a file path or `-` for standard input, read off the
    /// cooperative pool; `what` names the input in errors ("identity file").
    static func readInput(_ source: String, what: String) async throws -> Data {
        let name = source == "-" ? "standard input" : source
        do {
            return try await IOThreadPool.shared.run {
                if source == "-" {
                    return try FileHandle.standardInput.readToEnd() ?? Data()
                }
                return Data(try OpenFile.readAll(source))
            }
        } catch let error as EventStoreError {
            throw CommandFailure("cannot read \(what) \(name): \(error.message)")
        } catch {
            throw CommandFailure("cannot read \(what) from \(name): \((error as NSError).localizedDescription)")
        }
    }

    /// `date` as ISO 8601, the way every command prints times.
    static func text(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
