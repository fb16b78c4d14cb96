import ArgumentParser
import Foundation
import Opossum
import OpossumSync

/// `opossum sync`: push, then pull, over HTTP — once, or on a schedule.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync with head office over HTTP: send this site's decisions, fetch everyone else's.",
        discussion: """
            Pushes this store's decisions that head office has not judged, pulls head \
            office's events and verdicts, and does both once more if the app appended \
            meanwhile. Large transfers go in bundles of --max-events events; an \
            interrupted sync resumes from what head office already has.

            With --every, keeps running: syncs on schedule, retries sooner (10 s, 20 s, \
            40 s … up to the interval) while head office is unreachable, and stops \
            cleanly on SIGINT or SIGTERM. --once syncs once and exits, for cron or a \
            systemd timer. Two syncs of one store never run at once: the second waits.

            Exit codes (once): 0 synced, 2 synced with rejections to review \
            (`opossum rejections`), 75 head office unreachable (nothing lost; the next \
            sync retries), 1 any other failure (e.g. the token was refused).

            Examples:
              opossum sync --store ~/events
              opossum sync --store ~/events --every 15m
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var connection: HubConnectionOptions

    @Option(
        help: ArgumentHelp(
            "Keep running and sync every INTERVAL (e.g. 30s, 15m, 1h).",
            valueName: "interval"
        )
    )
    var every: SyncInterval?

    @Flag(help: "Sync once and exit (the default without --every), for cron and systemd timers.")
    var once = false

    @Flag(help: "Print one JSON object per sync instead of readable lines.")
    var json = false

    func validate() throws {
        guard !(once && every != nil) else { throw ValidationError("--once and --every exclude each other") }
    }

    func run() async throws {
        let (storeOptions, connection, every, json) = (self.storeOptions, self.connection, self.every, self.json)
        try await TerminationSignals.cancelling {
            try await storeOptions.withStore { store in
                let agent = try await connection.agent(for: store)
                if let every {
                    await Self.runScheduled(agent, every: every.duration, json: json)
                    return
                }
                let report = try await agent.sync(progress: SyncOutput.progress)
                let exitCode = try Self.print(report, json: json)
                if exitCode != 0 { throw ExitCode(exitCode) }
            }
        }
    }

    /// Syncs on schedule until cancelled, one report (or one failure line) per sync.
    private static func runScheduled(_ agent: SyncAgent, every interval: Duration, json: Bool) async {
        let schedule = SyncSchedule(interval: interval)
        StandardOutput.writeError("opossum: syncing every \(SyncInterval.describe(interval)); stop with Ctrl-C")
        await schedule.run(agent, progress: SyncOutput.progress) { result, next in
            switch result {
            case .success(let report):
                _ = try? print(report, json: json)
            case .failure(let error):
                let failure = CommandFailure(describing: error)
                StandardOutput.writeError("opossum: \(timestamp()) \(failure.message)")
            }
            StandardOutput.writeError("opossum: next sync in \(SyncInterval.describe(next))")
        }
        StandardOutput.writeError("opossum: scheduled sync stopped")
    }

    /// Prints `report` and returns the exit code it calls for.
    private static func print(_ report: SyncReport, json: Bool) throws -> Int32 {
        try SyncOutput.print(
            pushed: report.pushed,
            pulled: report.pulled,
            rejections: SyncOutput.rejections(report),
            json: json
        )
    }

    /// The time now, for the lines of a long-running sync.
    private static func timestamp() -> String {
        Date().formatted(.iso8601)
    }
}

/// A sync interval as typed on the command line: `90` (seconds), `30s`, `15m`, `2h`.
struct SyncInterval: ExpressibleByArgument {
    /// The interval.
    let duration: Duration

    init?(argument: String) {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600]
        var text = Substring(argument)
        var unit: Int64 = 1
        if let last = text.last, let seconds = units[last] {
            unit = seconds
            text = text.dropLast()
        }
        guard let value = Int64(text), value > 0, value <= 7 * 24 * 3600 / unit else { return nil }
        duration = .seconds(value * unit)
    }

    /// `15m`, `90s`: a duration as a person reads it.
    static func describe(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds >= 3600 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds >= 60 && seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
