import CCurl
import Foundation
import OpossumSync

#if canImport(Glibc)
import Glibc
#endif

extension CurlOutcome {
    /// The failure this outcome is, in words a technician understands, naming the URL;
    /// `nil` for a `2xx` answer (and, for a pull, a complete one).
    func transportError(of request: CurlRequest, configuration: CurlTransport.Configuration) -> TransportError? {
        if let localFailure { return localFailure }
        if code != CURLE_OK { return curlError(of: request, configuration: configuration) }
        return httpError(of: request)
    }

    /// The `CURLcode` of a transfer that did not complete, as a transport error.
    private func curlError(of request: CurlRequest, configuration: CurlTransport.Configuration) -> TransportError {
        let url = request.url
        let detail = errorText
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST:
            return TransportError(.unreachable, "hub unreachable: host name not found at \(url) (\(detail))")
        case CURLE_COULDNT_RESOLVE_PROXY:
            return TransportError(
                .unreachable,
                "hub unreachable: the proxy's host name was not found (\(detail)); check https_proxy, for \(url)"
            )
        case CURLE_COULDNT_CONNECT:
            return TransportError(.unreachable, "hub unreachable: \(connectFailure) at \(url)")
        case CURLE_OPERATION_TIMEDOUT:
            if !connected {
                return TransportError(
                    .timedOut,
                    "hub did not answer within \(configuration.connectTimeout.secondsText) at \(url)"
                )
            }
            let window = Duration.seconds(max(1, configuration.lowSpeedTime.seconds.rounded(.up)))
            return TransportError(
                .timedOut,
                "transfer stalled: less than \(configuration.lowSpeedLimit) bytes/s for \(window.secondsText) from \(url)"
            )
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_HTTP2,
            CURLE_HTTP2_STREAM, CURLE_SEND_FAIL_REWIND, CURLE_BAD_CONTENT_ENCODING:
            return TransportError(
                .interrupted,
                "connection to the hub broke during the \(request.name) at \(url) (\(detail))"
            )
        case CURLE_PEER_FAILED_VERIFICATION:
            return TransportError(
                .tls,
                "TLS certificate of \(url) not trusted: \(detail); pass the hub's CA file with --ca-file"
            )
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return TransportError(
                .tls,
                "TLS public key of \(url) does not match the pinned key: \(detail); is this the right hub?"
            )
        case CURLE_SSL_CACERT_BADFILE:
            return TransportError(.tls, "the CA file \(configuration.tls.caFile ?? "") cannot be used: \(detail)")
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CLIENTCERT:
            let file = configuration.tls.clientCertificateFile ?? ""
            return TransportError(.tls, "the client certificate \(file) cannot be used: \(detail), for \(url)")
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_USE_SSL_FAILED:
            return TransportError(.tls, "TLS handshake with \(url) failed: \(detail)")
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return TransportError(.badRequest, "the hub URL \(configuration.hubURL) is not valid: \(detail)")
        case CURLE_WEIRD_SERVER_REPLY, CURLE_TOO_MANY_REDIRECTS:
            return TransportError(.invalidResponse, "the answer from \(url) is not HTTP from a hub: \(detail)")
        default:
            return TransportError(
                .interrupted,
                "the \(request.name) at \(url) failed: \(detail) (curl error \(code.rawValue))"
            )
        }
    }

    /// Why a connection could not be made, from the system's `errno`.
    private var connectFailure: String {
        switch Int32(systemErrno) {
        case ECONNREFUSED: "connection refused"
        case ENETUNREACH: "network unreachable"
        case EHOSTUNREACH: "no route to host"
        case ETIMEDOUT: "connection timed out"
        default: errorText
        }
    }

    /// The HTTP status of a completed exchange, as a transport error unless it is the
    /// expected success.
    private func httpError(of request: CurlRequest) -> TransportError? {
        let url = request.url
        guard headersComplete else {
            return TransportError(
                .interrupted,
                "connection to the hub broke during the \(request.name) at \(url) (the answer was cut in its headers)",
                httpStatus: status == 0 ? nil : status
            )
        }
        let hub = HubError(body)
        let said = hub.message.map { ": \($0)" } ?? ""
        switch status {
        case 200:
            guard request.destination != nil, !isCompleteSuccess else { return nil }
            if let contentLength, contentLength != bytesReceived {
                return TransportError(
                    .interrupted,
                    "the \(request.name) was cut short: \(bytesReceived) of \(contentLength) bytes from \(url)",
                    httpStatus: status
                )
            }
            return nil
        case 201..<300 where request.destination == nil:
            return nil
        case 400:
            let code = hub.code ?? "bad request"
            let what = request.bodyFile != nil ? "the bundle" : "the \(request.name)"
            return TransportError(
                .badRequest,
                "the hub refused \(what) (HTTP 400, \(code))\(said) (\(url))",
                httpStatus: status
            )
        case 401:
            return TransportError(
                .tokenRejected,
                "token rejected by hub (HTTP 401): this laptop's enrolment may have been removed; ask head office (\(url))",
                httpStatus: status
            )
        case 403:
            return TransportError(.forbidden, "the hub refused access (HTTP 403)\(said) (\(url))", httpStatus: status)
        case 404:
            return TransportError(
                .invalidResponse,
                "the hub has no such endpoint (HTTP 404) at \(url): check the hub URL of the enrolment",
                httpStatus: status
            )
        case 413:
            return TransportError(
                .tooLarge,
                "the hub refused the bundle as too large (HTTP 413)\(said); push smaller bundles (\(url))",
                httpStatus: status
            )
        case 408, 429, 503:
            let wait = retryAfter.map { "; it asked to retry after \(Duration.seconds($0).secondsText)" } ?? ""
            return TransportError(
                .busy,
                "the hub is busy (HTTP \(status))\(said)\(wait) (\(url))",
                httpStatus: status,
                retryAfter: retryAfter
            )
        case 500..<600:
            return TransportError(.serverError, "the hub failed (HTTP \(status))\(said) (\(url))", httpStatus: status)
        default:
            return TransportError(
                .invalidResponse,
                "unexpected answer from the hub (HTTP \(status)) at \(url)",
                httpStatus: status
            )
        }
    }
}

/// The hub's error body, `{"error":{"code":"…","message":"…"}}`, or failing that the
/// first line of whatever text came.
private struct HubError {
    var code: String?
    var message: String?

    private struct Body: Decodable {
        struct Detail: Decodable {
            var code: String?
            var message: String?
        }
        var error: Detail
    }

    init(_ body: [UInt8]) {
        guard !body.isEmpty else { return }
        if let decoded = try? JSONDecoder().decode(Body.self, from: Data(body)) {
            code = decoded.error.code
            message = decoded.error.message
            return
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty { message = trimmed }
    }
}
