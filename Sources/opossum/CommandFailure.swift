import Foundation
import Opossum
import OpossumSync

/// A command's failure as the user sees it: one line on standard error and an exit code.
///
/// This is the one place that decides how every error a command can meet is
/// reported, so that `opossum` never ends in a crash, a stack trace or several
/// lines of noise: scripts can rely on the exit code and people on the line.
struct CommandFailure: Error, CustomStringConvertible {
    /// The exit code when an append condition failed and nothing was written.
    static let appendConditionFailedExitCode: Int32 = 3
    /// The exit code of a command stopped by SIGINT or SIGTERM, as a shell reports Ctrl-C.
    static let interruptedExitCode: Int32 = 130

    /// What went wrong, without the `opossum: ` prefix.
    var message: String
    /// The process's exit code.
    var exitCode: Int32

    /// Creates a failure with `message` that exits with `exitCode` (1 unless told otherwise).
    init(_ message: String, exitCode: Int32 = EXIT_FAILURE) {
        self.message = message
        self.exitCode = exitCode
    }

    /// Maps any error a command throws to its line and exit code.
    init(describing error: any Error) {
        switch error {
        case let failure as CommandFailure:
            self = failure
        case let conflict as AppendConditionError:
            self.init(
                "\(conflict.description); nothing was written",
                exitCode: Self.appendConditionFailedExitCode
            )
        case let storeError as EventStoreError:
            self.init(storeError.description)
        case let syncError as SyncError:
            self.init(syncError.description)
        case is CancellationError:
            self.init(
                "stopped on request (SIGINT or SIGTERM); nothing was lost, and the next run continues where this one stopped",
                exitCode: Self.interruptedExitCode
            )
        case let transport as TransportError where transport.isRetryable:
            self.init(
                "\(transport.message); nothing was lost, the next sync tries again",
                exitCode: SyncOutput.unreachableExitCode
            )
        case let transport as TransportError:
            self.init(transport.message)
        default:
            self.init(String(describing: error))
        }
    }

    var description: String { message }

    /// Writes `opossum: MESSAGE` as a single line to standard error and exits with ``exitCode``.
    func exit() -> Never {
        let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        StandardOutput.writeError("opossum: \(oneLine)")
        Foundation.exit(exitCode)
    }
}
