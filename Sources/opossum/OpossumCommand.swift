import ArgumentParser
import Foundation
import Opossum
import OpossumSync

/// The `opossum` command-line tool: the root command that dispatches to one subcommand per task.
///
/// It replaces ArgumentParser's default entry point so that every failure, from a
/// mistyped option to a damaged store, ends the same way: one `opossum: ` line on
/// standard error and a meaningful exit code (see ``CommandFailure``).
@main
struct OpossumCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opossum",
        abstract: "A durable, file-backed event store for Dynamic Consistency Boundaries.",
        discussion: """
            Every command works on one store directory, given with --store DIR or the \
            OPOSSUM_STORE environment variable. Output is JSON for scripts; errors are one \
            line on standard error starting with "opossum: ". Exit codes: 0 success, 3 when an \
            append condition failed (nothing was written), 2 when a sync brought rejections to \
            review, 75 when head office could not be reached (nothing lost; sync again later), \
            130 when stopped by SIGINT or SIGTERM, 64 for a usage error, 1 for any other failure.

            Example:
              export OPOSSUM_STORE=~/events
              opossum init --name laptop
              opossum append --type StudentSubscribed --tag student:42 --tag course:7 \\
                --data '{"grade": 1}'
              opossum read --query '{"items":[{"tags":["course:7"]}]}'
            """,
        subcommands: [
            InitCommand.self,
            AppendCommand.self,
            ReadCommand.self,
            TailCommand.self,
            StatusCommand.self,
            CheckCommand.self,
            IdentityCommand.self,
            JoinCommand.self,
            ExportCommand.self,
            ImportCommand.self,
            VerifyCommand.self,
            RejectionsCommand.self,
            PushCommand.self,
            PullCommand.self,
            SyncCommand.self,
            HubCommand.self,
        ]
    )

    /// Parses the arguments, runs the chosen command, and reports any failure as one line.
    static func main() async {
        StandardOutput.ignoreBrokenPipeSignal()
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                // ArgumentParser's own commands, such as `help`, are not async.
                try command.run()
            }
        } catch {
            fail(with: error)
        }
    }

    /// Ends the process for `error`: help goes to standard output with exit code 0,
    /// everything else is one line on standard error (see ``CommandFailure``).
    private static func fail(with error: any Error) -> Never {
        switch error {
        case is StandardOutput.Closed:
            // The reader stopped listening; that is its choice, not a failure.
            Foundation.exit(EXIT_SUCCESS)
        case is CommandFailure, is AppendConditionError, is EventStoreError, is SyncError, is TransportError,
            is CancellationError:
            CommandFailure(describing: error).exit()
        default:
            // ArgumentParser's errors: help requests, usage errors, ExitCode.
            let exitCode = exitCode(for: error)
            let message = message(for: error)
            if exitCode.isSuccess || message.isEmpty {
                exit(withError: error)
            }
            let hint = exitCode == .validationFailure ? " (see 'opossum help')" : ""
            CommandFailure(message + hint, exitCode: exitCode.rawValue).exit()
        }
    }
}
