import ArgumentParser
import Foundation
import Opossum
import OpossumSync

/// `opossum hub init`: creates a new store and makes it a hub.
struct HubInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new store that is a hub.",
        discussion: """
            Creates a new store, like `opossum init` (with its signing key for sync), and \
            makes it a hub by recording a $hub.initialized system event in its log. Fails \
            if the directory already holds a store. Prints one JSON object: {"storeId": \
            "...", "name": "...", "publicKey": "..."}, the hub's public identity that every \
            site receives in its enrolment file.

            Example:
              opossum hub init --store /srv/hub --name head-office
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "A name for people (default: the last component of the store directory's path).")
    var name: String?

    func run() async throws {
        let directory = storeOptions.directory
        let name = name ?? InitCommand.defaultName(for: directory)
        // Closed at once and reopened by `withStore`, which closes it whatever happens next.
        let created = try await FileEventStore.create(at: directory, name: name)
        await created.close()
        let identity = try await storeOptions.withStore { store in
            let identity = try await SigningIdentity.loadOrCreate(for: store).identity
            try await HubRole.initialize(store, name: name)
            return identity
        }
        let output = StandardOutput()
        try output.writeLine(IdentityCommand.line(identity))
        try output.flush()
    }
}
