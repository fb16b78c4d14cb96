import Foundation
package import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
public import Opossum
import OpossumSync
import ServiceLifecycle
import UnixSignals

/// The hub's HTTP server: sites push their decisions to it and pull what they have
/// not seen, as `docs/http.md` describes.
///
/// ```swift
/// let hub = try await FileEventStore.open(at: "/srv/hub")
/// let server = try await HubServer(store: hub, configuration: .init(port: 0), logger: logger)
/// try await server.run(gracefulShutdownSignals: [.terminate, .interrupt]) { port in
///     print("listening on \(port)")
/// }
/// ```
///
/// Every request is answered from the hub store's log: a site removed by another
/// process (`opossum hub remove-site`) is refused on its next request. Pushes from
/// one site are judged one at a time, in the order they arrive; pushes from
/// different sites run side by side (the store's writer orders their commits).
///
/// A server runs once: call ``run(gracefulShutdownSignals:onListening:)`` one time.
public final class HubServer: Sendable {
    /// A signal that starts a graceful shutdown.
    public enum Signal: Sendable, Hashable {
        /// `SIGTERM`, what service managers send.
        case terminate
        /// `SIGINT`, Control-C in a terminal.
        case interrupt
        /// `SIGHUP`, the terminal went away.
        case hangUp

        var unixSignal: UnixSignal {
            switch self {
            case .terminate: .sigterm
            case .interrupt: .sigint
            case .hangUp: .sighup
            }
        }
    }

    /// How the server listens and what it accepts.
    public let configuration: Configuration
    /// The hub store the server serves.
    public let store: FileEventStore
    private let handlers: HubHandlers
    private let tlsConfiguration: TLSConfiguration?
    private let lifecycle: HubLifecycle
    private let logger: Logger

    /// Prepares to serve the hub in `store`: loads the hub's signing key, the TLS
    /// certificate and key if configured, and makes the spool directory.
    ///
    /// - Throws: ``HubServerError`` with code ``HubServerError/Code/notAHub`` if
    ///   `store` is not a hub, ``HubServerError/Code/tls`` if the certificate or key
    ///   cannot be used, ``HubServerError/Code/io`` if the spool directory cannot be made.
    public init(store: FileEventStore, configuration: Configuration = Configuration(), logger: Logger) async throws {
        try Self.validate(configuration)
        guard try await HubRole.isHub(store) else {
            throw HubServerError(
                .notAHub,
                "store \(store.identity.name.debugDescription) (\(store.identity.storeId.uuidString)) in "
                    + "\(store.directory) is not a hub; make it one with `opossum hub init`"
            )
        }
        let spool = try await SpoolDirectory.make(configuration.spoolDirectory(forStoreIn: store.directory))
        if let tls = configuration.tls {
            self.tlsConfiguration = try await Self.load(tls)
        } else {
            self.tlsConfiguration = nil
        }
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.lifecycle = HubLifecycle()
        self.handlers = HubHandlers(
            store: store,
            hubSync: try await HubSync(store: store),
            configuration: configuration,
            authenticator: SiteAuthenticator(store: store),
            metrics: HubMetrics(),
            siteLocks: SiteLocks(),
            spool: spool,
            lifecycle: lifecycle,
            logger: logger
        )
    }

    /// Serves until the calling task is cancelled, ``shutDownGracefully()`` is called
    /// or one of `gracefulShutdownSignals` arrives.
    ///
    /// A graceful shutdown stops accepting connections and lets the requests in
    /// progress finish; pushes that still arrive meanwhile are answered `503`.
    /// Cancelling the task stops at once.
    ///
    /// - Parameters:
    ///   - gracefulShutdownSignals: Signals that start a graceful shutdown; none by
    ///     default, so that a server inside a larger program leaves signals alone.
    ///   - onListening: Called once the server accepts connections, with the port it
    ///     listens on (the one the system chose, when the configured port is 0).
    public func run(
        gracefulShutdownSignals: [Signal] = [],
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let configuredPort = configuration.port
        let application = Application(
            router: HubRoutes.router(handlers),
            server: try serverBuilder(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? configuredPort)
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: HubService(application: application, lifecycle: lifecycle, logger: logger))],
                gracefulShutdownSignals: gracefulShutdownSignals.map(\.unixSignal),
                logger: logger
            )
        )
        try await lifecycle.run(group)
    }

    /// Starts a graceful shutdown of ``run(gracefulShutdownSignals:onListening:)``
    /// and returns at once; `run` returns when the requests in progress are done.
    public func shutDownGracefully() async {
        await lifecycle.shutDown()
    }

    /// The hub's routes as an application that does not listen on any port: tests and
    /// the fuzzing harness drive its handlers in process, through HummingbirdTesting's
    /// router client.
    package func inProcessApplication() -> some ApplicationProtocol {
        Application(router: HubRoutes.router(handlers), logger: logger)
    }

    /// The server's metrics in the Prometheus text format, as `GET /metrics` answers.
    public func metricsText() -> String {
        handlers.metrics.text()
    }

    /// The channel setup: HTTP/1.1, over TLS when configured.
    private func serverBuilder() throws -> HTTPServerBuilder {
        // Closes a connection that sends nothing for this long, so that a site that
        // vanished mid-request does not hold a connection for ever.
        let http = HTTPServerBuilder.http1(configuration: HTTP1Channel.Configuration(idleTimeout: .seconds(120)))
        guard let tlsConfiguration else { return http }
        return try .tls(http, tlsConfiguration: tlsConfiguration)
    }

    /// Refuses a configuration that cannot work.
    private static func validate(_ configuration: Configuration) throws {
        guard (0...65535).contains(configuration.port) else {
            throw HubServerError(.invalidConfiguration, "port \(configuration.port) is not between 0 and 65535")
        }
        guard configuration.maximumBodySize > 0, configuration.pullMaximumEvents > 0 else {
            throw HubServerError(
                .invalidConfiguration,
                "the largest body (\(configuration.maximumBodySize) bytes) and the largest pull "
                    + "(\(configuration.pullMaximumEvents) events) must be at least 1"
            )
        }
    }

    /// The server TLS configuration from PEM files, read off the cooperative pool.
    private static func load(_ tls: Configuration.TLS) async throws -> TLSConfiguration {
        do {
            return try await IOThreadPool.shared.run {
                let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChainPath)
                let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
                return TLSConfiguration.makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) },
                    privateKey: .privateKey(key)
                )
            }
        } catch {
            throw HubServerError(
                .tls,
                "cannot use the certificate chain \(tls.certificateChainPath) with the key \(tls.privateKeyPath): \(error)"
            )
        }
    }
}
