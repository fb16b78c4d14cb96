import Foundation
import Opossum
import OpossumCurl
import OpossumSync
import Testing

/// Who may do what over HTTP: a site reaches only its own data with its own token,
/// and every refusal imports nothing.
@Suite("sync over HTTP, authentication")
struct SyncOverHTTPAuthTests {
    /// A transport for `site` that presents `token` and names `path` as its site.
    static func transport(
        _ fixture: HTTPSyncFixture,
        token: String,
        site: UUID
    ) -> CurlTransport {
        CurlTransport(
            configuration: CurlTransport.Configuration(
                hubURL: fixture.url,
                siteStoreId: site,
                token: token,
                retryPolicy: .never
            )
        )
    }

    @Test func aMissingWrongOrRemovedTokenIsRefusedAndNothingIsImported() async throws {
        try await HTTPSyncFixture.with(sites: ["anna", "ben"]) { fixture, sites in
            let anna = sites[0]
            _ = try await anna.store.append([Event(type: "JobLogged", tags: [Tag("job", "1")])])
            let bundle = fixture.directory + "/anna.bundle"
            _ = try await SiteSync(store: anna.store, hub: anna.hub).exportPush(to: bundle)
            let head = try await fixture.hub.status().head
            for token in ["", "not-a-token", sites[1].token + "x"] {
                let transport = Self.transport(fixture, token: token, site: anna.identity.storeId)
                let error = await #expect(throws: TransportError.self) { try await transport.push(bundleAt: bundle) }
                #expect(error?.code == .tokenRejected && error?.httpStatus == 401, "\(String(describing: error))")
                #expect(error?.isRetryable == false)
            }
            _ = try await SiteRegistry.remove(anna.identity.storeId, from: fixture.hub)
            let removed = Self.transport(fixture, token: anna.token, site: anna.identity.storeId)
            let error = await #expect(throws: TransportError.self) { try await removed.push(bundleAt: bundle) }
            #expect(error?.code == .tokenRejected, "\(String(describing: error))")
            await #expect(throws: TransportError.self) { try await removed.status() }
            #expect(try await fixture.hub.status().head.rawValue == head.rawValue + 1, "only the removal was written")
        }
    }

    @Test func aSiteCannotPushAnotherSitesBundleNorReadItsFeed() async throws {
        try await HTTPSyncFixture.with(sites: ["anna", "ben"]) { fixture, sites in
            let (anna, ben) = (sites[0], sites[1])
            _ = try await ben.store.append([Event(type: "JobLogged", tags: [Tag("job", "ben")])])
            let bensBundle = fixture.directory + "/ben.bundle"
            _ = try await SiteSync(store: ben.store, hub: ben.hub).exportPush(to: bensBundle)
            let head = try await fixture.hub.status().head
            // Anna's token, Anna's path, Ben's bundle.
            let annas = Self.transport(fixture, token: anna.token, site: anna.identity.storeId)
            let pushed = await #expect(throws: TransportError.self) { try await annas.push(bundleAt: bensBundle) }
            #expect(pushed?.code == .forbidden && pushed?.httpStatus == 403, "\(String(describing: pushed))")
            // Anna's token on Ben's paths.
            let posing = Self.transport(fixture, token: anna.token, site: ben.identity.storeId)
            let pushedAsBen = await #expect(throws: TransportError.self) { try await posing.push(bundleAt: bensBundle) }
            #expect(pushedAsBen?.code == .forbidden)
            let pulled = await #expect(throws: TransportError.self) {
                try await posing.pull(after: 0, verdictsAfter: 0, maximumEvents: 100, to: fixture.directory + "/x")
            }
            #expect(pulled?.code == .forbidden)
            #expect(!FileManager.default.fileExists(atPath: fixture.directory + "/x"))
            let status = await #expect(throws: TransportError.self) { try await posing.status() }
            #expect(status?.code == .forbidden)
            #expect(try await fixture.hub.status().head == head, "nothing was imported")
        }
    }
}
