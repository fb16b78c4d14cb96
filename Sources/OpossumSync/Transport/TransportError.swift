/// A failure to exchange with the hub, in words a technician understands, with what
/// a sync should do next: retry later, or stop and ask for help.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a closed set that programs can switch over.
    public enum Code: String, Hashable, Sendable {
        /// The hub could not be reached: DNS, connection refused, network down.
        case unreachable
        /// The hub stopped answering: connect timeout, or the transfer stalled.
        case timedOut
        /// The connection broke during the transfer.
        case interrupted
        /// The TLS handshake failed: unknown certificate authority, wrong pinned key.
        case tls
        /// The hub refused the site's token (HTTP 401): the site was removed, or its
        /// enrolment is out of date.
        case tokenRejected
        /// The hub refused access to another site's data (HTTP 403).
        case forbidden
        /// The request body is over the hub's limit (HTTP 413).
        case tooLarge
        /// The hub refused the request as malformed (HTTP 400), with its reason.
        case badRequest
        /// The hub asked to come back later (HTTP 408, 429 or 503).
        case busy
        /// The hub failed (HTTP 5xx other than 503).
        case serverError
        /// The hub's answer was not what the protocol says.
        case invalidResponse
        /// A local file could not be read or written.
        case io
    }

    /// What went wrong.
    public let code: Code
    /// One line saying what happened and where.
    public let message: String
    /// The HTTP status, when the hub answered.
    public let httpStatus: Int?
    /// How long the hub asked to wait before retrying (`Retry-After`), in seconds.
    public let retryAfter: Double?

    /// Makes an error.
    public init(_ code: Code, _ message: String, httpStatus: Int? = nil, retryAfter: Double? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
    }

    /// Whether resending later can succeed: the hub was unreachable, slow or busy.
    /// Never true for a refused token, forbidden data, an oversized or a malformed
    /// request — resending those changes nothing.
    public var isRetryable: Bool {
        switch code {
        case .unreachable, .timedOut, .interrupted, .busy, .serverError: true
        case .tls, .tokenRejected, .forbidden, .tooLarge, .badRequest, .invalidResponse, .io: false
        }
    }

    /// The message.
    public var description: String { message }
}
