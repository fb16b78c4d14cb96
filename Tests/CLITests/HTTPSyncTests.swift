import Foundation
import OpossumTestSupport
import Testing

/// Sync over HTTP, end to end with the real binaries: `opossum hub serve` on a loopback
/// port, and laptops that `opossum sync` through libcurl.
@Suite("sync over HTTP")
struct HTTPSyncTests {
    /// Runs `opossum ARGUMENTS` and expects `exitCode`; returns what it did.
    @discardableResult
    static func run(_ arguments: [String], exitCode: Int32 = 0) async throws -> CommandResult {
        let result = try await OpossumCLI.run(arguments)
        try #require(result.exitCode == exitCode, "opossum \(arguments.joined(separator: " ")): \(result)")
        return result
    }

    static let stock = #"{"items":[{"tags":["depot:north","part:P-100"]}]}"#

    /// A hub serving on a free port and two enrolled laptops, each synced once.
    static func withHubAndLaptops(
        _ body: (TemporaryDirectory, HubProcess, [String]) async throws -> Void
    ) async throws {
        try await TemporaryDirectory.with { directory in
            let hubStore = directory.appending("hub")
            try await run(["hub", "init", "--store", hubStore, "--name", "head-office"])
            let hub = try await HubProcess.start(store: hubStore, logDirectory: directory.path)
            do {
                var laptops: [String] = []
                for name in ["laptop-a", "laptop-b"] {
                    let laptop = directory.appending(name)
                    laptops.append(laptop)
                    try await run(["init", "--store", laptop, "--name", name])
                    let identity = directory.appending("\(name).identity.json")
                    let enrolment = directory.appending("\(name).enrolment.json")
                    try Data(try await run(["identity", "--store", laptop]).stdout.utf8)
                        .write(to: URL(fileURLWithPath: identity))
                    let enrolled = try await run([
                        "hub", "add-site", "--store", hubStore, "--identity", identity, "--url", hub.url,
                    ])
                    try Data(enrolled.stdout.utf8).write(to: URL(fileURLWithPath: enrolment))
                    try await run(["join", "--store", laptop, "--enrolment", enrolment])
                }
                try await run([
                    "append", "--store", hubStore, "--type", "StockReceived", "--tag", "depot:north", "--tag",
                    "part:P-100",
                ])
                for laptop in laptops { try await run(["sync", "--store", laptop]) }
                try await body(directory, hub, laptops)
                #expect(try await hub.stop() == .exited(0), "\(hub.log)")
            } catch {
                try? await hub.kill()
                throw error
            }
        }
    }

    @Test func twoLaptopsContendOfflineAndTheSecondToSyncIsToldWhy() async throws {
        try await Self.withHubAndLaptops { directory, hub, laptops in
            let reserve = #"{"failIfEventsMatch":\#(Self.stock),"after":1}"#
            for (laptop, order) in zip(laptops, ["wo-1", "wo-2"]) {
                try await Self.run([
                    "append", "--store", laptop, "--type", "PartReserved", "--tag", "depot:north", "--tag",
                    "part:P-100", "--tag", "workOrder:\(order)", "--condition", reserve,
                ])
            }
            try await Self.run([
                "append", "--store", laptops[1], "--type", "WorkOrderCompleted", "--tag", "workOrder:wo-3",
            ])
            let first = try await Self.run(["sync", "--store", laptops[0]])
            #expect(first.stdoutLines.first == "pushed 1 event in 1 decision: 1 accepted, 0 rejected", "\(first)")
            #expect(first.stdoutLines.last == "synced")
            // The second laptop's reservation missed the first one's: rejected, with the
            // reason; its unrelated work order is accepted. Exit code 2: rejections to review.
            let second = try await Self.run(["sync", "--store", laptops[1], "--json"], exitCode: 2)
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any]
            )
            #expect(report["accepted"] as? Int == 1 && report["rejected"] as? Int == 1, "\(second)")
            #expect(report["pulledEvents"] as? Int == 1, "the first laptop's reservation arrives: \(second)")
            let rejections = try await Self.run(["rejections", "--store", laptops[1]])
            #expect(rejections.stdoutLines.count == 1 && rejections.stdout.contains("PartReserved"), "\(rejections)")
            let visible = try await Self.run(["read", "--store", laptops[1], "--query", Self.stock])
            #expect(visible.stdout.contains("workOrder:wo-1") && !visible.stdout.contains("workOrder:wo-2"))
            // The first laptop receives the second's accepted work, not its rejected reservation.
            let third = try await Self.run(["sync", "--store", laptops[0], "--json"])
            #expect(third.stdout.contains(#""pulledEvents": 1"#), "\(third)")
            let hubRead = try await Self.run(["read", "--store", directory.appending("hub")])
            let siteRead = try await Self.run(["read", "--store", laptops[0]])
            #expect(hubRead.stdoutLines.count == 3 && siteRead.stdoutLines.count == 3, "\(hubRead)\n\(siteRead)")
            // Syncing again changes nothing and says so.
            let again = try await Self.run(["sync", "--store", laptops[1]])
            #expect(again.stdoutLines.first == "nothing to push" && again.stdoutLines.last == "synced", "\(again)")
            #expect(again.stdout.contains("pulled 0 events"), "\(again)")
            #expect(!hub.log.contains("error"), "\(hub.log)")
        }
    }

    @Test func anUnreachableHubExitsWithTheRetryLaterCode() async throws {
        try await Self.withHubAndLaptops { _, hub, laptops in
            try await Self.run([
                "append", "--store", laptops[0], "--type", "WorkOrderCompleted", "--tag", "workOrder:wo-9",
            ])
            try await hub.stop()
            let result = try await Self.run(["sync", "--store", laptops[0], "--attempts", "2"], exitCode: 75)
            #expect(result.stderrLines.count == 1, "\(result)")
            #expect(result.stderr.contains("unreachable") && result.stderr.contains("nothing was lost"), "\(result)")
        }
    }

    /// The head position `opossum status` reports for `store`.
    static func head(of store: String) async throws -> String {
        let status = try await OpossumCLI.run(["status", "--store", store, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        return "\(object?["head"] ?? "?")"
    }

    @Test func aScheduledSyncWaitsOutAnOutageAndStopsCleanlyOnSIGTERM() async throws {
        try await Self.withHubAndLaptops { directory, hub, laptops in
            let hubStore = directory.appending("hub")
            try await hub.stop()
            try await Self.run([
                "append", "--store", laptops[0], "--type", "WorkOrderCompleted", "--tag", "workOrder:wo-7",
            ])
            let scheduled = try OpossumCLI.start([
                "sync", "--store", laptops[0], "--every", "1s", "--attempts", "1",
            ])
            // Head office comes back on the same address a little later.
            try await Task.sleep(for: .seconds(1))
            let restarted = try await HubProcess.start(store: hubStore, port: hub.port, logDirectory: directory.path)
            let headBefore = try await Self.head(of: laptops[0])
            var arrived = false
            for _ in 0..<100 where !arrived {
                try await Task.sleep(for: .milliseconds(200))
                let read = try await OpossumCLI.run(["read", "--store", hubStore])
                arrived = read.stdout.contains("workOrder:wo-7")
            }
            // The sync prints its report once its pull, which brings the verdict, is
            // committed at the laptop: stop it only after that, however slow the machine.
            for _ in 0..<100 where try await Self.head(of: laptops[0]) == headBefore {
                try await Task.sleep(for: .milliseconds(200))
            }
            try await Task.sleep(for: .milliseconds(500))
            scheduled.terminate()
            let result = try await scheduled.result()
            #expect(try await restarted.stop() == .exited(0))
            #expect(arrived, "the scheduled sync delivered the decision once the hub was back")
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stderr.contains("unreachable") && result.stderr.contains("next sync in"), "\(result)")
            #expect(result.stderrLines.last == "opossum: scheduled sync stopped", "\(result)")
            #expect(result.stdout.contains("pushed 1 event"), "\(result)")
        }
    }
}
