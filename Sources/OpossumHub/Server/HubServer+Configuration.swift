extension HubServer {
    /// How a hub server listens and what it accepts.
    ///
    /// The defaults suit a hub behind a reverse proxy on the same machine: loopback
    /// only, port 8080, plain HTTP. Give ``tls`` to serve HTTPS directly.
    public struct Configuration: Sendable {
        /// A certificate chain and its private key, both PEM files, for HTTPS.
        public struct TLS: Sendable, Hashable {
            /// The PEM file of the server's certificate, followed by any intermediates.
            public var certificateChainPath: String
            /// The PEM file of the certificate's private key.
            public var privateKeyPath: String

            /// Serves HTTPS with the certificate chain and key in these PEM files.
            public init(certificateChainPath: String, privateKeyPath: String) {
                self.certificateChainPath = certificateChainPath
                self.privateKeyPath = privateKeyPath
            }
        }

        /// The address to listen on: a host name or an IP address.
        public var host: String
        /// The port to listen on; 0 lets the system choose a free one, which
        /// `onListening` then reports.
        public var port: Int
        /// The largest push body accepted, in bytes; a larger one is answered `413`.
        /// Keep it well above the sites' `FileEventStore.Limits.maximumBatchSize`
        /// (16 MiB by default, against 256 MiB here): a push carries whole batches, so
        /// a batch larger than this could never be pushed.
        public var maximumBodySize: Int
        /// The most events a pull bundle holds (whole batches, so about): the default
        /// when a site asks for no `maxEvents`, and the ceiling when it asks for more.
        public var pullMaximumEvents: Int
        /// The certificate and key for HTTPS, or `nil` for plain HTTP.
        public var tls: TLS?
        /// Where push bodies are received and pull bundles written before they are
        /// sent; `nil` for `Sync/incoming` in the hub store's directory. Keep it on the
        /// store's file system: a bundle the size of a push is written there.
        public var spoolDirectory: String?

        /// The default largest push body: 256 MiB.
        public static let defaultMaximumBodySize = 256 << 20
        /// The default largest pull, in events.
        public static let defaultPullMaximumEvents = 50_000

        /// Makes a configuration; every parameter has a default.
        public init(
            host: String = "127.0.0.1",
            port: Int = 8080,
            maximumBodySize: Int = Configuration.defaultMaximumBodySize,
            pullMaximumEvents: Int = Configuration.defaultPullMaximumEvents,
            tls: TLS? = nil,
            spoolDirectory: String? = nil
        ) {
            self.host = host
            self.port = port
            self.maximumBodySize = maximumBodySize
            self.pullMaximumEvents = pullMaximumEvents
            self.tls = tls
            self.spoolDirectory = spoolDirectory
        }

        /// The spool directory for the hub store in `storeDirectory`.
        func spoolDirectory(forStoreIn storeDirectory: String) -> String {
            spoolDirectory ?? storeDirectory + "/Sync/incoming"
        }
    }
}
