import Foundation
import Opossum
import Testing

@testable import OpossumSync

/// The site's side of enrolment: the enrolment file it keeps, and what it refuses.
@Suite("enrolment at the site")
struct EnrolmentJoinTests {
    /// A hub, a laptop, and the enrolment the hub made for the laptop.
    struct Setup {
        let directory: String
        let hub: FileEventStore
        let hubIdentity: PublicIdentity
        let laptop: FileEventStore
        let enrolment: Enrolment
    }

    /// Runs `body` with a hub that enrolled a laptop; both stores are closed afterwards.
    func withEnrolment(_ body: (Setup) async throws -> Void) async throws {
        try await withHub { directory, hub in
            let hubIdentity = try await SigningIdentity.loadOrCreate(for: hub).identity
            let (laptop, signing) = try await makeStore("laptop-17", in: directory)
            let (site, token) = try await SiteRegistry.enrol(
                signing.identity,
                hubURL: "https://hub.example.com",
                in: hub
            )
            let enrolment = Enrolment(site: site, token: token, hub: hubIdentity)
            let setup = Setup(
                directory: directory,
                hub: hub,
                hubIdentity: hubIdentity,
                laptop: laptop,
                enrolment: enrolment
            )
            do {
                try await body(setup)
            } catch {
                await laptop.close()
                throw error
            }
            await laptop.close()
        }
    }

    @Test func saveKeepsTheEnrolmentReadableByItsOwnerOnlyAndLoadReadsItBack() async throws {
        try await withEnrolment { setup in
            #expect(try await Enrolment.load(for: setup.laptop) == nil)
            try await setup.enrolment.save(for: setup.laptop)
            #expect(try await Enrolment.load(for: setup.laptop) == setup.enrolment)
            let path = setup.laptop.directory + "/Sync/enrolment.json"
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect(attributes[.posixPermissions] as? Int == 0o600)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == (try setup.enrolment.fileContents()))
        }
    }

    @Test func theEnrolmentFileIsPrettyPrintedJSONWithSortedKeys() async throws {
        try await withEnrolment { setup in
            let text = String(decoding: try setup.enrolment.fileContents(), as: UTF8.self)
            let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map {
                String($0.dropFirst(3).prefix { $0 != "\"" })
            }
            #expect(keys == ["enrolledAt", "hub", "hubURL", "siteStoreId", "token"])
            #expect(text.hasSuffix("}\n"))
            let decoded = try Enrolment(fileContents: Data(text.utf8), source: "test")
            #expect(decoded == setup.enrolment)
            #expect(decoded.hub == setup.hubIdentity)
            #expect(decoded.siteStoreId == setup.laptop.identity.storeId)
        }
    }

    @Test func aFileThatIsNotAnEnrolmentIsRefusedNamingIt() throws {
        let error = #expect(throws: SyncError.self) {
            try Enrolment(fileContents: Data(#"{"storeId": "x"}"#.utf8), source: "laptop.json")
        }
        #expect(error?.code == .invalidEnrolment)
        #expect(error?.message.contains("laptop.json") == true)
    }

    @Test func saveRefusesAnEnrolmentForAnotherStore() async throws {
        try await withEnrolment { setup in
            let (other, _) = try await makeStore("laptop-18", in: setup.directory)
            let error = await #expect(throws: SyncError.self) { try await setup.enrolment.save(for: other) }
            #expect(error?.code == .invalidEnrolment)
            let mine = setup.enrolment.siteStoreId.uuidString
            let theirs = other.identity.storeId.uuidString
            #expect(error?.message == "this enrolment is for store \(mine), not this one (\(theirs))")
            #expect(try await Enrolment.load(for: other) == nil)
            await other.close()
        }
    }

    @Test func aHubCannotJoinAnotherHub() async throws {
        try await withEnrolment { setup in
            let (otherHub, _) = try await makeStore("other-hub", in: setup.directory)
            try await HubRole.initialize(otherHub, name: "other-hub")
            var enrolment = setup.enrolment
            enrolment.siteStoreId = otherHub.identity.storeId
            let error = await #expect(throws: SyncError.self) { try await enrolment.save(for: otherHub) }
            #expect(error?.code == .alreadyAHub)
            #expect(try await Enrolment.load(for: otherHub) == nil)
            await otherHub.close()
        }
    }

    @Test func aSiteThatJoinedAHubCannotBecomeOne() async throws {
        try await withEnrolment { setup in
            try await setup.enrolment.save(for: setup.laptop)
            let error = await #expect(throws: SyncError.self) {
                try await HubRole.initialize(setup.laptop, name: "laptop-hub")
            }
            #expect(error?.code == .alreadyJoined)
            #expect(try await HubRole.isHub(setup.laptop) == false)
        }
    }

    @Test func joiningTheSameHubAgainReplacesTheEnrolment() async throws {
        try await withEnrolment { setup in
            try await setup.enrolment.save(for: setup.laptop)
            try await SiteRegistry.remove(setup.enrolment.siteStoreId, from: setup.hub)
            let laptopIdentity = try await SigningIdentity.loadOrCreate(for: setup.laptop).identity
            let (site, token) = try await SiteRegistry.enrol(laptopIdentity, hubURL: nil, in: setup.hub)
            let renewed = Enrolment(site: site, token: token, hub: setup.hubIdentity)
            try await renewed.save(for: setup.laptop)
            #expect(try await Enrolment.load(for: setup.laptop) == renewed)
        }
    }

    @Test func joiningAnotherHubMustBeAskedFor() async throws {
        try await withEnrolment { setup in
            try await setup.enrolment.save(for: setup.laptop)
            let (otherHub, otherSigning) = try await makeStore("other-hub", in: setup.directory)
            try await HubRole.initialize(otherHub, name: "other-hub")
            let laptopIdentity = try await SigningIdentity.loadOrCreate(for: setup.laptop).identity
            let (site, token) = try await SiteRegistry.enrol(laptopIdentity, hubURL: nil, in: otherHub)
            let moved = Enrolment(site: site, token: token, hub: otherSigning.identity)
            let error = await #expect(throws: SyncError.self) { try await moved.save(for: setup.laptop) }
            #expect(error?.code == .alreadyJoined)
            #expect(error?.message.contains("\"head-office\"") == true)
            #expect(try await Enrolment.load(for: setup.laptop) == setup.enrolment)
            try await moved.save(for: setup.laptop, replacing: true)
            #expect(try await Enrolment.load(for: setup.laptop) == moved)
            await otherHub.close()
        }
    }
}
