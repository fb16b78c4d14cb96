import Foundation
import OpossumCurl
import OpossumSync
import OpossumTestSupport
import Synchronization

/// Records the waits a retry policy asks for, and waits only as long as told.
final class SleepRecorder: Sendable {
    private let delays = Mutex<[Duration]>([])
    private let realWaits: Bool

    /// A recorder whose waits return at once, or really wait when `realWaits`.
    init(realWaits: Bool = false) {
        self.realWaits = realWaits
    }

    /// The waits asked for so far.
    var recorded: [Duration] {
        delays.withLock { $0 }
    }

    /// A policy of `attempts` attempts whose waits this recorder takes.
    func policy(attempts: Int) -> TransferRetryPolicy {
        TransferRetryPolicy(maximumAttempts: attempts) { [self] delay in
            delays.withLock { $0.append(delay) }
            if realWaits { try await Task.sleep(for: delay) }
        }
    }
}

/// A transport to `url`, where no stand-in hub is, for some site.
func transportWithoutHub(to url: String, policy: TransferRetryPolicy) -> CurlTransport {
    CurlTransport(
        configuration: CurlTransport.Configuration(hubURL: url, siteStoreId: UUID(), token: "t", retryPolicy: policy)
    )
}

extension StandInHub {
    /// A transport speaking to this hub (or to `url`, a proxy in front of it).
    func transport(
        url: String? = nil,
        token: String? = nil,
        attempts: Int = 1,
        sleeps: SleepRecorder = SleepRecorder(),
        tls: TLSOptions = TLSOptions(),
        configure: (inout CurlTransport.Configuration) -> Void = { _ in }
    ) -> CurlTransport {
        var configuration = CurlTransport.Configuration(
            hubURL: url ?? self.url,
            siteStoreId: siteStoreId,
            token: token ?? self.token,
            tls: tls,
            retryPolicy: sleeps.policy(attempts: attempts)
        )
        configure(&configuration)
        return CurlTransport(configuration: configuration)
    }
}

/// `count` bytes drawn from `seed`: a bundle stand-in whose every byte differs by position.
func randomBytes(count: Int, seed: UInt64) -> [UInt8] {
    var generator = SeededRandom(state: seed)
    var bytes = [UInt8](repeating: 0, count: count)
    var index = 0
    while index < count {
        var word = generator.next()
        for _ in 0..<min(8, count - index) {
            bytes[index] = UInt8(truncatingIfNeeded: word)
            word >>= 8
            index += 1
        }
    }
    return bytes
}

/// Writes `bytes` to `path`.
func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// The bytes of the file at `path`.
func contents(of path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// The names in `directory`, sorted.
func names(in directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
}

/// Runs blocking `body` on a thread of its own, off the cooperative pool.
func onThread<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// A loopback port with nothing listening on it (it was listening a moment ago).
func closedPort() throws -> Int {
    let (socket, port) = try FaultProxy.Socket.listen()
    socket.close()
    return port
}
