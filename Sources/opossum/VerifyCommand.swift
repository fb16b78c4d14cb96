import ArgumentParser
import Foundation
import Opossum
import OpossumSync

/// `opossum verify`: checks a bundle file without importing it.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a bundle file completely without importing it.",
        discussion: """
            Checks that the bundle is complete (not cut off while copied), undamaged \
            (its SHA-256 matches), and signed by a store this one knows: itself, its hub, \
            or (at a hub) an enrolled site. Useful before carrying a bundle on a USB stick, \
            or when an import refused one. Prints one JSON object: {"verified": true, \
            "kind": ..., "from": ..., "to": ..., "batches": N, "events": N, "bytes": N}. A \
            bundle that fails is one `opossum:` line saying what is wrong, exit code 1.

            Example:
              opossum verify --store ~/events /media/usb/laptop-17.push.bundle
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("The bundle file.", valueName: "bundle"))
    var bundle: String

    func run() async throws {
        let known = try await storeOptions.withStore { store in
            var identities = [try await SigningIdentity.loadOrCreate(for: store).identity]
            if try await HubRole.isHub(store) {
                identities += try await SyncPeers.sites(of: store)
            } else if let enrolment = try await Enrolment.load(for: store) {
                identities.append(enrolment.hub)
            }
            return identities
        }
        let path = bundle
        let (header, size) = try await IOThreadPool.shared.run {
            let reader = try BundleReader(
                path: path,
                trustedSource: { id in known.first { $0.storeId == id } },
                target: nil
            )
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            return (reader.header, size)
        }
        let output = StandardOutput()
        try output.writeLine(
            JSONText.object([
                "verified": "true",
                "kind": JSONText.string(header.kind.rawValue),
                "from": JSONText.string(header.sourceName),
                "to": JSONText.string(header.targetStoreId.uuidString),
                "batches": String(header.batchCount),
                "events": String(header.eventCount),
                "bytes": String(size),
            ])
        )
        try output.flush()
    }
}
