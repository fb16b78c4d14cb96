import Foundation
import Hummingbird
import Opossum
import OpossumHub
import OpossumSync
import Testing

/// Pushes the hub refuses: too large, damaged or cut short. Nothing is imported and
/// nothing is left in the spool.
@Suite("hub refusals")
struct HubRefusalTests {
    @Test func aPushOverTheLimitByContentLengthIs413AndImportsNothing() async throws {
        try await HubFixture.with(HubServer.Configuration(maximumBodySize: 1024)) { fixture in
            let site = try await fixture.makeSite("laptop")
            try await fixture.appendBatches(40, at: site)
            let bundle = try await fixture.pushBundle(of: site)
            let head = try await fixture.hubHead()
            let response = try await fixture.push(bundle, as: site)
            #expect(response.status == .contentTooLarge)
            #expect(try response.error().code == "tooLarge")
            #expect(try await fixture.hubHead() == head)
            #expect(try fixture.spoolFiles().isEmpty)
        }
    }

    @Test func aStreamedPushOverTheLimitIs413AndLeavesNoSpoolFile() async throws {
        try await HubFixture.with(HubServer.Configuration(maximumBodySize: 256 << 10)) { fixture in
            let site = try await fixture.makeSite("laptop")
            let head = try await fixture.hubHead()
            let connection = try await RawConnection.open(port: fixture.port)
            await connection.sendChunked(
                head: "POST \(site.path)/push HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(site.token)",
                chunks: 64,
                chunkSize: 64 << 10
            )
            let (status, body) = try await connection.receiveResponse()
            #expect(status == 413)
            #expect(String(decoding: body, as: UTF8.self).contains("tooLarge"))
            #expect(try await fixture.hubHead() == head)
            #expect(try fixture.spoolFiles().isEmpty)
            // The hub still answers afterwards.
            #expect(try await fixture.request(.get, "/healthz").status == .ok)
        }
    }

    @Test func aTruncatedPushIs400WithTheReason() async throws {
        try await HubFixture.with { fixture in
            let site = try await fixture.makeSite("laptop")
            try await fixture.appendBatches(3, at: site)
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: try await fixture.pushBundle(of: site))))
            let head = try await fixture.hubHead()
            let response = try await fixture.request(
                .post,
                site.path + "/push",
                token: site.token,
                body: Array(bytes.prefix(bytes.count * 2 / 3))
            )
            #expect(response.status == .badRequest)
            let error = try response.error()
            #expect(error.code == "truncated")
            #expect(!error.message.isEmpty)
            #expect(!error.message.contains("/Sync/incoming"))
            #expect(try await fixture.hubHead() == head)
            #expect(try fixture.spoolFiles().isEmpty)
        }
    }

    @Test func aDamagedPushIs400Damaged() async throws {
        try await HubFixture.with { fixture in
            let site = try await fixture.makeSite("laptop")
            try await fixture.appendBatches(3, at: site)
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: try await fixture.pushBundle(of: site))))
            // A letter of an event's type changed: the checksum no longer matches.
            let firstLineEnd = try #require(bytes.firstIndex(of: UInt8(ascii: "\n")))
            let type = try #require(
                bytes[firstLineEnd...].indices.first { bytes[$0...].starts(with: Array("VisitLogged".utf8)) }
            )
            bytes[type] = UInt8(ascii: "W")
            let head = try await fixture.hubHead()
            let response = try await fixture.request(.post, site.path + "/push", token: site.token, body: bytes)
            #expect(response.status == .badRequest)
            #expect(try response.error().code == "damaged")
            #expect(try await fixture.hubHead() == head)
        }
    }
}
