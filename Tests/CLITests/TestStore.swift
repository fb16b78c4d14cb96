import Foundation
import Testing

/// A store made with `opossum init` in a test's temporary directory, and the ways tests use it.
struct TestStore: Sendable {
    /// The store's directory.
    let path: String

    /// Runs `opossum init` for a store at `directory/store` and expects it to succeed.
    static func create(in directory: TemporaryDirectory, name: String = "test") async throws -> TestStore {
        let path = directory.appending("store")
        let result = try await OpossumCLI.run(["init", "--store", path, "--name", name])
        try #require(result.exitCode == 0, "\(result)")
        return TestStore(path: path)
    }

    /// The arguments for `opossum SUBCOMMAND --store PATH REST...`.
    func arguments(_ arguments: [String]) -> [String] {
        guard let subcommand = arguments.first else { return ["--store", path] }
        return [subcommand, "--store", path] + arguments.dropFirst()
    }

    /// Runs `opossum SUBCOMMAND --store PATH REST...`.
    func run(_ arguments: [String], stdin: Data? = nil) async throws -> CommandResult {
        try await OpossumCLI.run(self.arguments(arguments), stdin: stdin)
    }

    /// Appends one event and expects success; returns the position printed.
    @discardableResult
    func append(type: String, tags: [String] = [], data: String? = nil) async throws -> UInt64 {
        var arguments = ["append", "--type", type]
        for tag in tags { arguments += ["--tag", tag] }
        if let data { arguments += ["--data", data] }
        let result = try await run(arguments)
        try #require(result.exitCode == 0, "\(result)")
        return try #require(Self.appendedPosition(result.stdout))
    }

    /// Runs `opossum read` with `arguments` and expects success; returns the lines.
    func read(_ arguments: [String] = []) async throws -> [String] {
        let result = try await run(["read"] + arguments)
        try #require(result.exitCode == 0, "\(result)")
        #expect(result.stderr.isEmpty)
        return result.stdoutLines
    }

    /// The positions of the events `opossum read` with `arguments` prints, in order.
    func readPositions(_ arguments: [String] = []) async throws -> [UInt64] {
        try await read(arguments).map(Self.position(ofLine:))
    }

    /// Every file of the `Events` directory with its bytes: what must not change when an append fails.
    func segmentFiles() throws -> [String: Data] {
        let directory = path + "/Events"
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        }
        return files
    }

    /// The position in a `{"position": N}` line that `append` prints, or `nil` if the text is not exactly that.
    static func appendedPosition(_ stdout: String) -> UInt64? {
        guard let match = stdout.wholeMatch(of: #/\{"position": (\d+)\}\n/#) else { return nil }
        return UInt64(match.1)
    }

    /// The position of one line of `read` output.
    static func position(ofLine line: String) -> UInt64 {
        guard let match = line.prefixMatch(of: #/\{"position":(\d+),/#), let position = UInt64(match.1) else {
            Issue.record("not a read line: \(line)")
            return 0
        }
        return position
    }

    /// One line of JSON output as a dictionary.
    static func object(_ line: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(line)")
    }
}
