import ArgumentParser
import Foundation
import Opossum
import OpossumSync

/// `opossum hub export`: writes a site's pull bundle, for a USB stick.
struct HubExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the pull bundle for one site: what it has not seen, and its verdicts.",
        discussion: """
            Writes the hub's events the site has not pulled yet (except its own) in hub \
            order, and the verdicts on its batches it has not received, from what the site \
            reported with its latest push (from the beginning if it never pushed). Carry the \
            file to the site and import it there with `opossum import`. SITE is the site's \
            store id or its unique name. Prints one JSON object like `opossum export`.

            Example:
              opossum hub export --store /srv/hub --site laptop-17 --to /media/usb/laptop-17.pull.bundle
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The site: its store id or unique name.", valueName: "site"))
    var site: String

    @OptionGroup var bundleOptions: BundleOptions

    func run() async throws {
        let summary = try await storeOptions.withStore { hub in
            let site = try await SiteRegistry.load(from: hub).site(matching: site)
            return try await HubSync(store: hub)
                .exportPull(
                    for: site.identity,
                    to: bundleOptions.to,
                    maximumEvents: bundleOptions.maxEvents,
                    compressed: bundleOptions.compress
                )
        }
        let output = StandardOutput()
        try output.writeLine(ExportCommand.line(summary))
        try output.flush()
    }
}
