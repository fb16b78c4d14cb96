import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

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
    fileprivate let processIdentifier: Int32
    fileprivate let exitCodes: AsyncStream<Int32>
    fileprivate let stdoutFile: URL
    fileprivate let stderrFile: URL

    /// Sends SIGKILL: the process stops at once, wherever it is.
    func kill() {
        _ = Glibc.kill(processIdentifier, SIGKILL)
    }

    /// Waits for the process to end and returns what it did.
    func result() async throws -> CommandResult {
        let processIdentifier = processIdentifier
        let watchdog = Task {
            try await Task.sleep(for: Self.timeout)
            Glibc.kill(processIdentifier, SIGKILL)
            Issue.record("opossum \(arguments.joined(separator: " ")) did not finish in \(Self.timeout); killed it")
        }
        var exitCode: Int32 = -1
        for await code in exitCodes { exitCode = code }
        watchdog.cancel()
        defer {
            try? FileManager.default.removeItem(at: stdoutFile)
            try? FileManager.default.removeItem(at: stderrFile)
        }
        return CommandResult(
            exitCode: exitCode,
            stdout: String(decoding: try Data(contentsOf: stdoutFile), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: stderrFile), as: UTF8.self)
        )
    }
}

/// Runs the real `opossum` executable, the one built next to the test bundle, as a child process.
enum OpossumCLI {
    /// The built `opossum` executable: in the build products directory that holds the test bundle.
    static let executable: URL = {
        var candidates: [URL] = []
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: path).deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for directory in candidates {
            let url = directory.appendingPathComponent("opossum")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        fatalError("cannot find the opossum executable in \(candidates.map(\.path))")
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
        let stdinFile = scratch.appendingPathComponent("\(name).in")
        // Files rather than pipes: a child that writes a lot can never block on a full pipe.
        try Data().write(to: stdoutFile)
        try Data().write(to: stderrFile)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var childEnvironment = ProcessInfo.processInfo.environment
        childEnvironment["OPOSSUM_STORE"] = nil
        childEnvironment.merge(environment) { _, new in new }
        process.environment = childEnvironment
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        if let stdin {
            try stdin.write(to: stdinFile)
            process.standardInput = try FileHandle(forReadingFrom: stdinFile)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let (exitCodes, continuation) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .unbounded)
        process.terminationHandler = { process in
            let signalled = process.terminationReason == .uncaughtSignal
            continuation.yield(signalled ? 128 + process.terminationStatus : process.terminationStatus)
            continuation.finish()
            try? FileManager.default.removeItem(at: stdinFile)
        }
        try process.run()
        return RunningCommand(
            arguments: arguments,
            processIdentifier: process.processIdentifier,
            exitCodes: exitCodes,
            stdoutFile: stdoutFile,
            stderrFile: stderrFile
        )
    }
}
