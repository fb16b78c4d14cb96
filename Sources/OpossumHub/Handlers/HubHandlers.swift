import Foundation
import Hummingbird
import Logging
import Opossum
import OpossumSync

/// What the hub's endpoints share: the store, its sync, the site registry, the
/// metrics; one value serves every request.
struct HubHandlers: Sendable {
    let store: FileEventStore
    let hubSync: HubSync
    let configuration: HubServer.Configuration
    let authenticator: SiteAuthenticator
    let metrics: HubMetrics
    let siteLocks: SiteLocks
    let spool: SpoolDirectory
    let lifecycle: HubLifecycle
    let logger: Logger

    /// The media type of a bundle, pushed or pulled.
    static let bundleMediaType = "application/vnd.opossum.bundle"

    /// `GET /healthz`: the hub's store id and head.
    func health(_ request: Request, context: HubRequestContext) async throws -> Response {
        struct Health: Encodable {
            var status = "ok"
            var hubStoreId: UUID
            var head: UInt64
        }
        let head = try await store.status().head.rawValue
        return try Self.json(Health(hubStoreId: store.identity.storeId, head: head))
    }

    /// `GET /metrics`: the Prometheus text format.
    func metricsText(_ request: Request, context: HubRequestContext) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer()))
        )
    }

    /// `GET /v1/sites/{site}/status`: what the hub knows of the site, and the largest
    /// push it takes.
    func status(_ request: Request, context: HubRequestContext) async throws -> Response {
        let site = try await authorize(request, context: context)
        var status = try await hubSync.status(of: site.identity)
        status.maximumPushBytes = configuration.maximumBodySize
        return try Self.json(status)
    }

    /// The enrolled site that the request's token belongs to, which must be the site
    /// its path names.
    ///
    /// - Throws: ``HubHTTPError`` `401` for a missing, malformed or unknown token
    ///   (a removed site's included), `403` for a token used on another site's path.
    func authorize(_ request: Request, context: HubRequestContext) async throws -> EnrolledSite {
        do {
            guard let header = request.headers[.authorization] else {
                throw HubHTTPError.unauthorized(
                    "no Authorization header; send the token of the site's enrolment as `Authorization: Bearer <token>`"
                )
            }
            guard let token = Self.bearerToken(in: header) else {
                throw HubHTTPError.unauthorized("the Authorization header is not `Bearer <token>`")
            }
            guard let site = try await authenticator.site(authenticatedBy: token) else {
                throw HubHTTPError.unauthorized(
                    "this token belongs to no site enrolled at this hub: the site was removed, or its enrolment "
                        + "is out of date"
                )
            }
            let named = context.parameters.get("site") ?? ""
            guard UUID(uuidString: named) == site.storeId else {
                throw HubHTTPError.forbidden(
                    "the token is site \(site.name.debugDescription)'s (\(site.storeId.uuidString)); "
                        + "it gives no access to site \(named)"
                )
            }
            return site
        } catch let error as HubHTTPError {
            metrics.authenticationFailures.increment()
            logger.warning(
                "request refused",
                metadata: [
                    "method": "\(request.method)", "path": "\(request.uri.path)",
                    "status": "\(error.status.code)", "reason": "\(error.message)",
                ]
            )
            throw error
        }
    }

    /// The token of an `Authorization: Bearer <token>` header, or `nil` if it is not one.
    static func bearerToken(in header: String) -> String? {
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }

    /// A `200` with `value` as JSON: sorted keys, ISO 8601 dates.
    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value)))
        )
    }

    /// Milliseconds since `start`, for logs.
    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}
