import ArgumentParser
import Foundation
import Opossum
import OpossumSync

/// `opossum hub add-site`: enrols a site and prints its enrolment file.
struct HubAddSiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-site",
        abstract: "Enrol a site at the hub and print its enrolment file.",
        discussion: """
            Reads the site's identity (what `opossum identity` printed on the site; - for \
            standard input), enrols the site and prints its enrolment file as JSON: the \
            hub's identity, the hub URL given with --url, the site's store id, a new bearer \
            token and the time of enrolment. Save it and give it to the site, which stores \
            it with `opossum join`. The token is shown this once: the hub keeps only its \
            SHA-256, so treat the file as a secret. A site already enrolled is refused; \
            remove it first with `opossum hub remove-site` to enrol it again (with a new \
            token).

            Example:
              opossum hub add-site --store /srv/hub --identity laptop-17.identity.json \\
                --url https://hub.example.com > laptop-17.enrolment.json
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(
        help: ArgumentHelp(
            "The site's identity as `opossum identity` prints it; - for standard input.",
            valueName: "file"
        )
    )
    var identity: String

    @Option(help: ArgumentHelp("The URL the site should sync with (http or https).", valueName: "url"))
    var url: String?

    func run() async throws {
        let text = String(decoding: try await HubCommand.readInput(identity, what: "identity file"), as: UTF8.self)
        let name = identity == "-" ? "standard input" : identity
        let site = try JSONText.decode(PublicIdentity.self, from: text, option: "identity in \(name)")
        let enrolment = try await storeOptions.withStore { hub in
            let hubIdentity = try await SigningIdentity.loadOrCreate(for: hub).identity
            let (enrolled, token) = try await SiteRegistry.enrol(site, hubURL: url, in: hub)
            return Enrolment(site: enrolled, token: token, hub: hubIdentity)
        }
        let contents = String(decoding: try enrolment.fileContents(), as: UTF8.self)
        let output = StandardOutput()
        try output.writeLine(contents.trimmingCharacters(in: .newlines))
        try output.flush()
    }
}
