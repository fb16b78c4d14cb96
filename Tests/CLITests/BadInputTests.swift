import Foundation
import Testing

/// Every bad input ends with a non-zero exit, one `opossum: ` line on standard error,
/// nothing on standard output, and the store as it was.
@Suite("bad input")
struct BadInputTests {
    /// One bad invocation: the subcommand and its arguments (the store is added), standard input, and the exit code.
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var arguments: [String]
        var stdin: String?
        var exitCode: Int32 = 1
        /// Text the error line must contain.
        var mentions: String?

        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "invalid JSON data", arguments: ["append", "--type", "T", "--data", "{\"a\": }"]),
        Case(label: "two JSON values as data", arguments: ["append", "--type", "T", "--data", "1 2"]),
        Case(label: "empty type", arguments: ["append", "--type", ""]),
        Case(label: "tag without ':'", arguments: ["append", "--type", "T", "--tag", "nocolon"], mentions: "nocolon"),
        Case(label: "tag with empty key", arguments: ["append", "--type", "T", "--tag", ":value"], mentions: ":value"),
        Case(
            label: "query item with neither types nor tags",
            arguments: ["read", "--query", #"{"items":[{}]}"#],
            mentions: "--query"
        ),
        Case(
            label: "condition item with neither types nor tags",
            arguments: [
                "append", "--type", "T", "--condition", #"{"failIfEventsMatch":{"items":[{"types":[],"tags":[]}]}}"#,
            ],
            mentions: "--condition"
        ),
        Case(label: "query that is not JSON", arguments: ["read", "--query", "{items"], mentions: "--query"),
        Case(label: "condition that is not JSON", arguments: ["append", "--type", "T", "--condition", "{"]),
        Case(
            label: "condition without failIfEventsMatch",
            arguments: ["append", "--type", "T", "--condition", #"{"after": 3}"#],
            mentions: "failIfEventsMatch"
        ),
        Case(
            label: "condition with a negative position",
            arguments: ["append", "--type", "T", "--condition", #"{"failIfEventsMatch": "all", "after": -1}"#]
        ),
        Case(label: "query tag with empty key", arguments: ["read", "--query", #"{"items":[{"tags":[":x"]}]}"#]),
        Case(
            label: "batch line with an empty type",
            arguments: ["append", "--batch", "-"],
            stdin: "{\"type\": \"Good\"}\n{\"type\": \"\"}\n"
        ),
        Case(
            label: "batch line with a tag without ':'",
            arguments: ["append", "--batch", "-"],
            stdin: "{\"type\": \"Good\"}\n\n{\"type\": \"T\", \"tags\": [\"nocolon\"]}\n",
            mentions: "line 3"
        ),
        Case(
            label: "batch line with an unknown field",
            arguments: ["append", "--batch", "-"],
            stdin: "{\"type\": \"T\", \"colour\": 1}\n",
            mentions: "line 1"
        ),
        Case(label: "empty batch", arguments: ["append", "--batch", "-"], stdin: "\n\n"),
        Case(label: "missing batch file", arguments: ["append", "--batch", "/nonexistent/batch.jsonl"]),
        Case(label: "--type with --batch", arguments: ["append", "--type", "T", "--batch", "-"], exitCode: 64),
        Case(label: "neither --type nor --batch", arguments: ["append"], exitCode: 64),
        Case(label: "unknown option", arguments: ["read", "--colour"], exitCode: 64),
        Case(label: "negative limit", arguments: ["read", "--limit=-1"], exitCode: 64),
        Case(label: "position that is not a number", arguments: ["read", "--from", "first"], exitCode: 64),
    ]

    @Test(arguments: cases)
    func badInputFailsWithOneLineAndLeavesTheStoreAlone(_ badCase: Case) async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            try await store.append(type: "Existing", tags: ["k:v"], data: "{}")
            let before = try store.segmentFiles()
            let result = try await store.run(badCase.arguments, stdin: badCase.stdin.map { Data($0.utf8) })
            #expect(result.exitCode == badCase.exitCode, "\(result)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderrLines.count == 1, "\(result)")
            #expect(result.stderr.hasPrefix("opossum: "))
            if let mentions = badCase.mentions {
                #expect(result.stderr.contains(mentions), "\(result)")
            }
            #expect(try store.segmentFiles() == before)
            #expect(try await store.readPositions() == [1])
        }
    }

    @Test(arguments: [["append", "--type", "T"], ["read"], ["status"], ["check"]])
    func aDirectoryThatIsNotAStoreIsRefusedAndLeftAlone(_ arguments: [String]) async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appending("plain")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try Data("hello".utf8).write(to: URL(fileURLWithPath: path + "/notes.txt"))
            let result = try await TestStore(path: path).run(arguments)
            #expect(result.exitCode == 1, "\(result)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.hasPrefix("opossum: "))
            #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["notes.txt"])
        }
    }

    @Test(arguments: [["append", "--type", "T"], ["read"], ["status"], ["check"]])
    func aStoreFromANewerFormatIsRefusedAndLeftAlone(_ arguments: [String]) async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            try await store.append(type: "Existing")
            let identityFile = URL(fileURLWithPath: store.path + "/store.json")
            let identity = String(decoding: try Data(contentsOf: identityFile), as: UTF8.self)
            let newer = identity.replacing(#/"formatVersion"\s*:\s*1/#, with: #""formatVersion": 999"#)
            try #require(newer != identity, "no formatVersion in \(identity)")
            try Data(newer.utf8).write(to: identityFile)
            let before = try store.segmentFiles()

            let result = try await store.run(arguments)
            #expect(result.exitCode == 1, "\(result)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderrLines.count == 1, "\(result)")
            #expect(result.stderr.hasPrefix("opossum: "))
            #expect(try store.segmentFiles() == before)
            #expect(String(decoding: try Data(contentsOf: identityFile), as: UTF8.self) == newer)
        }
    }

    @Test func aMissingStoreDirectoryIsRefusedWithoutCreatingIt() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appending("missing")
            let result = try await TestStore(path: path).run(["append", "--type", "T"])
            #expect(result.exitCode == 1)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.hasPrefix("opossum: "))
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }
}
