import Foundation

/// Runs another program to its end and captures what it writes to standard output.
enum ChildProcess {
    /// What a finished child did.
    struct Output: Sendable {
        /// The exit status.
        var status: Int32
        /// Everything written to standard output.
        var standardOutput: String
    }

    /// Runs `executable` with `arguments`, blocking until it ends; its standard error is
    /// this process's. Call it on a plain thread, not from Swift concurrency.
    static func run(_ executable: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read to the end before waiting: a child that fills the pipe would never end.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, standardOutput: String(decoding: data, as: UTF8.self))
    }

    /// The first line of `command`'s output, or `nil` if it cannot be run or fails.
    static func firstLine(of command: [String], matching filter: (String) -> Bool = { _ in true }) -> String? {
        guard let output = try? run("/usr/bin/env", command), output.status == 0 else { return nil }
        return output.standardOutput.split(separator: "\n").map(String.init).first(where: filter)
    }

    /// The path of this program's own executable.
    static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
