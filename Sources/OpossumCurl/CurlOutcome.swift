import CCurl
import OpossumSync

/// How one attempt ended: everything the error mapping needs, gathered on the
/// transfer thread before its handle went away.
struct CurlOutcome: Sendable {
    /// libcurl's result (`CURLE_OK` if the exchange completed, whatever the status).
    var code: CURLcode = CURLE_OK
    /// libcurl's detailed message (`CURLOPT_ERRORBUFFER`), or its generic one.
    var errorText = ""
    /// The `errno` of the last failed system call (`CURLINFO_OS_ERRNO`), or 0.
    var systemErrno = 0
    /// Whether the connection (and the TLS handshake) was made (`CURLINFO_PRETRANSFER_TIME_T` > 0).
    var connected = false
    /// The HTTP status, 0 if no answer came.
    var status = 0
    /// Whether the answer's header block ended (its empty line came): libcurl reports a
    /// connection cut inside the headers as a complete, empty answer.
    var headersComplete = false
    /// The `Retry-After` the hub sent, in seconds.
    var retryAfter: Double?
    /// The `Content-Length` of the answer, when the hub sent one.
    var contentLength: Int64?
    /// How many body bytes came over the wire (before any content decoding).
    var bytesReceived: Int64 = 0
    /// The answer's body, when kept in memory: a JSON answer, or an error's first 64 KiB.
    var body: [UInt8] = []
    /// A failure on this side: a file that could not be read or written, an answer too
    /// large. Takes precedence over ``code``, which then only says the transfer was aborted.
    var localFailure: TransportError?
    /// Whether the calling task was cancelled and the transfer aborted.
    var cancelled = false
    /// Whether a pulled body was complete and renamed into place.
    var delivered = false

    /// Whether the answer is a whole `200`: the exchange completed and, when the hub
    /// said how long the body is, exactly that many bytes came.
    var isCompleteSuccess: Bool {
        code == CURLE_OK && localFailure == nil && status == 200 && headersComplete
            && (contentLength.map { $0 == bytesReceived } ?? true)
    }
}
