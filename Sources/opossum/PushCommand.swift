import ArgumentParser
import OpossumSync

/// `opossum push`: sends this site's decisions to the hub over HTTP.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Send this site's decisions to head office over HTTP and print its verdicts.",
        discussion: """
            Sends the store's own decisions that head office has not judged yet, in \
            bundles of at most --max-events events, and prints what head office decided. \
            A rejected decision stays visible here until a pull brings the verdict (use \
            `opossum sync` to do both). Exit codes: 0 pushed, 2 some decisions rejected, \
            75 head office unreachable (nothing lost; try again later), 1 any other failure.

            Example:
              opossum push --store ~/events
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var connection: HubConnectionOptions

    @Flag(help: "Print one JSON object instead of readable lines.")
    var json = false

    func run() async throws {
        let report = try await storeOptions.withStore { store in
            try await connection.agent(for: store).push(progress: SyncOutput.progress)
        }
        let exitCode = try SyncOutput.print(pushed: report, pulled: nil, rejections: report.rejected, json: json)
        if exitCode != 0 { throw ExitCode(exitCode) }
    }
}
