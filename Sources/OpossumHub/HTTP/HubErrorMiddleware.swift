import Hummingbird
import Logging

/// Turns every error a route throws into the JSON error answer of `docs/http.md`,
/// and counts every answer by status class.
///
/// It wraps the router's "no such endpoint" answer too, so a `404` has the same body
/// shape as any other error.
struct HubErrorMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    let metrics: HubMetrics
    let logger: Logger

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as HubHTTPError {
            response = error.response(on: context.channel)
        } catch let error as HTTPError {
            let answer = HubHTTPError(
                status: error.status,
                code: Self.code(for: error.status),
                message: error.body ?? error.status.reasonPhrase,
                headers: error.headers
            )
            response = answer.response(on: context.channel)
        } catch {
            logger.error(
                "request failed",
                metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"]
            )
            response = HubHTTPError.internalError("the hub failed: \(error)").response(on: context.channel)
        }
        metrics.countResponse(response.status)
        return response
    }

    /// A code for an error Hummingbird raised itself.
    private static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "notFound"
        case .methodNotAllowed: "methodNotAllowed"
        case .badRequest: "badRequest"
        case .contentTooLarge: "tooLarge"
        default: status.code < 500 ? "badRequest" : "internal"
        }
    }
}
