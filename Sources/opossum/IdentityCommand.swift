import ArgumentParser
import Foundation
import Opossum
import OpossumSync

/// `opossum identity`: prints the store's public identity, for enrolment with a hub.
struct IdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "Print the store's public identity, for enrolment with a hub.",
        discussion: """
            Prints one JSON object: {"storeId": "...", "name": "...", "publicKey": "..."}, \
            the store's id and name and the public half of its Ed25519 signing key \
            (base64). Give it to the hub's administrator, who enrols the store with \
            `opossum hub add-site`. The private key never leaves the store. A store made \
            before it had a key gets one now.

            Example:
              opossum identity --store ~/events > laptop-17.identity.json
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let identity = try await storeOptions.withStore { store in
            try await SigningIdentity.loadOrCreate(for: store).identity
        }
        let output = StandardOutput()
        try output.writeLine(IdentityCommand.line(identity))
        try output.flush()
    }

    /// A store's public identity as the JSON line `identity` and `hub init` print.
    static func line(_ identity: PublicIdentity) -> String {
        JSONText.object([
            "storeId": JSONText.string(identity.storeId.uuidString),
            "name": JSONText.string(identity.name),
            "publicKey": JSONText.string(identity.publicKey),
        ])
    }
}
