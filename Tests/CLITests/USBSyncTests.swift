import Foundation
import Testing

/// The USB path, end to end with the real binary: two laptops and a hub exchange
/// bundle files, contend for the last part in stock, and one is told why it lost.
@Suite("sync by bundle files")
struct USBSyncTests {
    /// Runs `opossum ARGUMENTS` and expects success; returns standard output's lines.
    @discardableResult
    static func run(_ arguments: [String]) async throws -> [String] {
        let result = try await OpossumCLI.run(arguments)
        try #require(result.exitCode == 0, "opossum \(arguments.joined(separator: " ")): \(result)")
        #expect(result.stderr.isEmpty)
        return result.stdoutLines
    }

    static let reservation = #"{"failIfEventsMatch":{"items":[{"tags":["depot:north","part:P-100"]}]},"after":1}"#

    @Test func twoLaptopsContendForTheLastPartAndTheLoserIsToldWhy() async throws {
        try await TemporaryDirectory.with { directory in
            let hub = directory.appending("hub")
            try await Self.run(["hub", "init", "--store", hub, "--name", "head-office"])
            try await Self.run([
                "append", "--store", hub, "--type", "StockReceived", "--tag", "depot:north", "--tag", "part:P-100",
            ])
            var laptops: [String] = []
            for name in ["laptop-a", "laptop-b"] {
                let laptop = directory.appending(name)
                laptops.append(laptop)
                try await Self.run(["init", "--store", laptop, "--name", name])
                let identity = directory.appending("\(name).identity.json")
                let enrolment = directory.appending("\(name).enrolment.json")
                try Data(try await Self.run(["identity", "--store", laptop]).joined().utf8).write(
                    to: URL(fileURLWithPath: identity)
                )
                try Data(
                    try await Self.run(["hub", "add-site", "--store", hub, "--identity", identity]).joined(
                        separator: "\n"
                    ).utf8
                )
                .write(to: URL(fileURLWithPath: enrolment))
                try await Self.run(["join", "--store", laptop, "--enrolment", enrolment])
                // First trip to head office: an empty push tells it where the laptop stands.
                let push = directory.appending("\(name).push.bundle")
                let pull = directory.appending("\(name).pull.bundle")
                try await Self.run(["export", "--store", laptop, "--to", push])
                let verified = try await Self.run(["verify", "--store", laptop, push])
                #expect(verified.first?.hasPrefix(#"{"verified": true, "kind": "push""#) == true, "\(verified)")
                try await Self.run(["import", "--store", hub, push])
                try await Self.run(["hub", "export", "--store", hub, "--site", name, "--to", pull])
                let imported = try await Self.run(["import", "--store", laptop, pull])
                #expect(imported.first?.contains(#""events": 1"#) == true, "\(imported)")
            }
            // Offline, both laptops reserve the one part they see in stock.
            for (laptop, workOrder) in zip(laptops, ["wo-1", "wo-2"]) {
                try await Self.run([
                    "append", "--store", laptop, "--type", "PartReserved", "--tag", "depot:north", "--tag",
                    "part:P-100",
                    "--tag", "workOrder:\(workOrder)", "--condition", Self.reservation,
                ])
            }
            var verdicts: [String] = []
            for (laptop, name) in zip(laptops, ["laptop-a", "laptop-b"]) {
                // The second trip compresses its bundles: readers recognise them.
                let push = directory.appending("\(name).push2.bundle")
                try await Self.run(["export", "--store", laptop, "--to", push, "--compress"])
                verdicts += try await Self.run(["import", "--store", hub, push])
            }
            #expect(verdicts.count == 2)
            #expect(verdicts[0].contains(#""outcome": "accepted""#), "\(verdicts)")
            #expect(
                verdicts[1].contains(#""outcome": "rejected""#) && verdicts[1].contains("PartReserved"),
                "\(verdicts)"
            )
            // Back at laptop b: the rejection arrives, with its reason.
            let pull = directory.appending("laptop-b.pull2.bundle")
            try await Self.run(["hub", "export", "--store", hub, "--site", "laptop-b", "--to", pull, "--compress"])
            let imported = try await Self.run(["import", "--store", laptops[1], pull])
            #expect(imported.count == 2 && imported[1].contains(#""outcome": "rejected""#), "\(imported)")
            let rejections = try await Self.run(["rejections", "--store", laptops[1]])
            #expect(rejections.count == 1 && rejections[0].contains("reason"))
            let visible = try await Self.run(["read", "--store", laptops[1]])
            #expect(visible.filter { $0.contains("PartReserved") }.map { $0.contains("workOrder:wo-1") } == [true])
            let everything = try await Self.run(["read", "--store", laptops[1], "--include-rejected"])
            #expect(everything.filter { $0.contains("PartReserved") }.count == 2)
            #expect(!everything.contains { $0.contains(#""type":"$"#) })
            // A bundle cut short on the way is refused, saying so, and imports nothing.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: pull))
            let cut = directory.appending("cut.bundle")
            try bytes.prefix(bytes.count - 20).write(to: URL(fileURLWithPath: cut))
            let refused = try await OpossumCLI.run(["import", "--store", laptops[1], cut])
            #expect(refused.exitCode == 1 && refused.stderrLines.count == 1 && refused.stderr.contains("cut off"))
            // Importing the same bundle again is refused, saying why, and changes nothing.
            let again = try await OpossumCLI.run(["import", "--store", laptops[1], pull])
            #expect(again.exitCode == 1 && again.stderr.contains("older than what this store already has"), "\(again)")
            #expect(try await Self.run(["read", "--store", laptops[1]]) == visible)
        }
    }

    @Test func aLaptopThatHasNotJoinedIsToldHowTo() async throws {
        try await TemporaryDirectory.with { directory in
            let laptop = try await TestStore.create(in: directory)
            let result = try await laptop.run(["export", "--to", directory.appending("x.bundle")])
            #expect(result.exitCode == 1)
            #expect(result.stderrLines.count == 1 && result.stderr.contains("opossum join"))
        }
    }
}
