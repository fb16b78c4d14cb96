import Foundation
import Opossum
import Testing

@testable import OpossumSync

/// The hub's side of enrolment: its role, its site registry in the log, and token checks.
@Suite("enrolment at the hub")
struct EnrolmentHubTests {
    @Test func initializeMakesAStoreAHubOnlyOnce() async throws {
        try await withTemporaryDirectory { directory in
            let (hub, _) = try await makeStore("hub", in: directory)
            #expect(try await HubRole.isHub(hub) == false)
            try await HubRole.initialize(hub, name: "head-office")
            #expect(try await HubRole.isHub(hub))
            let error = await #expect(throws: SyncError.self) {
                try await HubRole.initialize(hub, name: "head-office")
            }
            #expect(error?.code == .alreadyAHub)
            await hub.close()
        }
    }

    @Test func aStoreWithApplicationEventsMayBecomeAHubAndItsReadsStayTheSame() async throws {
        try await withTemporaryDirectory { directory in
            let (hub, _) = try await makeStore("hub", in: directory)
            _ = try await hub.append([Event(type: "CourseDefined", tags: [Opossum.Tag("course", "7")])], condition: nil)
            try await HubRole.initialize(hub, name: "head-office")
            let visible = try await hub.readAll(Query.all)
            #expect(visible.map(\.type) == ["CourseDefined"])
            await hub.close()
        }
    }

    @Test func enrolRecordsTheSiteButOnlyTheHashOfItsToken() async throws {
        try await withHub { directory, hub in
            let (_, laptop) = try await makeStore("laptop", in: directory)
            let (site, token) = try await SiteRegistry.enrol(
                laptop.identity,
                hubURL: "https://hub.example.com",
                in: hub
            )
            #expect(site.identity == laptop.identity)
            #expect(site.hubURL == "https://hub.example.com")
            #expect(site.tokenHash == sha256Hex(token))
            #expect(Data(base64Encoded: base64(fromURLSafe: token))?.count == 32)
            let registry = try await SiteRegistry.load(from: hub)
            #expect(registry.sites == [site])
            #expect(registry.site(laptop.identity.storeId) == site)
            let log = try logBytes(of: hub)
            #expect(log.contains(site.tokenHash))
            #expect(!log.contains(token))
        }
    }

    @Test func enrolRefusesAStoreThatIsNotAHub() async throws {
        try await withTemporaryDirectory { directory in
            let (plain, _) = try await makeStore("plain", in: directory)
            let (_, laptop) = try await makeStore("laptop", in: directory)
            let error = await #expect(throws: SyncError.self) {
                try await SiteRegistry.enrol(laptop.identity, hubURL: nil, in: plain)
            }
            #expect(error?.code == .notAHub)
            #expect(error?.message.contains(plain.identity.storeId.uuidString) == true)
            await plain.close()
        }
    }

    @Test func enrolRefusesTheHubsOwnIdentity() async throws {
        try await withHub { _, hub in
            let own = try await SigningIdentity.loadOrCreate(for: hub).identity
            let error = await #expect(throws: SyncError.self) {
                try await SiteRegistry.enrol(own, hubURL: nil, in: hub)
            }
            #expect(error?.code == .invalidEnrolment)
            #expect(try await SiteRegistry.load(from: hub).sites.isEmpty)
        }
    }

    @Test func enrolRefusesAnEnrolledSiteAndSaysToRemoveItFirst() async throws {
        try await withHub { directory, hub in
            let (_, laptop) = try await makeStore("laptop-17", in: directory)
            let (first, _) = try await SiteRegistry.enrol(laptop.identity, hubURL: nil, in: hub)
            let error = await #expect(throws: SyncError.self) {
                try await SiteRegistry.enrol(laptop.identity, hubURL: nil, in: hub)
            }
            #expect(error?.code == .alreadyEnrolled)
            #expect(error?.message.contains("\"laptop-17\"") == true)
            #expect(error?.message.contains("remove it first") == true)
            #expect(try await SiteRegistry.load(from: hub).sites == [first])
        }
    }

    @Test(arguments: ["not base64!", "AAAA", ""])
    func enrolRefusesAPublicKeyThatIsNotAnEd25519Key(_ publicKey: String) async throws {
        try await withHub { directory, hub in
            let (_, laptop) = try await makeStore("laptop", in: directory)
            var identity = laptop.identity
            identity.publicKey = publicKey
            let error = await #expect(throws: SyncError.self) {
                try await SiteRegistry.enrol(identity, hubURL: nil, in: hub)
            }
            #expect(error?.code == .identity)
        }
    }

    @Test(arguments: ["ftp://hub.example.com", "hub.example.com", "https://"])
    func enrolRefusesAHubURLThatIsNotHTTP(_ url: String) async throws {
        try await withHub { directory, hub in
            let (_, laptop) = try await makeStore("laptop", in: directory)
            let error = await #expect(throws: SyncError.self) {
                try await SiteRegistry.enrol(laptop.identity, hubURL: url, in: hub)
            }
            #expect(error?.code == .invalidEnrolment)
            #expect(try await SiteRegistry.load(from: hub).sites.isEmpty)
        }
    }

    @Test func removeRevokesTheTokenAndReEnrolmentGivesANewOne() async throws {
        try await withHub { directory, hub in
            let (_, laptop) = try await makeStore("laptop", in: directory)
            let (_, oldToken) = try await SiteRegistry.enrol(laptop.identity, hubURL: nil, in: hub)
            let removed = try await SiteRegistry.remove(laptop.identity.storeId, from: hub)
            #expect(removed.identity == laptop.identity)
            let afterRemoval = try await SiteRegistry.load(from: hub)
            #expect(afterRemoval.sites.isEmpty)
            #expect(afterRemoval.site(authenticatedBy: oldToken) == nil)
            let (again, newToken) = try await SiteRegistry.enrol(laptop.identity, hubURL: nil, in: hub)
            #expect(newToken != oldToken)
            let registry = try await SiteRegistry.load(from: hub)
            #expect(registry.site(authenticatedBy: newToken) == again)
            #expect(registry.site(authenticatedBy: oldToken) == nil)
        }
    }

    @Test func removeRefusesASiteThatIsNotEnrolled() async throws {
        try await withHub { _, hub in
            let stranger = UUID()
            let error = await #expect(throws: SyncError.self) {
                try await SiteRegistry.remove(stranger, from: hub)
            }
            #expect(error?.code == .unknownSite)
            #expect(error?.message.contains(stranger.uuidString) == true)
        }
    }

    @Test func theRegistryIsRebuiltFromTheLogAfterReopeningAndWithoutTheIndexCheckpoint() async throws {
        try await withTemporaryDirectory { directory in
            let (hub, _) = try await makeStore("hub", in: directory)
            try await HubRole.initialize(hub, name: "head-office")
            var tokens: [String: String] = [:]
            for name in ["laptop-1", "laptop-2", "laptop-3"] {
                let (_, laptop) = try await makeStore(name, in: directory)
                tokens[name] = try await SiteRegistry.enrol(laptop.identity, hubURL: nil, in: hub).token
            }
            let laptop2 = try #require(try await SiteRegistry.load(from: hub).sites.first { $0.name == "laptop-2" })
            try await SiteRegistry.remove(laptop2.storeId, from: hub)
            let before = try await SiteRegistry.load(from: hub).sites
            #expect(before.map(\.name) == ["laptop-1", "laptop-3"])
            await hub.close()

            let reopened = try await FileEventStore.open(at: hub.directory)
            #expect(try await SiteRegistry.load(from: reopened).sites == before)
            await reopened.close()

            try FileManager.default.removeItem(atPath: hub.directory + "/Indices/index.checkpoint")
            let rebuilt = try await FileEventStore.open(at: hub.directory)
            #expect(try await HubRole.isHub(rebuilt))
            let registry = try await SiteRegistry.load(from: rebuilt)
            #expect(registry.sites == before)
            #expect(registry.site(authenticatedBy: tokens["laptop-3"]!)?.name == "laptop-3")
            #expect(registry.site(authenticatedBy: tokens["laptop-2"]!) == nil)
            await rebuilt.close()
        }
    }

    @Test func aTokenAuthenticatesItsOwnSiteAndWrongTokensNone() async throws {
        try await withHub { directory, hub in
            var enrolled: [(EnrolledSite, String)] = []
            for name in ["laptop-1", "laptop-2", "laptop-3"] {
                let (_, laptop) = try await makeStore(name, in: directory)
                enrolled.append(try await SiteRegistry.enrol(laptop.identity, hubURL: nil, in: hub))
            }
            let registry = try await SiteRegistry.load(from: hub)
            for (site, token) in enrolled {
                #expect(registry.site(authenticatedBy: token) == site)
            }
            let token = enrolled[1].1
            let wrong = [
                "", "x", String(token.dropLast()), token + "A",
                String(token.dropLast()) + (token.last == "A" ? "B" : "A"),
                token.uppercased() == token ? token.lowercased() : token.uppercased(), enrolled[1].0.tokenHash,
                BearerToken.make(),
            ]
            for candidate in wrong {
                #expect(registry.site(authenticatedBy: candidate) == nil, "\(candidate)")
            }
        }
    }

    @Test func concurrentEnrolmentsOfOneSiteLetExactlyOneSucceed() async throws {
        try await withHub { directory, hub in
            let (_, laptop) = try await makeStore("laptop", in: directory)
            let identity = laptop.identity
            let outcomes = await withTaskGroup(of: SyncError.Code?.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            _ = try await SiteRegistry.enrol(identity, hubURL: nil, in: hub)
                            return nil
                        } catch let error as SyncError {
                            return error.code
                        } catch {
                            return .io
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 1)
            #expect(outcomes.filter { $0 == .alreadyEnrolled }.count == 7)
            let enrolments = try await hub.readIncludingHidden(Query(try QueryItem(types: ["$hub.siteEnrolled"])))
                .reduce(0) { count, _ in count + 1 }
            #expect(enrolments == 1)
            #expect(try await SiteRegistry.load(from: hub).sites.count == 1)
        }
    }

    @Test func aSiteIsFoundByItsIdOrItsNameWhenTheNameIsUnique() async throws {
        try await withHub { directory, hub in
            let (_, first) = try await makeStore("laptop", in: directory + "/a")
            let (_, second) = try await makeStore("laptop", in: directory + "/b")
            let (_, other) = try await makeStore("tablet", in: directory)
            for identity in [first.identity, second.identity, other.identity] {
                _ = try await SiteRegistry.enrol(identity, hubURL: nil, in: hub)
            }
            let registry = try await SiteRegistry.load(from: hub)
            #expect(try registry.site(matching: "tablet").identity == other.identity)
            #expect(try registry.site(matching: second.identity.storeId.uuidString).identity == second.identity)
            let ambiguous = #expect(throws: SyncError.self) { try registry.site(matching: "laptop") }
            #expect(ambiguous?.code == .unknownSite)
            #expect(ambiguous?.message.contains(first.identity.storeId.uuidString) == true)
            let missing = #expect(throws: SyncError.self) { try registry.site(matching: "phone") }
            #expect(missing?.code == .unknownSite)
        }
    }
}

/// Runs `body` with a temporary directory and a hub store named "head-office" in it.
func withHub(_ body: (String, FileEventStore) async throws -> Void) async throws {
    try await withTemporaryDirectory { directory in
        let (hub, _) = try await makeStore("head-office", in: directory)
        try await HubRole.initialize(hub, name: "head-office")
        do {
            try await body(directory, hub)
        } catch {
            await hub.close()
            throw error
        }
        await hub.close()
    }
}

/// The SHA-256 of `text` in lowercase hex, after checking the hash function against
/// FIPS 180-2's test vector for "abc".
private func sha256Hex(_ text: String) -> String {
    let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    #expect(BearerToken.hash(of: "abc") == abc)
    return BearerToken.hash(of: text)
}

/// Standard base64 for base64url text without padding.
private func base64(fromURLSafe text: String) -> String {
    let standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    return standard + String(repeating: "=", count: (4 - standard.count % 4) % 4)
}

/// Every segment of `store`'s log, as text.
private func logBytes(of store: FileEventStore) throws -> String {
    let events = store.directory + "/Events"
    return try FileManager.default.contentsOfDirectory(atPath: events).sorted().map { name in
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: events + "/" + name)), as: UTF8.self)
    }.joined()
}
