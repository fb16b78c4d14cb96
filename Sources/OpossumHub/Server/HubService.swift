import Hummingbird
import Logging
import ServiceLifecycle

/// The Hummingbird application as a service of the server's group, marking the
/// server as shutting down the moment a graceful shutdown begins (before the
/// application has stopped), so that pushes arriving meanwhile get `503`.
struct HubService<Responder: HTTPResponder>: Service
where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
    let application: Application<Responder>
    let lifecycle: HubLifecycle
    let logger: Logger

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await application.run()
        } onGracefulShutdown: {
            lifecycle.beginShutdown()
            logger.info("shutting down: finishing the requests in progress")
        }
    }
}
