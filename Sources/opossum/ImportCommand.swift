import ArgumentParser
import Foundation
import Opossum
import OpossumSync

/// `opossum import`: applies a bundle: a site's push at the hub, or the hub's pull at a site.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Verify a bundle and apply it: a site's push at the hub, the hub's pull at a site.",
        discussion: """
            At the hub, a push bundle from an enrolled site: every batch is judged against \
            the hub's log — accepted, or rejected because its decision missed something — \
            and one line per batch is printed: {"verdict": N, "outcome": "accepted" or \
            "rejected", "sitePositions": "A-B", "hubPosition": N, "duplicate": BOOL, \
            "reason": ... or null}. Then write the site's reply with `opossum hub export`.

            At a site, a pull bundle from its hub: the hub's events are appended and the \
            verdicts on this site's decisions recorded; rejected decisions disappear from \
            reads, conditions and projections (see `opossum rejections`). Prints \
            {"events": N, "hubCursor": N} and a line per verdict received.

            The bundle is verified completely first (signature, checksum, that it is meant \
            for this store and follows on from what it has) and applied in one commit: a \
            refused bundle imports nothing. Importing the same bundle again changes nothing.

            Example:
              opossum import --store /srv/hub /media/usb/laptop-17.push.bundle
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("The bundle file.", valueName: "bundle"))
    var bundle: String

    func run() async throws {
        let lines = try await storeOptions.withStore { store in
            if try await HubRole.isHub(store) {
                let sites = try await SyncPeers.sites(of: store)
                let (_, verdicts) = try await HubSync(store: store).importPush(from: bundle, trusting: sites)
                return verdicts.map { SyncPeers.line($0.verdict, duplicate: $0.isDuplicate) }
            }
            let enrolment = try await SyncPeers.hub(of: store)
            let summary = try await SiteSync(store: store, hub: enrolment.hub).importPull(from: bundle)
            let head = JSONText.object([
                "events": String(summary.eventCount),
                "hubCursor": String(summary.hubCursor),
            ])
            return [head] + summary.verdicts.map { SyncPeers.line($0) }
        }
        let output = StandardOutput()
        for line in lines { try output.writeLine(line) }
        try output.flush()
    }
}
