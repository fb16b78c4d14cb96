import ArgumentParser
import Foundation
import Opossum
import OpossumSync

/// `opossum export`: writes a site's push bundle, for a USB stick.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write this site's decisions that head office has not judged to a bundle file.",
        discussion: """
            Writes a push bundle: this store's own batches that the hub has not judged \
            yet, each with the condition it was decided under, signed with the store's key. \
            It also tells the hub how far this store has pulled, so the hub can write the \
            matching pull bundle (`opossum hub export`). Carry the file to head office and \
            import it there with `opossum import`. Exporting again is safe: the hub answers \
            batches it has seen before with the same verdicts. Prints one JSON object: \
            {"bundle": FILE, "kind": "push", "batches": N, "events": N}.

            Example:
              opossum export --store ~/events --to /media/usb/laptop-17.push.bundle
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var bundleOptions: BundleOptions

    func run() async throws {
        let summary = try await storeOptions.withStore { store in
            let enrolment = try await SyncPeers.hub(of: store)
            return try await SiteSync(store: store, hub: enrolment.hub)
                .exportPush(
                    to: bundleOptions.to,
                    maximumEvents: bundleOptions.maxEvents,
                    compressed: bundleOptions.compress
                )
        }
        let output = StandardOutput()
        try output.writeLine(Self.line(summary))
        try output.flush()
    }

    /// A written bundle as a JSON line.
    static func line(_ summary: BundleSummary) -> String {
        JSONText.object([
            "bundle": JSONText.string(summary.path),
            "kind": JSONText.string(summary.header.kind.rawValue),
            "batches": String(summary.header.batchCount),
            "events": String(summary.header.eventCount),
        ])
    }
}
