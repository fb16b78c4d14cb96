import OpossumTestSupport
import Testing

@Suite("FaultProxy")
struct FaultProxyTests {
    /// A server on a loopback port that takes one connection, reads until the client
    /// stops sending, answers `reply` and closes; returns what it read.
    private func serveOnce(
        replying reply: [UInt8]
    ) throws -> (port: Int, received: Task<[UInt8], any Error>) {
        let (listener, port) = try FaultProxy.Socket.listen()
        let received = Task {
            try await onThread {
                defer { listener.close() }
                let connection = try listener.accept()
                defer { connection.close() }
                let bytes = connection.receiveAll()
                try? connection.send(reply)
                return bytes
            }
        }
        return (port, received)
    }

    /// Connects to `port`, sends `request`, stops sending, and reads until the end.
    private func exchange(port: Int, sending request: [UInt8]) async throws -> [UInt8] {
        try await onThread {
            let socket = try FaultProxy.Socket.connect(port: port)
            defer { socket.close() }
            try? socket.send(request)
            socket.shutdownSending()
            return socket.receiveAll()
        }
    }

    @Test func passesBytesThroughBothWays() async throws {
        let request = randomBytes(count: 1 << 20, seed: 10)
        let reply = randomBytes(count: 700_001, seed: 11)
        let server = try serveOnce(replying: reply)
        let proxy = try FaultProxy(targetPort: server.port)
        defer { proxy.stop() }
        let answer = try await exchange(port: proxy.port, sending: request)
        #expect(answer == reply)
        #expect(try await server.received.value == request)
        #expect(proxy.connectionCount == 1)
    }

    @Test(arguments: [0, 1, 1000, 65_537, 200_000])
    func cutUpstreamDeliversExactlyTheFirstBytes(count: Int) async throws {
        let request = randomBytes(count: 300_000, seed: 12)
        let server = try serveOnce(replying: Array("late".utf8))
        let proxy = try FaultProxy(targetPort: server.port) { _ in .cutUpstream(afterBytes: count) }
        defer { proxy.stop() }
        let answer = try await exchange(port: proxy.port, sending: request)
        #expect(answer.isEmpty)
        #expect(try await server.received.value == Array(request.prefix(count)))
    }

    @Test(arguments: [0, 1, 1000, 65_537, 200_000])
    func cutDownstreamDeliversExactlyTheFirstBytes(count: Int) async throws {
        let reply = randomBytes(count: 300_000, seed: 13)
        let server = try serveOnce(replying: reply)
        let proxy = try FaultProxy(targetPort: server.port) { _ in .cutDownstream(afterBytes: count) }
        defer { proxy.stop() }
        let answer = try await exchange(port: proxy.port, sending: Array("hello".utf8))
        #expect(answer == Array(reply.prefix(count)))
        _ = try? await server.received.value
    }

    @Test func refusedConnectionIsClosedAtOnceWithoutReachingTheTarget() async throws {
        let (listener, port) = try FaultProxy.Socket.listen()
        defer { listener.close() }
        let proxy = try FaultProxy(targetPort: port) { _ in .refuse }
        defer { proxy.stop() }
        let answer = try await exchange(port: proxy.port, sending: Array("hello".utf8))
        #expect(answer.isEmpty)
        #expect(proxy.connectionCount == 1)
    }

    @Test func delayedConnectionStillDeliversEverything() async throws {
        let request = randomBytes(count: 5000, seed: 14)
        let server = try serveOnce(replying: Array("ok".utf8))
        let proxy = try FaultProxy(targetPort: server.port) { _ in .delay(.milliseconds(20)) }
        defer { proxy.stop() }
        let answer = try await exchange(port: proxy.port, sending: request)
        #expect(answer == Array("ok".utf8))
        #expect(try await server.received.value == request)
    }

    @Test func planChangesApplyToLaterConnections() async throws {
        let (listener, port) = try FaultProxy.Socket.listen()
        defer { listener.close() }
        let proxy = try FaultProxy(targetPort: port) { _ in .refuse }
        defer { proxy.stop() }
        #expect(try await exchange(port: proxy.port, sending: [1]).isEmpty)
        let server = Task {
            try await onThread {
                let connection = try listener.accept()
                defer { connection.close() }
                _ = connection.receiveAll()
                try connection.send([42])
            }
        }
        proxy.setPlan { index in index == 1 ? .pass : .refuse }
        #expect(try await exchange(port: proxy.port, sending: [1]) == [42])
        try await server.value
        #expect(proxy.connectionCount == 2)
    }

    @Test func stopEndsStalledConnections() async throws {
        let (listener, port) = try FaultProxy.Socket.listen()
        defer { listener.close() }
        let proxy = try FaultProxy(targetPort: port) { _ in .stall(afterBytes: 2, direction: .upstream) }
        let (arrived, arriving) = AsyncStream<[UInt8]>.makeStream()
        let server = Task {
            try await onThread {
                let connection = try listener.accept()
                defer { connection.close() }
                var first: [UInt8] = []
                while first.count < 2 {
                    let more = connection.receive(maximumCount: 2 - first.count)
                    if more.isEmpty { break }
                    first += more
                }
                arriving.yield(first)
                return connection.receiveAll()
            }
        }
        let client = Task {
            try await onThread {
                let socket = try FaultProxy.Socket.connect(port: proxy.port)
                defer { socket.close() }
                try socket.send([1, 2, 3, 4])
                return socket.receiveAll()
            }
        }
        for await first in arrived {
            #expect(first == [1, 2])
            break
        }
        proxy.stop()
        #expect(try await client.value.isEmpty)
        #expect(try await server.value.isEmpty)
        proxy.stop()
    }
}
