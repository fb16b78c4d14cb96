import ArgumentParser
import Foundation
import Logging
import Opossum
import OpossumHub
import OpossumSync

/// `opossum hub serve`: runs the hub's HTTP server in the foreground.
struct HubServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the hub over HTTP(S) to its sites, in the foreground.",
        discussion: """
            Answers the sites' push, pull and status requests (docs/http.md) until SIGTERM \
            or SIGINT, then finishes the requests in progress and exits. Prints one line, \
            `opossum hub: listening on http://HOST:PORT`, once it accepts connections (with \
            --port 0 the system picks the port, and the line says which); logs go to \
            standard error. Sites authenticate with the token in their enrolment file; \
            removing a site with `opossum hub remove-site` refuses its next request.

            Example:
              opossum hub serve --store /srv/hub --host 0.0.0.0 --port 8443 \\
                --tls-cert /etc/opossum/hub.pem --tls-key /etc/opossum/hub.key --max-body-size 64M
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "host"))
    var host = HubServer.Configuration().host

    @Option(help: ArgumentHelp("The port to listen on; 0 picks a free one.", valueName: "port"))
    var port = HubServer.Configuration().port

    @Option(help: ArgumentHelp("The certificate chain (PEM) for HTTPS; needs --tls-key.", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The certificate's private key (PEM) for HTTPS.", valueName: "file"))
    var tlsKey: String?

    @Option(
        help: ArgumentHelp(
            "The largest push accepted, in bytes, with an optional K, M or G suffix (default: 256M).",
            valueName: "size"
        )
    )
    var maxBodySize = ByteCount(HubServer.Configuration.defaultMaximumBodySize)

    @Option(
        help: ArgumentHelp(
            "The most events in one pull, and the default when a site asks for none.",
            valueName: "count"
        )
    )
    var pullMaxEvents = HubServer.Configuration.defaultPullMaximumEvents

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together: give both for HTTPS, or neither")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level must be one of trace, debug, info, notice, warning, error, critical, not \(logLevel)"
            )
        }
        guard pullMaxEvents > 0 else { throw ValidationError("--pull-max-events must be 1 or more") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "opossum.hub")
        let configuration = HubServer.Configuration(
            host: host,
            port: port,
            maximumBodySize: maxBodySize.bytes,
            pullMaximumEvents: pullMaxEvents,
            tls: tlsCert.flatMap { cert in
                tlsKey.map { HubServer.Configuration.TLS(certificateChainPath: cert, privateKeyPath: $0) }
            }
        )
        let scheme = configuration.tls == nil ? "http" : "https"
        let host = host
        try await storeOptions.withStore { store in
            do {
                let server = try await HubServer(store: store, configuration: configuration, logger: logger)
                try await server.run(gracefulShutdownSignals: [.terminate, .interrupt]) { port in
                    let output = StandardOutput()
                    try? output.writeLine("opossum hub: listening on \(scheme)://\(Self.urlHost(host)):\(port)")
                    try? output.flush()
                }
            } catch let error as HubServerError {
                throw CommandFailure(error.message)
            } catch let error as CommandFailure {
                throw error
            } catch let error as SyncError {
                throw error
            } catch let error as EventStoreError {
                throw error
            } catch {
                throw CommandFailure("the hub server on \(host):\(configuration.port) stopped: \(error)")
            }
        }
    }

    /// `host` as it goes in a URL: an IPv6 address in brackets.
    static func urlHost(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}
