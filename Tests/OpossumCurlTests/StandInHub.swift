import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import OpossumSync
import ServiceLifecycle
import Synchronization

/// A stand-in for the hub: a Hummingbird app on a loopback port that speaks the
/// endpoints of docs/http.md with scripted answers, and records what it was sent.
///
/// It checks the bearer token and the site in the path like the real hub, and
/// otherwise answers each request with the next scripted ``Answer`` of its endpoint
/// (``Answer/normal`` once the script is used up). The real hub is tested end to end
/// in OpossumHubTests; this one exists so that the transport's own tests can make
/// the hub fail in every way on cue.
final class StandInHub: Sendable {
    /// The three site endpoints.
    enum Endpoint: String, Sendable {
        case status, push, pull
    }

    /// What the hub answers to one request.
    enum Answer: Sendable {
        /// The endpoint's normal answer.
        case normal
        /// An error answer with the hub's JSON error body.
        case error(status: Int, code: String, message: String, retryAfter: Int? = nil)
        /// An error answer with a plain body.
        case plain(status: Int, body: String)
    }

    /// The site the hub knows.
    let siteStoreId = UUID()
    /// The site's token.
    let token = "test-token-0123456789"
    /// The status it answers.
    let siteStatus: SiteStatus
    /// The body of its pull answers.
    let pullBody: [UInt8]
    /// The port it listens on.
    var port: Int { boundPort.load(ordering: .acquiring) }

    private let boundPort = Atomic<Int>(0)

    private let state = Mutex(State())

    private struct State {
        var scripts: [Endpoint: [Answer]] = [:]
        var counts: [Endpoint: Int] = [:]
        var pushedBodies: [[UInt8]] = []
        var contentTypes: [String] = []
        var queries: [String] = []
        var userAgents: [String] = []
    }

    /// The receipt it answers to every push.
    static let receiptJSON = """
        {"verdicts":[{"verdict":{"number":1,"originFirst":1,"count":2,"outcome":"accepted","hubFirst":10,\
        "conflicts":[]},"isDuplicate":false},{"verdict":{"number":2,"originFirst":3,"count":1,\
        "outcome":"rejected","hubFirst":4,"reason":"slot taken","conflicts":[]},"isDuplicate":true}]}
        """

    private init(pullBody: [UInt8], siteStatus: SiteStatus) {
        self.pullBody = pullBody
        self.siteStatus = siteStatus
    }

    /// Runs a hub for the length of `body`, over TLS when `tls` is given.
    static func run<Result: Sendable>(
        pullBody: [UInt8] = Array("bundle".utf8),
        tls: TLSConfiguration? = nil,
        _ body: @Sendable (StandInHub) async throws -> Result
    ) async throws -> Result {
        let siteStatus = SiteStatus(
            siteStoreId: UUID(),
            siteName: "laptop-7",
            hubStoreId: UUID(),
            hubHead: 42,
            judgedThrough: 17,
            verdictCount: 3,
            reportedCursor: 40,
            lastContact: Date(timeIntervalSince1970: 1_750_000_000)
        )
        let hub = StandInHub(pullBody: pullBody, siteStatus: siteStatus)
        let router = Router()
        router.get("/v1/sites/:site/status") { request, context in try await hub.answer(.status, request, context) }
        router.post("/v1/sites/:site/push") { request, context in try await hub.answer(.push, request, context) }
        router.get("/v1/sites/:site/pull") { request, context in try await hub.answer(.pull, request, context) }
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "stand-in-hub")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        // Stopped by a graceful shutdown, not by cancelling its task: cancelling NIO's
        // server while a connection is being accepted traps ("Deinited NIOAsyncWriter
        // without calling finish()", apple/swift-nio#3481).
        let service = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [], logger: logger)
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { portContinuation.finish() }
                try await service.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                try await group.waitForAll()
                throw CancellationError()
            }
            hub.boundPort.store(port, ordering: .releasing)
            let result: Swift.Result<Result, any Error>
            do {
                result = .success(try await body(hub))
            } catch {
                result = .failure(error)
            }
            await service.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }

    /// The hub's base URL.
    var url: String { "http://127.0.0.1:\(port)" }

    /// Scripts the next answers of `endpoint`.
    func script(_ endpoint: Endpoint, _ answers: Answer...) {
        state.withLock { $0.scripts[endpoint, default: []].append(contentsOf: answers) }
    }

    /// How many requests `endpoint` received, complete or not.
    func count(_ endpoint: Endpoint) -> Int {
        state.withLock { $0.counts[endpoint, default: 0] }
    }

    /// The push bodies received whole, in order.
    var pushedBodies: [[UInt8]] {
        state.withLock { $0.pushedBodies }
    }

    /// The `Content-Type` of each push.
    var contentTypes: [String] {
        state.withLock { $0.contentTypes }
    }

    /// The query string of each pull.
    var queries: [String] {
        state.withLock { $0.queries }
    }

    /// The `User-Agent` of each request.
    var userAgents: [String] {
        state.withLock { $0.userAgents }
    }

    private func answer(
        _ endpoint: Endpoint,
        _ request: Request,
        _ context: BasicRequestContext
    ) async throws -> Response {
        state.withLock { state in
            state.counts[endpoint, default: 0] += 1
            state.userAgents.append(request.headers[.userAgent] ?? "")
        }
        var body: [UInt8] = []
        for try await buffer in request.body {
            body.append(contentsOf: buffer.readableBytesView)
        }
        guard request.headers[.authorization] == "Bearer \(token)" else {
            return Self.error(status: 401, code: "unauthorized", message: "unknown token", retryAfter: nil)
        }
        guard let site = context.parameters.get("site"), UUID(uuidString: site) == siteStoreId else {
            return Self.error(status: 403, code: "forbidden", message: "another site's path", retryAfter: nil)
        }
        let answer = state.withLock { state -> Answer in
            if endpoint == .push {
                state.pushedBodies.append(body)
                state.contentTypes.append(request.headers[.contentType] ?? "")
            }
            if endpoint == .pull { state.queries.append(request.uri.query ?? "") }
            guard var script = state.scripts[endpoint], !script.isEmpty else { return .normal }
            defer { state.scripts[endpoint] = script }
            return script.removeFirst()
        }
        switch answer {
        case .normal:
            return try normalAnswer(endpoint)
        case .error(let status, let code, let message, let retryAfter):
            return Self.error(status: status, code: code, message: message, retryAfter: retryAfter)
        case .plain(let status, let text):
            return Response(
                status: HTTPResponse.Status(code: status),
                body: ResponseBody(byteBuffer: ByteBuffer(string: text))
            )
        }
    }

    private func normalAnswer(_ endpoint: Endpoint) throws -> Response {
        switch endpoint {
        case .status:
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            return Self.json(try encoder.encode(siteStatus))
        case .push:
            return Self.json(Data(Self.receiptJSON.utf8))
        case .pull:
            return Response(
                status: .ok,
                headers: [.contentType: "application/vnd.opossum.bundle"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: pullBody))
            )
        }
    }

    private static func json(_ data: Data) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    private static func error(status: Int, code: String, message: String, retryAfter: Int?) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if status == 401 { headers[.wwwAuthenticate] = "Bearer" }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let body = #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}
