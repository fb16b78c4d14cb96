import Foundation
import Hummingbird
import Opossum
import OpossumHub
import OpossumSync
import Testing

/// Who may ask what: a site's token opens its own paths only, and a push must be
/// signed by the site whose token came with it.
@Suite("hub authentication")
struct HubAuthenticationTests {
    @Test(arguments: [nil, "Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-token-of-anyone"])
    func aMissingMalformedOrUnknownTokenIs401WithBearerChallenge(authorization: String?) async throws {
        try await HubFixture.with { fixture in
            let site = try await fixture.makeSite("laptop")
            var headers: HTTPFields = [:]
            if let authorization { headers[.authorization] = authorization }
            let response = try await fixture.request(.get, site.path + "/status", headers: headers)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate] == "Bearer")
            #expect(try response.error().code == "unauthorized")
        }
    }

    @Test func aRemovedSiteIsRefusedOnItsNextRequest() async throws {
        try await HubFixture.with { fixture in
            let site = try await fixture.makeSite("laptop")
            #expect(try await fixture.request(.get, site.path + "/status", token: site.token).status == .ok)
            // Removed by another process, as `opossum hub remove-site` does: through its
            // own handle on the hub store's directory.
            let other = try await FileEventStore.open(at: fixture.hub.directory)
            try await SiteRegistry.remove(site.identity.storeId, from: other)
            await other.close()
            let response = try await fixture.request(.get, site.path + "/status", token: site.token)
            #expect(response.status == .unauthorized)
            #expect(try response.error().message.contains("removed"))
        }
    }

    @Test func aTokenOnAnotherSitesPathIs403() async throws {
        try await HubFixture.with { fixture in
            let north = try await fixture.makeSite("north")
            let south = try await fixture.makeSite("south")
            for endpoint in ["/status", "/pull?after=0&verdictsAfter=0"] {
                let response = try await fixture.request(.get, south.path + endpoint, token: north.token)
                #expect(response.status == .forbidden)
                #expect(try response.error().code == "forbidden")
            }
            let notASite = try await fixture.request(.get, "/v1/sites/laptop/status", token: north.token)
            #expect(notASite.status == .forbidden)
        }
    }

    @Test func aPushOfAnotherSitesBundleIs403AndImportsNothing() async throws {
        try await HubFixture.with { fixture in
            let north = try await fixture.makeSite("north")
            let south = try await fixture.makeSite("south")
            try await fixture.appendBatches(2, at: south)
            let southBundle = try await fixture.pushBundle(of: south)
            let head = try await fixture.hubHead()
            let response = try await fixture.request(
                .post,
                north.path + "/push",
                token: north.token,
                body: Array(try Data(contentsOf: URL(fileURLWithPath: southBundle)))
            )
            #expect(response.status == .forbidden)
            #expect(try response.error().code == "unknownSource")
            #expect(try await fixture.hubHead() == head)
            #expect(try fixture.spoolFiles().isEmpty)
        }
    }
}
