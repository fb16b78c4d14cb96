import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on 127.0.0.1 that forwards to a local port and breaks connections on
/// purpose: cuts them after so many bytes, stalls them, slows them, or refuses them.
///
/// Each accepted connection asks the plan closure what to do with it, by its index
/// (0 for the first), so a test can say "cut the first two, let the third pass".
/// Blocking sockets on threads of its own, one per connection direction: no event loop,
/// nothing shared with the code under test.
///
/// ```swift
/// let proxy = try FaultProxy(targetPort: hubPort) { index in
///     index < 2 ? .cutDownstream(afterBytes: 10_000) : .pass
/// }
/// defer { proxy.stop() }
/// // point the client at proxy.port
/// ```
public final class FaultProxy: Sendable {
    /// Which way bytes flow.
    public enum Direction: Hashable, Sendable {
        /// From the client to the server.
        case upstream
        /// From the server to the client.
        case downstream
    }

    /// What happens to one connection.
    public enum Plan: Hashable, Sendable {
        /// Forward everything.
        case pass
        /// Forward `afterBytes` bytes from the client to the server, then close both sides.
        case cutUpstream(afterBytes: Int)
        /// Forward `afterBytes` bytes from the server to the client, then close both sides.
        case cutDownstream(afterBytes: Int)
        /// Forward `afterBytes` bytes in `direction`, then forward nothing more that way,
        /// keeping both sockets open until the proxy stops or a peer closes. The other
        /// direction goes on.
        case stall(afterBytes: Int, direction: Direction)
        /// Wait this long before forwarding each chunk read, both ways.
        case delay(Duration)
        /// Accept the connection and close it at once.
        case refuse
    }

    /// A system call that failed.
    public struct SystemCallError: Error, CustomStringConvertible {
        /// The call, as in `connect`.
        public let call: String
        /// The `errno` it left.
        public let errno: Int32

        /// The call and the system's words for the error.
        public var description: String { "\(call): \(String(cString: strerror(errno)))" }
    }

    /// The port the proxy listens on, on 127.0.0.1.
    public let port: Int
    /// The port on 127.0.0.1 it forwards to.
    public let targetPort: Int

    private let listener: Int32
    /// A pipe that becomes readable, for every thread at once, when the proxy stops.
    private let stopSignal: (read: Int32, write: Int32)
    private let state: Mutex<State>
    /// Every thread the proxy started, to wait for in ``stop()``.
    private let threads = DispatchGroup()

    private struct State {
        var plan: @Sendable (_ connectionIndex: Int) -> Plan
        var accepted = 0
        var stopped = false
        var connections: [Int: ProxyConnection] = [:]
    }

    /// Starts a proxy to `127.0.0.1:targetPort`, listening on a port the system picks.
    ///
    /// - Parameter plan: What to do with each connection, by its index from 0; may be
    ///   replaced later with ``setPlan(_:)``.
    public init(
        targetPort: Int,
        plan: @escaping @Sendable (_ connectionIndex: Int) -> Plan = { _ in .pass }
    ) throws(SystemCallError) {
        let (listener, port) = try ProxySystemCall.listen()
        let stopSignal: (read: Int32, write: Int32)
        do {
            stopSignal = try ProxySystemCall.pipe()
        } catch {
            _ = close(listener)
            throw error
        }
        self.listener = listener
        self.port = port
        self.targetPort = targetPort
        self.stopSignal = stopSignal
        self.state = Mutex(State(plan: plan))
        startThread(name: "fault-proxy-accept") { [self] in acceptConnections() }
    }

    /// Replaces the plan for the connections accepted from now on.
    public func setPlan(_ plan: @escaping @Sendable (_ connectionIndex: Int) -> Plan) {
        state.withLock { $0.plan = plan }
    }

    /// How many connections the proxy has accepted so far.
    public var connectionCount: Int {
        state.withLock { $0.accepted }
    }

    /// Stops listening, closes every connection and waits for the proxy's threads to end.
    /// Calling it again does nothing.
    public func stop() {
        let connections: [ProxyConnection]? = state.withLock { state in
            guard !state.stopped else { return nil }
            state.stopped = true
            return Array(state.connections.values)
        }
        guard let connections else { return }
        var byte: UInt8 = 1
        _ = write(stopSignal.write, &byte, 1)
        for connection in connections { connection.breakBoth() }
        threads.wait()
        _ = close(listener)
        _ = close(stopSignal.read)
        _ = close(stopSignal.write)
    }

    // MARK: Threads

    private func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
        threads.enter()
        let thread = Thread { [threads] in
            body()
            threads.leave()
        }
        thread.name = name
        thread.start()
    }

    /// Whether the proxy is stopping: the stop pipe is readable.
    private func isStopping(_ revents: Int32) -> Bool {
        revents & Int32(POLLIN | POLLHUP | POLLERR) != 0
    }

    private func acceptConnections() {
        while true {
            guard
                let ready = try? ProxySystemCall.poll(
                    [(listener, Int32(POLLIN)), (stopSignal.read, Int32(POLLIN))],
                    timeout: -1
                ),
                !isStopping(ready[1])
            else { return }
            guard ready[0] & Int32(POLLIN) != 0, let client = try? ProxySystemCall.accept(listener) else { continue }
            let (index, plan) = state.withLock { state in
                defer { state.accepted += 1 }
                return (state.accepted, state.plan(state.accepted))
            }
            if plan == .refuse {
                _ = close(client)
                continue
            }
            guard let server = try? ProxySystemCall.connect(port: targetPort) else {
                _ = close(client)
                continue
            }
            let connection = ProxyConnection(client: client, server: server) { [self] in
                state.withLock { _ = $0.connections.removeValue(forKey: index) }
            }
            let admitted = state.withLock { state in
                guard !state.stopped else { return false }
                state.connections[index] = connection
                return true
            }
            guard admitted else {
                connection.breakBoth()
                connection.finishDirection()
                connection.finishDirection()
                return
            }
            for direction in [Direction.upstream, .downstream] {
                startThread(name: "fault-proxy-\(index)-\(direction)") { [self] in
                    pump(connection, direction: direction, plan: plan)
                    connection.finishDirection()
                }
            }
        }
    }

    /// Forwards one direction of `connection` under `plan` until a side closes, the plan
    /// breaks it, or the proxy stops.
    private func pump(_ connection: ProxyConnection, direction: Direction, plan: Plan) {
        let (source, destination) =
            direction == .upstream ? (connection.client, connection.server) : (connection.server, connection.client)
        var fault: (limit: Int, stall: Bool)?
        var delay: Duration?
        switch plan {
        case .cutUpstream(let bytes) where direction == .upstream: fault = (bytes, false)
        case .cutDownstream(let bytes) where direction == .downstream: fault = (bytes, false)
        case .stall(let bytes, let stalled) where stalled == direction: fault = (bytes, true)
        case .delay(let duration): delay = duration
        default: break
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 1)
        defer { buffer.deallocate() }
        var forwarded = 0
        while true {
            if let fault, forwarded >= fault.limit {
                if fault.stall { waitForClose(of: connection) }
                connection.breakBoth()
                return
            }
            guard
                let ready = try? ProxySystemCall.poll(
                    [(source, Int32(POLLIN)), (stopSignal.read, Int32(POLLIN))],
                    timeout: -1
                ),
                !isStopping(ready[1])
            else {
                connection.breakBoth()
                return
            }
            let room = fault.map { min(buffer.count, $0.limit - forwarded) } ?? buffer.count
            let chunk = UnsafeMutableRawBufferPointer(rebasing: buffer[..<room])
            guard let count = try? ProxySystemCall.read(source, into: chunk) else {
                connection.breakBoth()
                return
            }
            if count == 0 {
                // The source closed its sending side: pass that on, let the other way finish.
                _ = shutdown(destination, Int32(SHUT_WR))
                return
            }
            if let delay, !sleep(delay) {
                connection.breakBoth()
                return
            }
            do {
                try ProxySystemCall.sendAll(destination, UnsafeRawBufferPointer(rebasing: chunk[..<count]))
            } catch {
                connection.breakBoth()
                return
            }
            forwarded += count
        }
    }

    /// Waits, forwarding nothing, until a peer of `connection` closes or the proxy stops.
    private func waitForClose(of connection: ProxyConnection) {
        let closed = ProxySystemCall.pollReadHangUp | Int32(POLLHUP | POLLERR)
        let watched = [
            (connection.client, ProxySystemCall.pollReadHangUp), (connection.server, ProxySystemCall.pollReadHangUp),
            (stopSignal.read, Int32(POLLIN)),
        ]
        while let ready = try? ProxySystemCall.poll(watched, timeout: -1) {
            if isStopping(ready[2]) || ready[0] & closed != 0 || ready[1] & closed != 0 { return }
        }
    }

    /// Sleeps for `duration` unless the proxy stops first; `false` if it did.
    private func sleep(_ duration: Duration) -> Bool {
        let milliseconds = Int32(
            clamping: duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        )
        guard let ready = try? ProxySystemCall.poll([(stopSignal.read, Int32(POLLIN))], timeout: milliseconds) else {
            return false
        }
        return !isStopping(ready[0])
    }
}

/// The two sockets of one proxied connection, closed once both directions are done.
///
/// Either direction (or ``FaultProxy/stop()``) may break the connection with `shutdown`,
/// which wakes the other direction's blocked `poll` or `send`; the descriptors are closed
/// only by the last direction to finish, under the lock, so no thread ever touches a
/// descriptor number that has been closed and perhaps reused.
private final class ProxyConnection: Sendable {
    let client: Int32
    let server: Int32
    private let onClose: @Sendable () -> Void
    private let state = Mutex((directionsLeft: 2, closed: false))

    init(client: Int32, server: Int32, onClose: @escaping @Sendable () -> Void) {
        self.client = client
        self.server = server
        self.onClose = onClose
    }

    /// Shuts both sockets down both ways: both peers see the connection end.
    func breakBoth() {
        state.withLock { state in
            guard !state.closed else { return }
            _ = shutdown(client, Int32(SHUT_RDWR))
            _ = shutdown(server, Int32(SHUT_RDWR))
        }
    }

    /// One direction is done; the second closes both sockets.
    func finishDirection() {
        let closing = state.withLock { state in
            state.directionsLeft -= 1
            guard state.directionsLeft == 0 else { return false }
            state.closed = true
            _ = close(client)
            _ = close(server)
            return true
        }
        if closing { onClose() }
    }
}
