import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A helper program run as a child process, for tests that kill it mid-work.
///
/// Started with `posix_spawn` and reaped with `waitpid`, not `Foundation.Process`:
/// on Linux its `waitUntilExit` can miss the exit of a killed child and spin
/// forever, and it blocks a thread of the cooperative pool while it waits.
struct ChildProcess: Sendable {
    /// How a child ended: its exit status, or the signal that killed it.
    enum Ending: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// The child's process id.
    let pid: pid_t

    /// Starts `path` with `arguments`, its standard output going to the file `output`.
    static func spawn(_ path: String, _ arguments: [String], output: String = "/dev/null") throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let words = [path] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer {
            for argument in argv { free(argument) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        return ChildProcess(pid: pid)
    }

    /// Sends SIGKILL: the child stops at once, wherever it is.
    func kill() {
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// Waits for the child to end, polling so that no thread blocks.
    func wait() async throws -> Ending {
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            try await Task.sleep(for: .milliseconds(5))
        }
        return status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
    }
}
