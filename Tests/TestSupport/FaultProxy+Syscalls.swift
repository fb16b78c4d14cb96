#if canImport(Glibc)
import Glibc
#endif

/// The system calls the fault proxy makes, each wrapped once: `EINTR` is retried here
/// and nowhere else, and a failure becomes a ``FaultProxy/SystemCallError``.
enum ProxySystemCall {
    /// Runs `call` until it does not fail with `EINTR`; `-1` becomes the `errno`.
    static func retrying(_ name: String, _ call: () -> Int) throws(FaultProxy.SystemCallError) -> Int {
        while true {
            let result = call()
            if result != -1 { return result }
            let code = errno
            if code != EINTR { throw FaultProxy.SystemCallError(call: name, errno: code) }
        }
    }

    /// A TCP socket.
    static func tcpSocket() throws(FaultProxy.SystemCallError) -> Int32 {
        Int32(
            try retrying("socket") {
                Int(socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0))
            }
        )
    }

    /// The address 127.0.0.1:`port`.
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        return address
    }

    /// A socket listening on 127.0.0.1 at a port the system picks, and that port.
    static func listen() throws(FaultProxy.SystemCallError) -> (descriptor: Int32, port: Int) {
        let descriptor = try tcpSocket()
        do {
            var yes: Int32 = 1
            _ = try retrying("setsockopt") {
                Int(setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size)))
            }
            var address = loopback(port: 0)
            _ = try retrying("bind") {
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Int(bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)))
                    }
                }
            }
            _ = try retrying("listen") { Int(Glibc.listen(descriptor, 128)) }
            var bound = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = try retrying("getsockname") {
                withUnsafeMutablePointer(to: &bound) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Int(getsockname(descriptor, $0, &length)) }
                }
            }
            return (descriptor, Int(UInt16(bigEndian: bound.sin_port)))
        } catch {
            _ = close(descriptor)
            throw error
        }
    }

    /// A socket connected to 127.0.0.1:`port`.
    static func connect(port: Int) throws(FaultProxy.SystemCallError) -> Int32 {
        let descriptor = try tcpSocket()
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        // A `connect` interrupted by a signal goes on in the background: wait for it.
        if result == -1 && errno == EINTR {
            var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            _ = try? retrying("poll") { Int(Glibc.poll(&ready, 1, -1)) }
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length)
            if failure != 0 {
                _ = close(descriptor)
                throw FaultProxy.SystemCallError(call: "connect", errno: failure)
            }
        } else if result == -1 {
            let code = errno
            _ = close(descriptor)
            throw FaultProxy.SystemCallError(call: "connect", errno: code)
        }
        return descriptor
    }

    /// Accepts a connection on `listener`.
    static func accept(_ listener: Int32) throws(FaultProxy.SystemCallError) -> Int32 {
        let descriptor = Int32(try retrying("accept") { Int(Glibc.accept(listener, nil, nil)) })
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        return descriptor
    }

    /// A pipe, both ends closed on `exec`.
    static func pipe() throws(FaultProxy.SystemCallError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        _ = try retrying("pipe") { Int(Glibc.pipe(&ends)) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    /// `POLLRDHUP`, which Glibc defines only for `_GNU_SOURCE`: the peer shut down its
    /// sending side (Linux's value).
    static let pollReadHangUp: Int32 = 0x2000

    /// Reads up to `buffer.count` bytes; 0 at the end of the stream.
    static func read(
        _ descriptor: Int32,
        into buffer: UnsafeMutableRawBufferPointer
    ) throws(FaultProxy.SystemCallError) -> Int {
        try retrying("read") { Glibc.read(descriptor, buffer.baseAddress, buffer.count) }
    }

    /// Sends all of `buffer`, never raising `SIGPIPE`.
    static func sendAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) throws(FaultProxy.SystemCallError) {
        var done = 0
        while done < buffer.count {
            let rest = UnsafeRawBufferPointer(rebasing: buffer[done...])
            done += try retrying("send") { send(descriptor, rest.baseAddress, rest.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    /// Waits until one of `descriptors` has one of its `events`, or `timeout` milliseconds
    /// (-1: forever) pass; returns each descriptor's `revents`.
    static func poll(_ descriptors: [(Int32, Int32)], timeout: Int32) throws(FaultProxy.SystemCallError) -> [Int32] {
        var entries = descriptors.map { pollfd(fd: $0.0, events: Int16($0.1), revents: 0) }
        _ = try retrying("poll") { Int(Glibc.poll(&entries, nfds_t(entries.count), timeout)) }
        return entries.map { Int32($0.revents) }
    }
}
