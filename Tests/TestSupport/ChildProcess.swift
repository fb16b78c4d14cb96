public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program run as a child process by a test: the `opossum` binary, a worker, or
/// a writer that a crash test kills mid-work.
///
/// Started with `posix_spawn` and reaped with `waitpid`, not `Foundation.Process`:
/// on Linux, `Process.run` has crashed when tests started several processes at once,
/// and its `waitUntilExit` can miss the exit of a killed child and spin forever.
/// Standard input and output go to files, never pipes: a child that writes a lot
/// can never block on a full pipe.
public struct ChildProcess: Sendable {
    /// How a child ended: its exit status, or the signal that killed it.
    public enum Ending: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)

        /// The exit code a shell would report: the status, or 128 + the signal.
        public var exitCode: Int32 {
            switch self {
            case .exited(let status): status
            case .signalled(let signal): 128 + signal
            }
        }
    }

    /// The child's process id.
    public let pid: pid_t

    /// Starts `path` with `arguments`.
    ///
    /// - Parameters:
    ///   - stdin: A file to read standard input from (`/dev/null` if `nil`).
    ///   - stdout: The file standard output goes to (made or emptied).
    ///   - stderr: The file standard error goes to (this process's own if `nil`).
    ///   - environment: The child's environment (this process's if `nil`).
    public static func spawn(
        _ path: String,
        _ arguments: [String],
        stdin: String? = nil,
        stdout: String = "/dev/null",
        stderr: String? = nil,
        environment: [String: String]? = nil
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let stderr {
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        return ChildProcess(pid: pid)
    }

    /// Sends SIGKILL: the child stops at once, wherever it is.
    public func kill() {
        send(SIGKILL)
    }

    /// Sends `signal` to the child: SIGTERM asks it to shut down cleanly.
    public func send(_ signal: Int32) {
        _ = Glibc.kill(pid, signal)
    }

    /// Waits for the child to end, polling so that no thread blocks.
    public func wait() async throws -> Ending {
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            try await Task.sleep(for: .milliseconds(5))
        }
        return status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
    }

    /// Waits for the child to end, killing it after `timeout`; `onTimeout` runs then.
    public func wait(timeout: Duration, onTimeout: @escaping @Sendable () -> Void) async throws -> Ending {
        let watchdog = Task { [self] in
            try await Task.sleep(for: timeout)
            kill()
            onTimeout()
        }
        defer { watchdog.cancel() }
        return try await wait()
    }
}
