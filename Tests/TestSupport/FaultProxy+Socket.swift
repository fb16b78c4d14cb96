#if canImport(Glibc)
import Glibc
#endif

extension FaultProxy {
    /// A blocking TCP socket on 127.0.0.1: the two ends a test of the proxy puts around it.
    /// Its calls block; run them on a thread of their own, not on the cooperative pool.
    public struct Socket: Sendable {
        /// The descriptor.
        public let descriptor: Int32

        /// A socket listening on a port the system picks, and that port.
        public static func listen() throws(SystemCallError) -> (socket: Socket, port: Int) {
            let (descriptor, port) = try ProxySystemCall.listen()
            return (Socket(descriptor: descriptor), port)
        }

        /// A socket connected to `127.0.0.1:port`.
        public static func connect(port: Int) throws(SystemCallError) -> Socket {
            Socket(descriptor: try ProxySystemCall.connect(port: port))
        }

        /// The next connection to this listening socket.
        public func accept() throws(SystemCallError) -> Socket {
            Socket(descriptor: try ProxySystemCall.accept(descriptor))
        }

        /// Sends all of `bytes`.
        public func send(_ bytes: [UInt8]) throws(SystemCallError) {
            let result = bytes.withUnsafeBytes { buffer in
                Result { () throws(SystemCallError) in try ProxySystemCall.sendAll(descriptor, buffer) }
            }
            try result.get()
        }

        /// Reads what has come, up to `maximumCount` bytes, waiting for at least one;
        /// empty at the end of the stream.
        public func receive(maximumCount: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: maximumCount)
            let count = bytes.withUnsafeMutableBytes { (try? ProxySystemCall.read(descriptor, into: $0)) ?? 0 }
            return Array(bytes.prefix(count))
        }

        /// Reads until the peer closes (or resets) the connection, and returns what came.
        public func receiveAll() -> [UInt8] {
            var received: [UInt8] = []
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 1)
            defer { buffer.deallocate() }
            while let count = try? ProxySystemCall.read(descriptor, into: buffer), count > 0 {
                received.append(contentsOf: buffer[..<count])
            }
            return received
        }

        /// Closes the sending side: the peer reads the end of the stream.
        public func shutdownSending() {
            _ = shutdown(descriptor, Int32(SHUT_WR))
        }

        /// Closes the socket.
        public func close() {
            _ = Glibc.close(descriptor)
        }
    }
}
