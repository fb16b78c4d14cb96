import ArgumentParser
import Foundation
import Opossum
import OpossumSync

/// `opossum hub remove-site`: takes a site out of the hub's registry.
struct HubRemoveSiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-site",
        abstract: "Remove a site from the hub.",
        discussion: """
            Removes the site from the hub's registry (a $hub.siteRemoved system event): its \
            token stops working at once. The events the site already sent stay in the hub's \
            log. Name the site by its store id, or by its name when no other site has it. \
            To enrol the store again, run `opossum hub add-site` afterwards: the site gets a \
            new token. Prints one JSON object: {"storeId": "...", "name": "..."}.

            Example:
              opossum hub remove-site --store /srv/hub --site laptop-17
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The site's store id, or its name if unique.", valueName: "site"))
    var site: String

    func run() async throws {
        let removed = try await storeOptions.withStore { hub in
            let site = try await SiteRegistry.load(from: hub).site(matching: self.site)
            return try await SiteRegistry.remove(site.storeId, from: hub)
        }
        let output = StandardOutput()
        try output.writeLine(
            JSONText.object([
                "storeId": JSONText.string(removed.storeId.uuidString),
                "name": JSONText.string(removed.name),
            ])
        )
        try output.flush()
    }
}
