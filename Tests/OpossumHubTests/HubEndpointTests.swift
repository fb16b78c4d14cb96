import Foundation
import Hummingbird
import Opossum
import OpossumHub
import OpossumSync
import OpossumTestSupport
import Testing

/// The endpoints that answer without a bundle: health, metrics, a site's status, and
/// what an unknown path or a malformed query gets.
@Suite("hub endpoints")
struct HubEndpointTests {
    @Test func healthzAnswersTheHubStoreIdAndHeadWithoutAToken() async throws {
        try await HubFixture.with { fixture in
            let response = try await fixture.request(.get, "/healthz")
            #expect(response.status == .ok)
            struct Health: Decodable {
                var status: String
                var hubStoreId: UUID
                var head: UInt64
            }
            let health = try response.decode(Health.self)
            #expect(health.status == "ok")
            #expect(health.hubStoreId == fixture.hub.identity.storeId)
            #expect(health.head == (try await fixture.hubHead()))
        }
    }

    @Test func statusAnswersWhatTheHubKnowsOfTheSite() async throws {
        try await HubFixture.with { fixture in
            let site = try await fixture.makeSite("laptop")
            try await fixture.appendBatches(3, at: site)
            #expect(try await fixture.push(try await fixture.pushBundle(of: site), as: site).status == .ok)
            let response = try await fixture.request(.get, site.path + "/status", token: site.token)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let status = try response.decode(SiteStatus.self)
            #expect(status.siteStoreId == site.identity.storeId)
            #expect(status.siteName == "laptop")
            #expect(status.hubStoreId == fixture.hub.identity.storeId)
            #expect(status.hubHead == (try await fixture.hubHead()))
            #expect(status.judgedThrough == 3)
            #expect(status.verdictCount == 3)
            #expect(status.lastContact != nil)
        }
    }

    @Test func metricsCountPushesVerdictsBytesAndRequestsAfterAPush() async throws {
        try await HubFixture.with { fixture in
            let site = try await fixture.makeSite("laptop")
            try await fixture.appendBatches(2, at: site)
            let bundle = try await fixture.pushBundle(of: site)
            #expect(try await fixture.push(bundle, as: site).status == .ok)
            #expect(try await fixture.push(bundle, as: site).status == .ok)
            #expect(try await fixture.request(.get, site.path + "/status").status == .unauthorized)
            let response = try await fixture.request(.get, "/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = String(decoding: response.bytes, as: UTF8.self)
            let size = try FileManager.default.attributesOfItem(atPath: bundle)[.size] as? Int ?? 0
            #expect(text.contains("opossum_hub_pushes_total 2"))
            #expect(text.contains(#"opossum_hub_verdicts_total{outcome="accepted"} 2"#))
            #expect(text.contains(#"opossum_hub_verdicts_total{outcome="duplicate"} 2"#))
            #expect(text.contains(#"opossum_hub_verdicts_total{outcome="rejected"} 0"#))
            #expect(text.contains("opossum_hub_received_bytes_total \(2 * size)"))
            #expect(text.contains(#"opossum_hub_requests_total{status="2xx"} 2"#))
            #expect(text.contains(#"opossum_hub_requests_total{status="4xx"} 1"#))
            #expect(text.contains("opossum_hub_auth_failures_total 1"))
            #expect(text.contains("opossum_hub_push_import_duration_seconds_count 2"))
            #expect(fixture.server.metricsText().contains("opossum_hub_pushes_total 2"))
        }
    }

    @Test func anUnknownPathIsA404WithAnErrorBody() async throws {
        try await HubFixture.with { fixture in
            let response = try await fixture.request(.get, "/v2/nothing")
            #expect(response.status == .notFound)
            #expect(try response.error().code == "notFound")
        }
    }

    @Test(arguments: [
        "?verdictsAfter=0",
        "?after=x&verdictsAfter=0",
        "?after=0&verdictsAfter=-1",
        "?after=0&verdictsAfter=0&maxEvents=0",
        "?after=0&verdictsAfter=0&compress=maybe",
    ])
    func aPullWithAMissingOrMalformedParameterIs400(query: String) async throws {
        try await HubFixture.with { fixture in
            let site = try await fixture.makeSite("laptop")
            let response = try await fixture.request(.get, site.path + "/pull" + query, token: site.token)
            #expect(response.status == .badRequest)
            #expect(try response.error().code == "invalidQuery")
        }
    }

    @Test func aStoreThatIsNotAHubCannotBeServed() async throws {
        try await withScratchDirectory("OpossumHubTests") { directory in
            let store = try await FileEventStore.create(at: directory + "/plain", name: "plain")
            let error = await #expect(throws: HubServerError.self) {
                _ = try await HubServer(store: store, logger: .init(label: "test"))
            }
            #expect(error?.code == .notAHub)
            #expect(error?.message.contains("opossum hub init") == true)
            await store.close()
        }
    }
}
