import ArgumentParser
import OpossumSync

/// `opossum pull`: fetches head office's events and verdicts over HTTP.
struct PullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Fetch head office's events and its verdicts on this site's decisions over HTTP.",
        discussion: """
            Appends the events head office has that this site has not seen, and records \
            the verdicts on this site's decisions: rejected ones disappear from reads, \
            conditions and projections (see `opossum rejections`). Exit codes: 0 pulled, \
            2 rejections arrived to review, 75 head office unreachable (nothing lost; try \
            again later), 1 any other failure.

            Example:
              opossum pull --store ~/events
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var connection: HubConnectionOptions

    @Flag(help: "Print one JSON object instead of readable lines.")
    var json = false

    func run() async throws {
        let report = try await storeOptions.withStore { store in
            try await connection.agent(for: store).pull(progress: SyncOutput.progress)
        }
        let exitCode = try SyncOutput.print(pushed: nil, pulled: report, rejections: report.rejections, json: json)
        if exitCode != 0 { throw ExitCode(exitCode) }
    }
}
