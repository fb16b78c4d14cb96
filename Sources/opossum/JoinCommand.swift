import ArgumentParser
import Foundation
import Opossum
import OpossumSync

/// `opossum join`: stores at a site the enrolment its hub made for it.
struct JoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Join a hub with the enrolment file its administrator made for this store.",
        discussion: """
            Stores the enrolment file that `opossum hub add-site` printed (- for standard \
            input) in the store's Sync/enrolment.json, readable by you only: it holds the \
            site's bearer token and the hub's public key, with which the store checks the \
            hub's bundles. The enrolment must be for this store; a hub cannot join another \
            hub. Joining the same hub again replaces the old enrolment; moving to another \
            hub needs --replace. Prints one JSON object: {"hub": "...", "hubStoreId": \
            "...", "hubURL": "..." or null}.

            Example:
              opossum join --store ~/events --enrolment laptop-17.enrolment.json
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(
        help: ArgumentHelp("The enrolment file from `opossum hub add-site`; - for standard input.", valueName: "file")
    )
    var enrolment: String

    @Flag(help: "Leave the hub this store has joined and join the one in the enrolment file.")
    var replace = false

    func run() async throws {
        let name = enrolment == "-" ? "standard input" : enrolment
        let contents = try await HubCommand.readInput(enrolment, what: "enrolment file")
        let enrolment = try Enrolment(fileContents: contents, source: name)
        try await storeOptions.withStore { store in
            try await enrolment.save(for: store, replacing: replace)
        }
        let output = StandardOutput()
        try output.writeLine(
            JSONText.object([
                "hub": JSONText.string(enrolment.hub.name),
                "hubStoreId": JSONText.string(enrolment.hub.storeId.uuidString),
                "hubURL": enrolment.hubURL.map(JSONText.string) ?? "null",
            ])
        )
        try output.flush()
    }
}
