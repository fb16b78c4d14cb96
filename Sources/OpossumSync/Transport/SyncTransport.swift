/// How a site reaches its hub: the three exchanges of an HTTP sync (docs/http.md).
///
/// The sync agent (``SyncAgent``) drives a transport; `OpossumCurl`'s `CurlTransport`
/// is the one Opossum ships. Every exchange is idempotent on the hub's side, so a
/// transport may resend a request whose answer it never heard.
public protocol SyncTransport: Sendable {
    /// What the hub knows of this site: how far it has judged the site's decisions
    /// and how far its log reaches.
    ///
    /// - Throws: ``TransportError``.
    func status() async throws -> SiteStatus

    /// Sends the push bundle at `path` and returns the hub's verdicts on its batches.
    ///
    /// The file is streamed, not loaded: a bundle of any size goes in constant memory.
    ///
    /// - Throws: ``TransportError``; a refusal of the bundle itself is
    ///   ``TransportError/Code/badRequest`` with the hub's reason.
    func push(bundleAt path: String) async throws -> PushReceipt

    /// Fetches the pull bundle of the hub's events after hub position `cursor` (at most
    /// about `maximumEvents`) and the verdicts numbered after `verdictsAfter`, and
    /// writes it to `path`, streamed to disk; gzip-compressed by the hub when
    /// `compressed` (bundle readers recognise it).
    ///
    /// - Throws: ``TransportError``.
    func pull(
        after cursor: UInt64,
        verdictsAfter: UInt64,
        maximumEvents: Int,
        compressed: Bool,
        to path: String
    ) async throws
}

extension SyncTransport {
    /// Fetches an uncompressed pull bundle; see
    /// ``pull(after:verdictsAfter:maximumEvents:compressed:to:)``.
    public func pull(after cursor: UInt64, verdictsAfter: UInt64, maximumEvents: Int, to path: String) async throws {
        try await pull(
            after: cursor,
            verdictsAfter: verdictsAfter,
            maximumEvents: maximumEvents,
            compressed: false,
            to: path
        )
    }
}
