import ArgumentParser
import Foundation
import Opossum
import OpossumSync

/// `opossum init`: creates a new, empty store.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new, empty store.",
        discussion: """
            Creates the store directory (and its parents) if needed and writes a new store \
            there with a fresh store id and its signing key for sync (Sync/identity.key, \
            readable by you only). Fails if the directory already holds a store. Prints one \
            JSON object: {"storeId": "...", "name": "..."}.

            The name is for people, such as the machine's or the site's name; it defaults \
            to the last component of the store directory's path.

            Example:
              opossum init --store ~/events --name laptop
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "A name for people (default: the last component of the store directory's path).")
    var name: String?

    func run() async throws {
        let directory = storeOptions.directory
        let store = try await FileEventStore.create(at: directory, name: name ?? Self.defaultName(for: directory))
        let identity = store.identity
        do {
            _ = try await SigningIdentity.loadOrCreate(for: store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        let output = StandardOutput()
        try output.writeLine(
            JSONText.object([
                "storeId": JSONText.string(identity.storeId.uuidString),
                "name": JSONText.string(identity.name),
            ])
        )
        try output.flush()
    }

    /// The last component of `directory` once made absolute, so `.` names the current directory.
    static func defaultName(for directory: String) -> String {
        URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent
    }
}
