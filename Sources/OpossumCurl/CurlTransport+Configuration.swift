public import Foundation

extension CurlTransport {
    /// Where the hub is, who this site is, and how patient and careful to be.
    ///
    /// **Proxies**: libcurl reads `http_proxy`, `https_proxy`, `all_proxy` and `no_proxy`
    /// from the environment (lower case; `HTTP_PROXY` in upper case is ignored, as in
    /// every libcurl program, because a CGI environment lets a client set it). Nothing
    /// here turns that off: a laptop behind a company proxy syncs like any other tool.
    public struct Configuration: Sendable {
        /// The hub's base URL, as in the enrolment file: `https://hub.example.com` or
        /// `http://127.0.0.1:8080`; the `/v1/…` paths are appended to it.
        public var hubURL: String
        /// This site's store id: the `{site}` of the `/v1/sites/{site}/…` paths.
        public var siteStoreId: UUID
        /// The bearer token of this site's enrolment.
        public var token: String
        /// How the hub's certificate is checked, and the client certificate if any.
        public var tls: TLSOptions
        /// How long connecting (TCP and TLS) may take (`CURLOPT_CONNECTTIMEOUT_MS`).
        public var connectTimeout: Duration
        /// Together with ``lowSpeedTime``: a transfer slower than this many bytes per
        /// second for that long is abandoned as stalled (`CURLOPT_LOW_SPEED_LIMIT`).
        ///
        /// There is no limit on a transfer's total time: a first sync of a million
        /// events over a slow link may take an hour and is fine as long as it moves.
        public var lowSpeedLimit: Int
        /// See ``lowSpeedLimit``; rounded up to whole seconds (`CURLOPT_LOW_SPEED_TIME`).
        public var lowSpeedTime: Duration
        /// When to try again.
        public var retryPolicy: TransferRetryPolicy
        /// The `User-Agent` header.
        public var userAgent: String
        /// Called on the transfer's thread as bytes move; keep it quick.
        public var progress: (@Sendable (TransferProgress) -> Void)?
        /// The largest JSON answer accepted (64 MiB): a hub answering more is broken
        /// or not a hub, and the answer is refused as ``OpossumSync/TransportError/Code/invalidResponse``.
        public var maximumResponseSize: Int

        /// The `User-Agent` sent unless another is set.
        public static let defaultUserAgent = "opossum/\(CurlTransport.version)"

        /// Makes a configuration with the defaults: a 10 s connect timeout, abandon below
        /// 1,000 bytes/s for 30 s, 5 attempts, no progress reports.
        public init(
            hubURL: String,
            siteStoreId: UUID,
            token: String,
            tls: TLSOptions = TLSOptions(),
            connectTimeout: Duration = .seconds(10),
            lowSpeedLimit: Int = 1000,
            lowSpeedTime: Duration = .seconds(30),
            retryPolicy: TransferRetryPolicy = TransferRetryPolicy(),
            userAgent: String = Configuration.defaultUserAgent,
            progress: (@Sendable (TransferProgress) -> Void)? = nil
        ) {
            self.hubURL = hubURL
            self.siteStoreId = siteStoreId
            self.token = token
            self.tls = tls
            self.connectTimeout = connectTimeout
            self.lowSpeedLimit = lowSpeedLimit
            self.lowSpeedTime = lowSpeedTime
            self.retryPolicy = retryPolicy
            self.userAgent = userAgent
            self.progress = progress
            self.maximumResponseSize = 64 << 20
        }

        /// The URL of `path` (which starts with `/`) under ``hubURL``.
        func url(_ path: String) -> String {
            var base = Substring(hubURL)
            while base.hasSuffix("/") { base = base.dropLast() }
            return base + path
        }

        /// The URL of one of this site's endpoints: `/v1/sites/{site}/<endpoint>`.
        func siteURL(_ endpoint: String) -> String {
            url("/v1/sites/\(siteStoreId.uuidString.lowercased())/\(endpoint)")
        }
    }
}
