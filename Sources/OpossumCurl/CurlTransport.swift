import Foundation
public import OpossumSync

/// The HTTP transport Opossum ships: a site's side of docs/http.md, spoken with libcurl.
///
/// ```swift
/// let transport = CurlTransport(
///     configuration: CurlTransport.Configuration(
///         hubURL: "https://hub.example.com",
///         siteStoreId: storeId,
///         token: token,
///         tls: TLSOptions(caFile: "/etc/opossum/hub-ca.pem")
///     )
/// )
/// let status = try await transport.status()
/// ```
///
/// Every exchange runs on a thread of its own, never on the Swift cooperative pool,
/// and streams bundles between the disk and the network in constant memory. Failures
/// that resending can cure are retried under the ``TransferRetryPolicy``; what finally fails
/// is a ``OpossumSync/TransportError`` whose message names the URL and says what to do.
/// Cancelling the calling task aborts the transfer at once and throws
/// `CancellationError`.
public struct CurlTransport: SyncTransport {
    /// This version of Opossum's transport, sent in the `User-Agent`.
    public static let version = "0.1.0"

    /// The configuration.
    public let configuration: Configuration

    /// Makes a transport. No connection is made until the first exchange.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// `GET /v1/sites/{site}/status`: what the hub knows of this site.
    ///
    /// - Throws: ``OpossumSync/TransportError``, or `CancellationError`.
    public func status() async throws -> SiteStatus {
        let request = CurlRequest(
            name: "status request",
            method: .get,
            url: configuration.siteURL("status"),
            headers: ["Accept: application/json"]
        )
        return try decode(SiteStatus.self, from: try await exchange(request), of: request)
    }

    /// `POST /v1/sites/{site}/push`: streams the bundle at `path` to the hub and returns
    /// its verdicts.
    ///
    /// - Throws: ``OpossumSync/TransportError``, or `CancellationError`.
    public func push(bundleAt path: String) async throws -> PushReceipt {
        let request = CurlRequest(
            name: "push",
            method: .post,
            url: configuration.siteURL("push"),
            headers: ["Content-Type: application/vnd.opossum.bundle", "Accept: application/json"],
            bodyFile: path
        )
        return try decode(PushReceipt.self, from: try await exchange(request), of: request)
    }

    /// `GET /v1/sites/{site}/pull`: streams the pull bundle to a temporary file next to
    /// `path` and renames it to `path` once complete; an interrupted pull leaves nothing.
    ///
    /// - Parameters:
    ///   - maximumEvents: At most about this many events; 0 or less leaves it to the hub.
    ///   - compressed: Whether the hub gzip-compresses the bundle (for slow links).
    /// - Throws: ``OpossumSync/TransportError``, or `CancellationError`.
    public func pull(
        after cursor: UInt64,
        verdictsAfter: UInt64,
        maximumEvents: Int,
        compressed: Bool,
        to path: String
    ) async throws {
        var query = "after=\(cursor)&verdictsAfter=\(verdictsAfter)"
        if maximumEvents > 0 { query += "&maxEvents=\(maximumEvents)" }
        if compressed { query += "&compress=1" }
        let request = CurlRequest(
            name: "pull",
            method: .get,
            url: configuration.siteURL("pull?\(query)"),
            headers: ["Accept: application/vnd.opossum.bundle"],
            destination: path
        )
        _ = try await exchange(request)
    }

    /// Carries out `request`, retrying under the policy, until it succeeds or fails for good.
    private func exchange(_ request: CurlRequest) async throws -> CurlOutcome {
        let policy = configuration.retryPolicy
        var attempt = 1
        while true {
            try Task.checkCancellation()
            let outcome = await CurlTransfer(request, configuration: configuration, attempt: attempt).perform()
            if outcome.cancelled { throw CancellationError() }
            guard let error = outcome.transportError(of: request, configuration: configuration) else { return outcome }
            guard policy.shouldRetry(after: error, attempt: attempt) else {
                throw attempt == 1 ? error : error.givenUp(after: attempt)
            }
            try await policy.sleep(policy.delay(after: error, attempt: attempt))
            attempt += 1
        }
    }

    /// The JSON body of a successful answer.
    private func decode<Value: Decodable>(
        _ type: Value.Type,
        from outcome: CurlOutcome,
        of request: CurlRequest
    ) throws(TransportError) -> Value {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: Data(outcome.body))
        } catch {
            throw TransportError(
                .invalidResponse,
                "the hub's answer to the \(request.name) at \(request.url) is not a \(type): \(error)",
                httpStatus: outcome.status
            )
        }
    }
}

extension TransportError {
    /// The same error, saying how many attempts were made.
    fileprivate func givenUp(after attempts: Int) -> TransportError {
        TransportError(
            code,
            "\(message); gave up after \(attempts) attempts",
            httpStatus: httpStatus,
            retryAfter: retryAfter
        )
    }
}
