import Foundation
import OpossumTestSupport
import Testing

/// What one run of the `opossum` binary did.
struct CommandResult: Sendable, CustomStringConvertible {
    /// The exit code; `128 + signal` when a signal ended the process.
    var exitCode: Int32
    /// Everything written to standard output.
    var stdout: String
    /// Everything written to standard error.
    var stderr: String

    /// Standard output split into lines, without the final empty one.
    var stdoutLines: [String] { Self.lines(stdout) }
    /// Standard error split into lines, without the final empty one.
    var stderrLines: [String] { Self.lines(stderr) }

    var description: String { "exit \(exitCode)\nstdout: \(stdout)\nstderr: \(stderr)" }

    private static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// An `opossum` process that was started and may still be running.
struct RunningCommand: Sendable {
    /// How long a command may run before the test gives up on it: a hung `opossum` must fail
    /// its test, not hang the whole run.
    static let timeout: Duration = .seconds(60)

    fileprivate let arguments: [String]
    fileprivate let child: ChildProcess
    fileprivate let stdinFile: URL?
    fileprivate let stdoutFile: URL
    fileprivate let stderrFile: URL

    /// Sends SIGKILL: the process stops at once, wherever it is.
    func kill() {
        child.kill()
    }

    /// Sends SIGTERM: the process is asked to stop cleanly.
    func terminate() {
        child.send(SIGTERM)
    }

    /// Waits for the process to end and returns what it did.
    func result() async throws -> CommandResult {
        let arguments = arguments
        let ending = try await child.wait(timeout: Self.timeout) {
            Issue.record("opossum \(arguments.joined(separator: " ")) did not finish in \(Self.timeout); killed it")
        }
        defer {
            if let stdinFile { try? FileManager.default.removeItem(at: stdinFile) }
            try? FileManager.default.removeItem(at: stdoutFile)
            try? FileManager.default.removeItem(at: stderrFile)
        }
        return CommandResult(
            exitCode: ending.exitCode,
            stdout: String(decoding: try Data(contentsOf: stdoutFile), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: stderrFile), as: UTF8.self)
        )
    }
}

/// Runs the real `opossum` executable, the one built next to the test bundle, as a child process.
enum OpossumCLI {
    /// The built `opossum` executable: in the build products directory that holds the test bundle.
    static let executable: URL = {
        let path = BuiltProduct.path(of: "opossum")
        guard FileManager.default.isExecutableFile(atPath: path) else {
            fatalError("cannot find the opossum executable at \(path)")
        }
        return URL(fileURLWithPath: path)
    }()

    /// Runs `opossum ARGUMENTS` to the end, feeding it `stdin` (nothing if `nil`).
    ///
    /// The child gets this process's environment without `OPOSSUM_STORE`, plus `environment`.
    static func run(
        _ arguments: [String],
        stdin: Data? = nil,
        environment: [String: String] = [:]
    ) async throws -> CommandResult {
        try await start(arguments, stdin: stdin, environment: environment).result()
    }

    /// Starts `opossum ARGUMENTS` and returns without waiting, so several can race.
    static func start(
        _ arguments: [String],
        stdin: Data? = nil,
        environment: [String: String] = [:]
    ) throws -> RunningCommand {
        let scratch = FileManager.default.temporaryDirectory
        let name = "opossum-cli-\(UUID().uuidString)"
        let stdoutFile = scratch.appendingPathComponent("\(name).out")
        let stderrFile = scratch.appendingPathComponent("\(name).err")
        var stdinFile: URL?
        if let stdin {
            let file = scratch.appendingPathComponent("\(name).in")
            try stdin.write(to: file)
            stdinFile = file
        }
        var childEnvironment = ProcessInfo.processInfo.environment
        childEnvironment["OPOSSUM_STORE"] = nil
        childEnvironment.merge(environment) { _, new in new }
        let child = try ChildProcess.spawn(
            executable.path,
            arguments,
            stdin: stdinFile?.path,
            stdout: stdoutFile.path,
            stderr: stderrFile.path,
            environment: childEnvironment
        )
        return RunningCommand(
            arguments: arguments,
            child: child,
            stdinFile: stdinFile,
            stdoutFile: stdoutFile,
            stderrFile: stderrFile
        )
    }
}
