import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Opossum
import OpossumHub
import OpossumSync
import OpossumTestSupport
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A hub store in a scratch directory, served by a real ``HubServer`` on a loopback
/// port the system chose, and the sites enrolled at it.
struct HubFixture: Sendable {
    let directory: String
    let hub: FileEventStore
    let server: HubServer
    let port: Int
    let hubIdentity: PublicIdentity
    private let counter = FileCounter()

    /// A site: its store, its sync, its identity and the token the hub gave it.
    struct Site: Sendable {
        let store: FileEventStore
        let sync: SiteSync
        let identity: PublicIdentity
        let token: String

        var path: String { "/v1/sites/\(identity.storeId.uuidString)" }
    }

    /// Runs `body` with a hub served with `configuration` (its port replaced by 0),
    /// then shuts the server down gracefully and removes everything.
    static func with(
        _ configuration: HubServer.Configuration = HubServer.Configuration(),
        _ body: (HubFixture) async throws -> Void
    ) async throws {
        try await withScratchDirectory("OpossumHubTests") { directory in
            let hub = try await FileEventStore.create(
                at: directory + "/hub",
                name: "hub",
                options: FileEventStore.Options(durability: .none)
            )
            try await HubRole.initialize(hub, name: "head-office")
            let hubIdentity = try await SigningIdentity.loadOrCreate(for: hub).identity
            var configuration = configuration
            configuration.port = 0
            var logger = Logger(label: "hub-test")
            logger.logLevel = .critical
            let server = try await HubServer(store: hub, configuration: configuration, logger: logger)
            let (ports, listening) = AsyncStream.makeStream(of: Int.self)
            let running = Task {
                try await server.run { port in
                    listening.yield(port)
                    listening.finish()
                }
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                running.cancel()
                _ = try? await running.value
                await hub.close()
                throw HubTestFailure("the server stopped before it listened")
            }
            let fixture = HubFixture(
                directory: directory,
                hub: hub,
                server: server,
                port: port,
                hubIdentity: hubIdentity
            )
            let outcome = await Result { try await body(fixture) }
            await server.shutDownGracefully()
            let stopped = await Result { try await running.value }
            await hub.close()
            try outcome.get()
            try stopped.get()
        }
    }

    /// Makes a site store named `name`, enrols it and returns it.
    func makeSite(_ name: String) async throws -> Site {
        let store = try await FileEventStore.create(
            at: directory + "/\(name)-\(counter.next())",
            name: name,
            options: FileEventStore.Options(durability: .none)
        )
        let identity = try await SigningIdentity.loadOrCreate(for: store).identity
        let (_, token) = try await SiteRegistry.enrol(identity, hubURL: "http://127.0.0.1:\(port)", in: hub)
        return Site(
            store: store,
            sync: try await SiteSync(store: store, hub: hubIdentity),
            identity: identity,
            token: token
        )
    }

    /// Appends `count` unconditional batches of one event each at `site`.
    func appendBatches(_ count: Int, at site: Site, type: String = "VisitLogged") async throws {
        for number in 0..<count {
            _ = try await site.store.append(
                [Event(type: type, tags: [Opossum.Tag("visit", "\(site.identity.name)-\(number)")])],
                condition: nil
            )
        }
    }

    /// Writes `site`'s push bundle and returns its path.
    func pushBundle(of site: Site) async throws -> String {
        let path = bundlePath("push")
        _ = try await site.sync.exportPush(to: path)
        return path
    }

    /// A fresh file path in the scratch directory.
    func bundlePath(_ kind: String) -> String {
        directory + "/\(kind)-\(counter.next()).bundle"
    }

    /// Sends one request on a connection of its own and returns the answer.
    func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        token: String? = nil,
        headers: HTTPFields = [:],
        body: [UInt8]? = nil
    ) async throws -> TestClient.Response {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        let request = TestClient.Request(
            path,
            method: method,
            headers: headers,
            body: body.map { ByteBuffer(bytes: $0) }
        )
        return try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            try await client.execute(request)
        }
    }

    /// Pushes the bundle at `path` as `site`.
    func push(_ path: String, as site: Site) async throws -> TestClient.Response {
        try await request(
            .post,
            site.path + "/push",
            token: site.token,
            headers: [.contentType: "application/vnd.opossum.bundle"],
            body: Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        )
    }

    /// The hub's head.
    func hubHead() async throws -> UInt64 {
        try await hub.status().head.rawValue
    }

    /// The files left in the spool directory.
    func spoolFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: hub.directory + "/Sync/incoming")
    }
}

extension TestClient.Response {
    /// The body as bytes.
    var bytes: [UInt8] {
        body.map { Array($0.readableBytesView) } ?? []
    }

    /// The body decoded as JSON with ISO 8601 dates.
    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(bytes))
    }

    /// The `{"error":{"code","message"}}` body of an error answer.
    func error() throws -> HubErrorBody.Detail {
        try decode(HubErrorBody.self).error
    }
}

/// The body of every error answer.
struct HubErrorBody: Decodable {
    struct Detail: Decodable {
        var code: String
        var message: String
    }

    var error: Detail
}

/// A test's own failure.
struct HubTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Numbers files and stores.
final class FileCounter: Sendable {
    private let value = Mutex(0)

    func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}

extension Result where Failure == any Error {
    /// The outcome of `body`, success or error.
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}

/// A raw HTTP/1.1 connection over a loopback socket, for what ``TestClient`` cannot
/// do: send a chunked body, or stop halfway through a body and go on later. Each
/// blocking call runs on a thread of its own.
final class RawConnection: Sendable {
    private let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    /// Connects to the loopback `port`.
    static func open(port: Int) async throws -> RawConnection {
        try await onThread {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw HubTestFailure("socket failed") }
            let connection = RawConnection(fd: fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw HubTestFailure("connect failed") }
            return connection
        }
    }

    /// Sends all of `bytes`; `false` if the peer closed first.
    @discardableResult
    func send(_ bytes: [UInt8]) async -> Bool {
        let fd = fd
        return (try? await Self.onThread { Self.sendAll(fd, bytes) }) ?? false
    }

    /// Sends the request line and headers of `head` (without the blank line), and a
    /// chunked body of `chunks` chunks of `chunkSize` bytes, stopping if the peer closes.
    func sendChunked(head: String, chunks: Int, chunkSize: Int) async {
        let fd = fd
        _ = try? await Self.onThread {
            guard Self.sendAll(fd, Array((head + "\r\nTransfer-Encoding: chunked\r\n\r\n").utf8)) else { return }
            let chunk =
                Array(String(chunkSize, radix: 16).utf8) + [13, 10]
                + [UInt8](repeating: 0x61, count: chunkSize) + [13, 10]
            for _ in 0..<chunks {
                guard Self.sendAll(fd, chunk) else { return }
            }
            _ = Self.sendAll(fd, Array("0\r\n\r\n".utf8))
        }
    }

    /// Reads an answer: its status code and its body (by `Content-Length`).
    func receiveResponse() async throws -> (status: Int, body: [UInt8]) {
        let fd = fd
        return try await Self.onThread {
            var response: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            var headEnd: Int?
            var length = 0
            while headEnd == nil || response.count < headEnd! + length {
                let count = recv(fd, &buffer, buffer.count, 0)
                guard count > 0 else { break }
                response += buffer[0..<count]
                if headEnd == nil, let end = Self.find([13, 10, 13, 10], in: response) {
                    headEnd = end + 4
                    let head = String(decoding: response[..<end], as: UTF8.self).lowercased()
                    for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                        length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
            let statusLine = String(decoding: response.prefix { $0 != 13 }, as: UTF8.self)
            let parts = statusLine.split(separator: " ")
            guard let headEnd, parts.count >= 2, let status = Int(parts[1]) else {
                throw HubTestFailure("no HTTP answer: \(statusLine.debugDescription)")
            }
            return (status, Array(response[headEnd...]))
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    /// Whether all of `bytes` went out before the peer closed.
    private static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Runs the blocking `body` on a new thread, off the cooperative pool.
    private static func onThread<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value
    {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
