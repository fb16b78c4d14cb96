import ArgumentParser
import Foundation
import Opossum
import OpossumCurl
import OpossumSync

/// The options of the commands that talk to the hub over HTTP (`push`, `pull`,
/// `sync`): where the hub is, how to trust it, and how big the bundles are.
///
/// The hub's URL and the site's token come from the enrolment (`opossum join`); the
/// TLS files stay options so that a systemd unit or a cron line names them once.
/// libcurl also honours the usual proxy variables (`https_proxy`, `no_proxy`).
struct HubConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The hub's URL (default: the one in the enrolment).", valueName: "url"))
    var hubURL: String?

    @Option(help: ArgumentHelp("PEM file of the authority that signed the hub's certificate.", valueName: "file"))
    var caFile: String?

    @Option(
        help: ArgumentHelp("PEM file of this site's client certificate, if the hub asks for one.", valueName: "file")
    )
    var clientCert: String?

    @Option(help: ArgumentHelp("PEM file of the client certificate's private key.", valueName: "file"))
    var clientKey: String?

    @Option(
        help: ArgumentHelp(
            "The hub's public key pin, as curl takes it (sha256//BASE64).",
            valueName: "pin"
        )
    )
    var pinnedKey: String?

    @Option(help: ArgumentHelp("The most events in one bundle sent or fetched.", valueName: "count"))
    var maxEvents = 20_000

    @Option(
        help: ArgumentHelp(
            "About the most bytes in one bundle sent, such as 16M (lower if head office takes less).",
            valueName: "size"
        )
    )
    var maxBundleSize = ByteCount(SyncAgent.Options.defaultMaximumBytesPerBundle)

    @Option(
        help: ArgumentHelp(
            "How many times to try each request while head office is unreachable or busy, backing off between tries.",
            valueName: "count"
        )
    )
    var attempts = 5

    @Flag(help: "Compress the bundles with gzip (for slow links; costs CPU on both sides).")
    var compress = false

    func validate() throws {
        guard maxEvents > 0 else { throw ValidationError("--max-events must be 1 or more") }
        guard attempts > 0 else { throw ValidationError("--attempts must be 1 or more") }
        guard (clientCert == nil) == (clientKey == nil) else {
            throw ValidationError("--client-cert and --client-key go together")
        }
    }

    /// The sync agent for the site `store`, talking to the hub it joined.
    func agent(for store: FileEventStore) async throws -> SyncAgent {
        let enrolment = try await SyncPeers.hub(of: store)
        guard let url = hubURL ?? enrolment.hubURL else {
            throw CommandFailure(
                "the enrolment names no hub URL: pass --hub-url, or ask head office for an enrolment made with --url"
            )
        }
        let transport = CurlTransport(
            configuration: CurlTransport.Configuration(
                hubURL: url,
                siteStoreId: store.identity.storeId,
                token: enrolment.token,
                tls: TLSOptions(
                    caFile: caFile,
                    clientCertificateFile: clientCert,
                    clientKeyFile: clientKey,
                    pinnedPublicKey: pinnedKey
                ),
                retryPolicy: TransferRetryPolicy(maximumAttempts: attempts)
            )
        )
        return SyncAgent(
            site: try await SiteSync(store: store, hub: enrolment.hub),
            transport: transport,
            options: SyncAgent.Options(
                maximumEventsPerBundle: maxEvents,
                maximumBytesPerBundle: maxBundleSize.bytes,
                compressed: compress
            )
        )
    }
}
