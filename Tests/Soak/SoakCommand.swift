import ArgumentParser
import Foundation

/// `opossum-soak`: a hub and several sites, real `opossum` processes on loopback, synced
/// through fault-injecting proxies while the hub is killed at random; then a clean sync
/// and a check that nothing was lost, duplicated or let through. Run by `Scripts/soak.sh`.
@main
struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opossum-soak",
        abstract: "Soak the hub/site sync: chaos for a while, then check every event and verdict.",
        discussion: """
            Starts `opossum hub serve` and SITES sites, each behind its own fault proxy that \
            cuts, stalls, delays and refuses connections. Each site appends contended \
            field-service decisions and syncs every few seconds; head office replenishes \
            stock and reserves at the hub; the hub is killed (SIGKILL) and restarted at \
            random, and some syncs are killed mid-way. After DURATION the faults stop, every \
            site syncs until nothing moves, and a checker compares the stores: exit 0 when \
            no violation was found, 1 otherwise. The `opossum` binary is the one built next \
            to this one.
            """
    )

    @Option(help: ArgumentHelp("How long the chaos runs: 90s, 2m, 10m, 1h.", valueName: "duration"))
    var duration = SoakDuration(seconds: 600)

    @Option(help: "How many sites.")
    var sites = 5

    @Option(help: "The seed of every random choice (default: the time now); printed, to run the same plan again.")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Where the stores and logs go (default: a new temporary directory).", valueName: "dir"))
    var dir: String?

    @Option(help: ArgumentHelp("The share of proxied connections that meet a fault, 0 to 1.", valueName: "share"))
    var faultRate = 0.3

    @Option(help: ArgumentHelp("The share of syncs killed (SIGKILL) part-way, 0 to 1.", valueName: "share"))
    var syncKillRate = 0.05

    @Option(help: ArgumentHelp("How long the hub runs between kills, in seconds.", valueName: "min-max"))
    var hubUptime = SecondsRange(lower: 20, upper: 60)

    @Option(help: ArgumentHelp("How long the hub stays down after a kill, in seconds.", valueName: "min-max"))
    var hubDowntime = SecondsRange(lower: 0.5, upper: 3)

    @Option(
        help: ArgumentHelp(
            "Break something on purpose before the check, which must then find violations: lost-decision, damaged-hub.",
            valueName: "kind"
        )
    )
    var sabotage = Sabotage.none

    func validate() throws {
        guard (1...50).contains(sites) else { throw ValidationError("--sites must be between 1 and 50") }
        guard (0...1).contains(faultRate) else { throw ValidationError("--fault-rate must be between 0 and 1") }
        guard (0...1).contains(syncKillRate) else { throw ValidationError("--sync-kill-rate must be between 0 and 1") }
    }

    func run() async throws {
        let seed = self.seed ?? UInt64(Date().timeIntervalSince1970)
        let directory =
            dir
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("opossum-soak-\(seed)").path
        let configuration = SoakConfiguration(
            duration: duration.duration,
            siteCount: sites,
            seed: seed,
            directory: URL(fileURLWithPath: directory).standardizedFileURL.path,
            faultRate: faultRate,
            syncKillRate: syncKillRate,
            hubUptime: hubUptime,
            hubDowntime: hubDowntime,
            sabotage: sabotage
        )
        let report = try await Soak(configuration: configuration).run()
        print(report.summary)
        if !report.violations.isEmpty { throw ExitCode.failure }
    }
}
