import Hummingbird

/// The hub's endpoints, as `docs/http.md` lists them.
enum HubRoutes {
    /// The router for `handlers`, with the error answers and request counts around
    /// every endpoint (and around "no such endpoint").
    static func router(_ handlers: HubHandlers) -> Router<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: HubErrorMiddleware(metrics: handlers.metrics, logger: handlers.logger))
        router.get("/healthz") { request, context in try await handlers.health(request, context: context) }
        router.get("/metrics") { request, context in handlers.metricsText(request, context: context) }
        router.get("/v1/sites/:site/status") { request, context in
            try await handlers.status(request, context: context)
        }
        router.post("/v1/sites/:site/push") { request, context in try await handlers.push(request, context: context) }
        router.get("/v1/sites/:site/pull") { request, context in try await handlers.pull(request, context: context) }
        return router
    }
}
