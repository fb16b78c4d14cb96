import Foundation
import Testing

/// An import killed with SIGKILL at any moment leaves the store as if it had not
/// started or had finished; running it again gives the same verdicts.
@Suite("import killed mid-way", .serialized)
struct ImportCrashTests {
    static let rounds = Int(ProcessInfo.processInfo.environment["OPOSSUM_CRASH_ROUNDS"] ?? "") ?? 6

    @discardableResult
    static func run(_ arguments: [String], stdin: Data? = nil) async throws -> [String] {
        let result = try await OpossumCLI.run(arguments, stdin: stdin)
        try #require(result.exitCode == 0, "opossum \(arguments.prefix(3).joined(separator: " ")): \(result)")
        return result.stdoutLines
    }

    /// A verdict line without its `duplicate` field: what must be the same however often it is imported.
    static func judgement(_ line: String) throws -> String {
        var object = try TestStore.object(line)
        object["duplicate"] = nil
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
    }

    /// A hub and a laptop enrolled with it, made with the real binary: their paths.
    static func enrolledLaptop(in directory: TemporaryDirectory) async throws -> (hub: String, laptop: String) {
        let hub = directory.appending("hub")
        let laptop = directory.appending("laptop")
        try await run(["hub", "init", "--store", hub, "--name", "head-office"])
        try await run(["init", "--store", laptop, "--name", "laptop"])
        let identity = try await run(["identity", "--store", laptop]).joined()
        let enrolment = try await run(
            ["hub", "add-site", "--store", hub, "--identity", "-"],
            stdin: Data(identity.utf8)
        )
        try await run(
            ["join", "--store", laptop, "--enrolment", "-"],
            stdin: Data(enrolment.joined(separator: "\n").utf8)
        )
        return (hub, laptop)
    }

    @Test func aKilledHubImportConvergesToTheSameVerdicts() async throws {
        try await TemporaryDirectory.with { directory in
            let (hub, laptop) = try await Self.enrolledLaptop(in: directory)
            // Many decisions, so that a kill can land in the middle of judging them.
            for batch in 0..<40 {
                let lines = (0..<250).map { #"{"type":"Visit","tags":["batch:\#(batch)","n:\#($0)"]}"# }
                try await Self.run(
                    [
                        "append", "--store", laptop, "--batch", "-", "--condition",
                        #"{"failIfEventsMatch":{"items":[{"tags":["batch:\#(batch)"]}]}}"#,
                    ],
                    stdin: Data(lines.joined(separator: "\n").utf8)
                )
            }
            let push = directory.appending("push.bundle")
            try await Self.run(["export", "--store", laptop, "--to", push])
            let pristine = directory.appending("hub-pristine")
            try FileManager.default.copyItem(atPath: hub, toPath: pristine)
            let expected = try await Self.run(["import", "--store", hub, push]).map(Self.judgement)
            #expect(expected.count == 40)

            var generator = SystemRandomNumberGenerator()
            for round in 0..<Self.rounds {
                let copy = directory.appending("hub-\(round)")
                try FileManager.default.copyItem(atPath: pristine, toPath: copy)
                let importer = try OpossumCLI.start(["import", "--store", copy, push])
                // From before verification to after the commit (an import takes about a second here).
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...1_200, using: &generator)))
                importer.kill()
                _ = try await importer.result()
                let again = try await Self.run(["import", "--store", copy, push]).map(Self.judgement)
                #expect(again == expected, "round \(round)")
                let check = try await OpossumCLI.run(["check", "--store", copy])
                #expect(check.exitCode == 0, "round \(round): \(check)")
                try FileManager.default.removeItem(atPath: copy)
            }
        }
    }

    @Test func aKilledSiteImportConvergesToTheSameLog() async throws {
        try await TemporaryDirectory.with { directory in
            let (hub, laptop) = try await Self.enrolledLaptop(in: directory)
            for batch in 0..<10 {
                let lines = (0..<1_000).map { #"{"type":"StockCounted","tags":["depot:\#(batch)","n:\#($0)"]}"# }
                try await Self.run(
                    ["append", "--store", hub, "--batch", "-"],
                    stdin: Data(lines.joined(separator: "\n").utf8)
                )
            }
            let pull = directory.appending("pull.bundle")
            try await Self.run(["hub", "export", "--store", hub, "--site", "laptop", "--to", pull])
            let pristine = directory.appending("laptop-pristine")
            try FileManager.default.copyItem(atPath: laptop, toPath: pristine)
            try await Self.run(["import", "--store", laptop, pull])
            let expected = try await Self.run(["read", "--store", laptop])
            #expect(expected.count == 10_000)

            var generator = SystemRandomNumberGenerator()
            for round in 0..<Self.rounds {
                let copy = directory.appending("laptop-\(round)")
                try FileManager.default.copyItem(atPath: pristine, toPath: copy)
                let importer = try OpossumCLI.start(["import", "--store", copy, pull])
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...1_000, using: &generator)))
                importer.kill()
                _ = try await importer.result()
                // Finished before the kill: the bundle is now older than the store and refused; either way, same log.
                _ = try await OpossumCLI.run(["import", "--store", copy, pull])
                #expect(try await Self.run(["read", "--store", copy]) == expected, "round \(round)")
                let check = try await OpossumCLI.run(["check", "--store", copy])
                #expect(check.exitCode == 0, "round \(round): \(check)")
                try FileManager.default.removeItem(atPath: copy)
            }
        }
    }
}
