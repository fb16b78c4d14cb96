import Foundation
import OpossumTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// What one run of `opossum` did.
struct CommandOutcome: Sendable {
    /// The arguments it ran with.
    var arguments: [String]
    /// The exit code; `128 + signal` when a signal ended it.
    var exitCode: Int32
    /// Its standard output.
    var stdout: String
    /// Its standard error.
    var stderr: String
    /// Whether the soak killed it on purpose, part-way.
    var killedOnPurpose = false
    /// Whether it ran past the command timeout and was killed.
    var timedOut = false

    /// Standard output's lines, without empty ones.
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }

    /// Standard output as one JSON object, or `nil`.
    var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
    }

    /// The command, how it ended and what it said on standard error, for a violation.
    var summary: String {
        let ending = timedOut ? "hung, killed" : "exit \(exitCode)"
        let said = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        return "opossum \(arguments.joined(separator: " ")): \(ending)\(said.isEmpty ? "" : ": \(said)")"
    }
}

/// Runs the real `opossum` executable as child processes, with their output in files.
struct OpossumRunner: Sendable {
    /// The `opossum` executable.
    let executable: String
    /// Where the output files go while a command runs.
    let scratch: String
    /// How long a command may run before it is killed and counts as hung.
    let timeout: Duration

    /// A command that failed to do what the soak needs of it (set-up, the check).
    struct Failure: Error, CustomStringConvertible {
        let outcome: CommandOutcome
        var description: String { outcome.summary }
    }

    /// Runs `opossum ARGUMENTS` to the end; with `killAfter`, kills it (SIGKILL) then if
    /// it is still running.
    func run(_ arguments: [String], killAfter: Duration? = nil) async throws -> CommandOutcome {
        let name = UUID().uuidString
        let stdoutPath = "\(scratch)/\(name).out"
        let stderrPath = "\(scratch)/\(name).err"
        defer {
            try? FileManager.default.removeItem(atPath: stdoutPath)
            try? FileManager.default.removeItem(atPath: stderrPath)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["OPOSSUM_STORE"] = nil
        let child = try ChildProcess.spawn(
            executable,
            arguments,
            stdout: stdoutPath,
            stderr: stderrPath,
            environment: environment
        )
        let clock = ContinuousClock()
        let started = clock.now
        var outcome = CommandOutcome(arguments: arguments, exitCode: 0, stdout: "", stderr: "")
        var status: Int32 = 0
        // Polled, so that no thread blocks; the child is always reaped, even if killed.
        while waitpid(child.pid, &status, WNOHANG) != child.pid {
            let elapsed = clock.now - started
            if let killAfter, !outcome.killedOnPurpose, elapsed >= killAfter {
                child.kill()
                outcome.killedOnPurpose = true
            }
            if !outcome.timedOut, elapsed >= timeout {
                child.kill()
                outcome.timedOut = true
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        outcome.exitCode = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        outcome.stdout = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        outcome.stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        return outcome
    }

    /// Runs `opossum ARGUMENTS` and returns its outcome if it exited 0; throws otherwise.
    @discardableResult
    func succeed(_ arguments: [String]) async throws -> CommandOutcome {
        let outcome = try await run(arguments)
        guard outcome.exitCode == 0 else { throw Failure(outcome: outcome) }
        return outcome
    }

    /// The events `opossum read ARGUMENTS` prints.
    func read(_ arguments: [String]) async throws -> [LoggedEvent] {
        let outcome = try await succeed(["read"] + arguments)
        return try outcome.lines.map(LoggedEvent.init(line:))
    }
}
