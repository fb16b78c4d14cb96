import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real hub, `opossum hub serve` in a child process on a free loopback port, as
/// head office runs it.
public struct HubProcess: Sendable {
    /// The hub's base URL, `http://127.0.0.1:PORT` (or `https://…` with TLS).
    public let url: String
    /// The port it listens on.
    public let port: Int
    /// The process.
    public let process: ChildProcess
    /// Where its standard output and error go; the log is kept for failure messages.
    public let stdoutPath: String
    /// The hub's log (standard error).
    public let logPath: String

    /// Starts `opossum hub serve --store STORE --port PORT ARGUMENTS` and waits until it
    /// says it is listening. With `port` 0 it takes a free port.
    ///
    /// - Throws: ``HubProcess/StartFailure`` with the hub's log if it exits or stays
    ///   silent for `timeout`.
    public static func start(
        store: String,
        port: Int = 0,
        arguments: [String] = [],
        logDirectory: String,
        timeout: Duration = .seconds(30)
    ) async throws -> HubProcess {
        let name = "hub-\(UUID().uuidString.prefix(8))"
        let stdoutPath = logDirectory + "/\(name).out"
        let logPath = logDirectory + "/\(name).log"
        let process = try ChildProcess.spawn(
            BuiltProduct.path(of: "opossum"),
            ["hub", "serve", "--store", store, "--port", String(port)] + arguments,
            stdin: nil,
            stdout: stdoutPath,
            stderr: logPath,
            environment: ProcessInfo.processInfo.environment
        )
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let output = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            if let url = listeningURL(in: output), let port = URL(string: url)?.port {
                return HubProcess(url: url, port: port, process: process, stdoutPath: stdoutPath, logPath: logPath)
            }
            var status: Int32 = 0
            if waitpid(process.pid, &status, WNOHANG) == process.pid {
                throw StartFailure(log: (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.kill()
        _ = try await process.wait()
        throw StartFailure(log: "no 'listening on' line within \(timeout)")
    }

    /// The hub's log so far.
    public var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Asks the hub to shut down (SIGTERM) and waits for it: in-flight requests finish first.
    @discardableResult
    public func stop() async throws -> ChildProcess.Ending {
        process.send(SIGTERM)
        return try await process.wait(timeout: .seconds(30)) { process.kill() }
    }

    /// Kills the hub at once (SIGKILL), wherever it is, as a power cut would.
    public func kill() async throws {
        process.kill()
        _ = try await process.wait()
    }

    /// The URL in a `… listening on URL` line.
    private static func listeningURL(in output: String) -> String? {
        guard let range = output.range(of: "listening on ") else { return nil }
        let rest = output[range.upperBound...]
        guard let end = rest.firstIndex(where: \.isWhitespace) else { return nil }
        return String(rest[..<end])
    }

    /// The hub did not start; its log says why.
    public struct StartFailure: Error, CustomStringConvertible {
        /// The hub's standard error.
        public let log: String
        /// The log, as the failure's description.
        public var description: String { "the hub did not start: \(log)" }
    }
}
