import Foundation
import Testing

/// `opossum hub ...` and `opossum join`, end to end with the real binary: a hub
/// enrols a laptop, the laptop joins, the hub lists and removes it.
@Suite("hub and join commands")
struct HubCommandTests {
    /// A hub made with `opossum hub init` and a laptop made with `opossum init`, in one directory.
    struct Setup {
        let directory: TemporaryDirectory
        let hub: String
        let hubIdentity: [String: Any]
        let laptop: TestStore

        /// Runs `opossum ARGUMENTS`.
        func run(_ arguments: [String], stdin: Data? = nil) async throws -> CommandResult {
            try await OpossumCLI.run(arguments, stdin: stdin)
        }

        /// Writes `opossum identity` of the laptop to a file and returns its path.
        func laptopIdentityFile() async throws -> String {
            let result = try await laptop.run(["identity"])
            try #require(result.exitCode == 0, "\(result)")
            let path = directory.appending("laptop.identity.json")
            try Data(result.stdout.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }

        /// Enrols the laptop and returns the path of the enrolment file and its text.
        func addLaptop(url: String? = "https://hub.example.com") async throws -> (path: String, text: String) {
            var arguments = ["hub", "add-site", "--store", hub, "--identity", try await laptopIdentityFile()]
            if let url { arguments += ["--url", url] }
            let result = try await run(arguments)
            try #require(result.exitCode == 0, "\(result)")
            #expect(result.stderr.isEmpty)
            let path = directory.appending("laptop.enrolment.json")
            try Data(result.stdout.utf8).write(to: URL(fileURLWithPath: path))
            return (path, result.stdout)
        }
    }

    /// Runs `body` with a fresh hub named "head-office" and a laptop named "laptop-17".
    func withHubAndLaptop(_ body: (Setup) async throws -> Void) async throws {
        try await TemporaryDirectory.with { directory in
            let hub = directory.appending("hub")
            let result = try await OpossumCLI.run(["hub", "init", "--store", hub, "--name", "head-office"])
            try #require(result.exitCode == 0, "\(result)")
            let hubIdentity = try TestStore.object(result.stdout.trimmingCharacters(in: .newlines))
            let laptop = try await TestStore.create(in: directory, name: "laptop-17")
            try await body(Setup(directory: directory, hub: hub, hubIdentity: hubIdentity, laptop: laptop))
        }
    }

    /// The store id in a store's `store.json`.
    func storeId(of path: String) throws -> String {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path + "/store.json")), as: UTF8.self)
        return try #require(try TestStore.object(text.replacingOccurrences(of: "\n", with: ""))["storeId"] as? String)
    }

    /// Expects `result` to be a failure told in one `opossum: ` line, and returns the line.
    @discardableResult
    func expectOneLineFailure(
        _ result: CommandResult,
        exitCode: Int32 = 1,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> String {
        #expect(result.exitCode == exitCode, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("opossum: "), "\(result)", sourceLocation: sourceLocation)
        return result.stderr
    }

    @Test func hubInitMakesANewStoreThatIsAHubAndPrintsItsIdentity() async throws {
        try await withHubAndLaptop { setup in
            #expect(setup.hubIdentity["name"] as? String == "head-office")
            #expect(setup.hubIdentity["storeId"] as? String == (try storeId(of: setup.hub)))
            let key = try #require(Data(base64Encoded: setup.hubIdentity["publicKey"] as? String ?? ""))
            #expect(key.count == 32)
            let identity = try await setup.run(["identity", "--store", setup.hub])
            #expect(
                try TestStore.object(identity.stdoutLines.joined())["publicKey"] as? String == key.base64EncodedString()
            )
            let sites = try await setup.run(["hub", "sites", "--store", setup.hub])
            #expect(sites.exitCode == 0, "\(sites)")
            #expect(sites.stdout.contains("No sites are enrolled"))
            let again = try await setup.run(["hub", "init", "--store", setup.hub, "--name", "head-office"])
            expectOneLineFailure(again)
        }
    }

    @Test func aLaptopIsEnrolledJoinsIsListedAndRemoved() async throws {
        try await withHubAndLaptop { setup in
            let laptopId = try storeId(of: setup.laptop.path)
            let (enrolmentPath, text) = try await setup.addLaptop()
            let enrolment = try TestStore.object(text)
            #expect(text.hasPrefix("{\n  \"enrolledAt\""))
            #expect(enrolment["siteStoreId"] as? String == laptopId)
            #expect(enrolment["hubURL"] as? String == "https://hub.example.com")
            #expect((enrolment["token"] as? String)?.count == 43)
            let hub = try #require(enrolment["hub"] as? [String: Any])
            #expect(hub["storeId"] as? String == setup.hubIdentity["storeId"] as? String)
            #expect(hub["publicKey"] as? String == setup.hubIdentity["publicKey"] as? String)

            let joined = try await setup.laptop.run(["join", "--enrolment", enrolmentPath])
            #expect(joined.exitCode == 0, "\(joined)")
            let answer = try TestStore.object(joined.stdoutLines.joined())
            #expect(answer["hub"] as? String == "head-office")
            #expect(answer["hubURL"] as? String == "https://hub.example.com")
            let saved = setup.laptop.path + "/Sync/enrolment.json"
            #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: saved)), as: UTF8.self) == text)
            let attributes = try FileManager.default.attributesOfItem(atPath: saved)
            #expect(attributes[.posixPermissions] as? Int == 0o600)

            let table = try await setup.run(["hub", "sites", "--store", setup.hub])
            #expect(table.exitCode == 0, "\(table)")
            #expect(table.stdoutLines.count == 2)
            #expect(table.stdoutLines.first?.hasPrefix("NAME") == true)
            #expect(table.stdoutLines.first?.contains("LAST CONTACT") == true)
            let row = try #require(table.stdoutLines.last)
            #expect(row.hasPrefix("laptop-17 "))
            #expect(row.contains(laptopId) && row.contains("https://hub.example.com") && row.contains("—"))

            let lines = try await setup.run(["hub", "sites", "--store", setup.hub, "--json"])
            #expect(lines.stdoutLines.count == 1)
            let site = try TestStore.object(lines.stdoutLines[0])
            #expect(site["name"] as? String == "laptop-17")
            #expect(site["storeId"] as? String == laptopId)
            #expect(site["enrolledAt"] as? String == enrolment["enrolledAt"] as? String)
            for field in ["lastContact", "cursor", "pendingVerdicts"] {
                #expect(site[field] is NSNull, "\(field)")
            }

            let removed = try await setup.run(["hub", "remove-site", "--store", setup.hub, "--site", "laptop-17"])
            #expect(removed.exitCode == 0, "\(removed)")
            #expect(try TestStore.object(removed.stdoutLines.joined())["storeId"] as? String == laptopId)
            let none = try await setup.run(["hub", "sites", "--store", setup.hub, "--json"])
            #expect(none.exitCode == 0 && none.stdout.isEmpty, "\(none)")

            let (_, renewed) = try await setup.addLaptop(url: nil)
            let renewedEnrolment = try TestStore.object(renewed)
            #expect(renewedEnrolment["token"] as? String != enrolment["token"] as? String)
            #expect(renewedEnrolment["hubURL"] == nil)
        }
    }

    @Test func addSiteReadsTheIdentityFromStandardInputAndJoinTheEnrolmentToo() async throws {
        try await withHubAndLaptop { setup in
            let identity = try await setup.laptop.run(["identity"])
            let added = try await setup.run(
                ["hub", "add-site", "--store", setup.hub, "--identity", "-"],
                stdin: Data(identity.stdout.utf8)
            )
            #expect(added.exitCode == 0, "\(added)")
            let joined = try await setup.laptop.run(["join", "--enrolment", "-"], stdin: Data(added.stdout.utf8))
            #expect(joined.exitCode == 0, "\(joined)")
            #expect(try TestStore.object(joined.stdoutLines.joined())["hubURL"] is NSNull)
        }
    }

    @Test func enrollingASiteTwiceSaysToRemoveItFirst() async throws {
        try await withHubAndLaptop { setup in
            _ = try await setup.addLaptop()
            let identity = try await setup.laptopIdentityFile()
            let again = try await setup.run(["hub", "add-site", "--store", setup.hub, "--identity", identity])
            let line = expectOneLineFailure(again)
            #expect(line.contains("is already enrolled at hub \"head-office\" as \"laptop-17\""))
            #expect(line.contains("remove it first with `opossum hub remove-site`"))
        }
    }

    @Test func joinRefusesAnotherStoresEnrolmentAndTheHub() async throws {
        try await withHubAndLaptop { setup in
            let (enrolmentPath, _) = try await setup.addLaptop()
            let other = setup.directory.appending("other")
            let made = try await setup.run(["init", "--store", other, "--name", "laptop-18"])
            try #require(made.exitCode == 0, "\(made)")
            let wrongStore = try await setup.run(["join", "--store", other, "--enrolment", enrolmentPath])
            let line = expectOneLineFailure(wrongStore)
            #expect(line.contains("this enrolment is for store \(try storeId(of: setup.laptop.path)), not this one"))
            #expect(!FileManager.default.fileExists(atPath: other + "/Sync/enrolment.json"))
            let hub = try await setup.run(["join", "--store", setup.hub, "--enrolment", enrolmentPath])
            expectOneLineFailure(hub)
            #expect(!FileManager.default.fileExists(atPath: setup.hub + "/Sync/enrolment.json"))
        }
    }

    @Test func badInputsAreOneClearLine() async throws {
        try await withHubAndLaptop { setup in
            let identity = try await setup.laptopIdentityFile()
            let garbage = setup.directory.appending("garbage.json")
            try Data("{\"name\": 1}".utf8).write(to: URL(fileURLWithPath: garbage))
            let hub = setup.hub
            let laptop = setup.laptop.path
            let failures: [([String], Int32, String)] = [
                (["hub", "add-site", "--store", laptop, "--identity", identity], 1, "is not a hub"),
                (["hub", "add-site", "--store", hub, "--identity", garbage], 1, "invalid identity in"),
                (
                    ["hub", "add-site", "--store", hub, "--identity", setup.directory.appending("none")], 1,
                    "cannot read"
                ),
                (["hub", "add-site", "--store", hub, "--identity", identity, "--url", "ftp://x"], 1, "not an http"),
                (["hub", "add-site", "--store", hub], 64, "--identity"),
                (["hub", "remove-site", "--store", hub, "--site", "laptop-99"], 1, "no site named \"laptop-99\""),
                (["hub", "remove-site", "--store", hub, "--site", UUID().uuidString], 1, "no site with store id"),
                (["hub", "sites", "--store", laptop], 1, "is not a hub"),
                (["join", "--store", laptop, "--enrolment", garbage], 1, "is not an Opossum enrolment file"),
                (["hub", "init", "--name", "x"], 64, "no store given"),
            ]
            for (arguments, exitCode, message) in failures {
                let line = expectOneLineFailure(try await setup.run(arguments), exitCode: exitCode)
                #expect(line.contains(message), "\(arguments): \(line)")
            }
        }
    }

    @Test func removeSiteByANameTwoSitesShareIsRefusedNamingBoth() async throws {
        try await withHubAndLaptop { setup in
            _ = try await setup.addLaptop()
            let twin = setup.directory.appending("twin")
            _ = try await setup.run(["init", "--store", twin, "--name", "laptop-17"])
            let identity = try await setup.run(["identity", "--store", twin])
            let added = try await setup.run(
                ["hub", "add-site", "--store", setup.hub, "--identity", "-"],
                stdin: Data(identity.stdout.utf8)
            )
            try #require(added.exitCode == 0, "\(added)")
            let ambiguous = try await setup.run(["hub", "remove-site", "--store", setup.hub, "--site", "laptop-17"])
            let line = expectOneLineFailure(ambiguous)
            let twinId = try storeId(of: twin)
            #expect(line.contains(twinId))
            #expect(line.contains(try storeId(of: setup.laptop.path)))
            let byId = try await setup.run(["hub", "remove-site", "--store", setup.hub, "--site", twinId])
            #expect(byId.exitCode == 0, "\(byId)")
        }
    }

    @Test(arguments: [
        ["hub"], ["hub", "init"], ["hub", "add-site"], ["hub", "sites"], ["hub", "remove-site"], ["join"],
    ])
    func everyHubCommandHasHelpWithAnExample(_ command: [String]) async throws {
        let result = try await OpossumCLI.run(command + ["--help"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.hasPrefix("OVERVIEW: "), "\(result)")
        #expect(result.stdout.contains("Example:"))
        #expect(result.stdout.contains("USAGE: opossum \(command.joined(separator: " "))"))
    }
}
