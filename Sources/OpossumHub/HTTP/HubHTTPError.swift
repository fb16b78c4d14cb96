import Foundation
import Hummingbird
import NIOCore
import OpossumSync

/// An answer other than success, as `docs/http.md` lists them: a status, a stable
/// `code` and a message for the person reading the sync log.
///
/// Its body is `{"error":{"code":"…","message":"…"}}`.
struct HubHTTPError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var headers: HTTPFields = [:]
    /// Whether to close the connection after answering: for a refusal of a request
    /// whose body is left unread, so that the hub does not read a large upload only to
    /// throw it away.
    var closesConnection = false

    /// `401`: no usable token.
    static func unauthorized(_ message: String) -> Self {
        HubHTTPError(
            status: .unauthorized,
            code: "unauthorized",
            message: message,
            headers: [.wwwAuthenticate: "Bearer"]
        )
    }

    /// `403`: a site acting for another.
    static func forbidden(_ message: String) -> Self {
        HubHTTPError(status: .forbidden, code: "forbidden", message: message)
    }

    /// `400`: a query parameter that is missing or malformed.
    static func invalidQuery(_ message: String) -> Self {
        HubHTTPError(status: .badRequest, code: "invalidQuery", message: message)
    }

    /// `413`: a push body over the hub's limit.
    static func tooLarge(limit: Int) -> Self {
        HubHTTPError(
            status: .contentTooLarge,
            code: "tooLarge",
            message: "the push is over this hub's limit of \(limit) bytes; send smaller bundles",
            closesConnection: true
        )
    }

    /// `400`: the push body ended before its end — the site's connection broke mid-upload.
    /// The site is usually gone; if not, it sends the bundle again.
    static let uploadInterrupted = HubHTTPError(
        status: .badRequest,
        code: "uploadInterrupted",
        message: "the push ended before its end: the connection broke during the upload; send it again",
        closesConnection: true
    )

    /// `503`: the hub is shutting down.
    static let shuttingDown = HubHTTPError(
        status: .serviceUnavailable,
        code: "shuttingDown",
        message: "the hub is shutting down; try again in a few seconds",
        headers: [.retryAfter: "5"],
        closesConnection: true
    )

    /// `500`: the hub failed.
    static func internalError(_ message: String) -> Self {
        HubHTTPError(status: .internalServerError, code: "internal", message: message)
    }

    /// The answer to a bundle the hub refused: `403` when it is signed by another
    /// store than the site whose token came with it, `400` otherwise, with the
    /// ``SyncError`` code; `500` when the hub itself failed to read or write.
    static func refused(_ error: SyncError, site: EnrolledSite) -> Self {
        switch error.code {
        case .unknownSource:
            return HubHTTPError(
                status: .forbidden,
                code: error.code.rawValue,
                message: "the bundle is not signed by \(site.name.debugDescription) (\(site.storeId.uuidString)), "
                    + "whose token came with it: \(error.message); nothing was imported"
            )
        case .io:
            return HubHTTPError(status: .internalServerError, code: error.code.rawValue, message: error.message)
        default:
            return HubHTTPError(status: .badRequest, code: error.code.rawValue, message: error.message)
        }
    }

    /// The error as a response; a closing one shuts the connection's output once the
    /// answer is written.
    func response(on channel: any Channel) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        let body = ByteBuffer(bytes: Self.body(code: code, message: message))
        guard closesConnection else {
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
        }
        headers[.connection] = "close"
        return Response(
            status: status,
            headers: headers,
            body: ResponseBody(contentLength: body.readableBytes) { writer in
                try await writer.write(body)
                try await writer.finish(nil)
                // The client sees the whole answer and then the end of the stream; what
                // it still sends is read and dropped until it closes.
                channel.close(mode: .output, promise: nil)
            }
        )
    }

    /// `{"error":{"code":…,"message":…}}`.
    static func body(code: String, message: String) -> [UInt8] {
        struct Body: Encodable {
            struct Detail: Encodable {
                var code: String
                var message: String
            }
            var error: Detail
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Body(error: .init(code: code, message: message)))) ?? Data()
        return Array(data)
    }
}
