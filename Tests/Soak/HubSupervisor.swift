import Foundation
import OpossumTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The hub process: started once on a free port, then killed and restarted on that same
/// port, so that the sites' proxies (and enrolment URLs) stay valid.
actor HubSupervisor {
    private let store: String
    private let logDirectory: String
    private let arguments: [String]
    private let ledger: SoakLedger
    private var hub: HubProcess?
    /// The port, fixed by the first start.
    private(set) var port = 0

    init(store: String, logDirectory: String, arguments: [String], ledger: SoakLedger) {
        self.store = store
        self.logDirectory = logDirectory
        self.arguments = arguments
        self.ledger = ledger
    }

    /// Starts the hub for the first time, on a port the system picks.
    func start() async throws {
        let hub = try await HubProcess.start(store: store, port: 0, arguments: arguments, logDirectory: logDirectory)
        self.hub = hub
        port = hub.port
    }

    /// Kills the hub with SIGKILL, as a power cut would. A hub that had already ended on
    /// its own is a violation.
    func kill() async throws {
        guard let hub else { return }
        try await checkAlive()
        try await hub.kill()
        self.hub = nil
        await ledger.hubKilled()
    }

    /// Records a violation if the hub ended without being killed, and forgets it.
    func checkAlive() async throws {
        guard let hub else { return }
        var status: Int32 = 0
        guard waitpid(hub.process.pid, &status, WNOHANG) == hub.process.pid else { return }
        self.hub = nil
        let tail = hub.log.split(separator: "\n").suffix(5).joined(separator: " | ")
        await ledger.violation("the hub ended by itself (wait status \(status)); its log ends: \(tail)")
    }

    /// Starts the hub on its port if it is not running, retrying while the port is busy.
    func ensureRunning() async throws {
        try await checkAlive()
        guard hub == nil else { return }
        var lastError: (any Error)?
        for _ in 0..<40 {
            do {
                hub = try await HubProcess.start(
                    store: store,
                    port: port,
                    arguments: arguments,
                    logDirectory: logDirectory
                )
                return
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        await ledger.violation("the hub did not restart on port \(port): \(lastError.map { "\($0)" } ?? "")")
    }

    /// Stops the hub with SIGTERM; it must finish its requests and exit 0.
    func stop() async throws {
        guard let hub else { return }
        try await checkAlive()
        guard self.hub != nil else { return }
        let ending = try await hub.stop()
        self.hub = nil
        if ending != .exited(0) {
            await ledger.violation("the hub did not stop cleanly on SIGTERM: \(ending)")
        }
    }

    /// The lines of every hub log that mention an error or a warning, as `file: line`.
    func troubleInLogs() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: logDirectory)) ?? []
        return files.filter { $0.hasPrefix("hub-") && $0.hasSuffix(".log") }.sorted().flatMap { file in
            let text = (try? String(contentsOfFile: "\(logDirectory)/\(file)", encoding: .utf8)) ?? ""
            return text.split(separator: "\n").filter { line in
                ["error", "warning", "critical", "fatal"].contains { line.lowercased().contains($0) }
            }.map { "\(file): \($0)" }
        }
    }
}
