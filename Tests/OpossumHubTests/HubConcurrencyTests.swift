import Foundation
import Hummingbird
import Opossum
import OpossumHub
import OpossumSync
import Testing

/// Several sites pushing at once, a site racing its own resend, and a graceful
/// shutdown with a push in flight.
@Suite("hub concurrency")
struct HubConcurrencyTests {
    @Test func concurrentPushesFromSeveralSitesAreAllJudgedAndTheStoreChecksClean() async throws {
        try await HubFixture.with { fixture in
            var sites: [HubFixture.Site] = []
            for number in 0..<4 { sites.append(try await fixture.makeSite("site-\(number)")) }
            let rounds = 3
            let batchesPerRound = 5
            for _ in 0..<rounds {
                for site in sites { try await fixture.appendBatches(batchesPerRound, at: site) }
                // Each site's bundle is written after its previous push was answered, so
                // it holds only the new batches; the sites push side by side, each twice
                // (the resend racing the original).
                try await withThrowingTaskGroup(of: PushReceipt.self) { group in
                    for site in sites {
                        let bundle = try await fixture.pushBundle(of: site)
                        for _ in 0..<2 {
                            group.addTask {
                                let response = try await fixture.push(bundle, as: site)
                                guard response.status == .ok else {
                                    throw HubTestFailure("push answered \(response.status)")
                                }
                                return try response.decode(PushReceipt.self)
                            }
                        }
                    }
                    var accepted = 0
                    var duplicates = 0
                    for try await receipt in group {
                        #expect(receipt.verdicts.count == batchesPerRound)
                        accepted += receipt.acceptedCount
                        duplicates += receipt.duplicateCount
                    }
                    #expect(accepted == sites.count * batchesPerRound)
                    #expect(duplicates == sites.count * batchesPerRound)
                }
                for site in sites {
                    let path = fixture.bundlePath("pull")
                    let (cursor, seen) = try await site.sync.pullRequest()
                    let pull = try await fixture.request(
                        .get,
                        site.path + "/pull?after=\(cursor)&verdictsAfter=\(seen)",
                        token: site.token
                    )
                    try Data(pull.bytes).write(to: URL(fileURLWithPath: path))
                    _ = try await site.sync.importPull(from: path)
                }
            }
            for site in sites {
                let status = try await fixture.request(.get, site.path + "/status", token: site.token)
                    .decode(SiteStatus.self)
                #expect(status.verdictCount == UInt64(rounds * batchesPerRound))
            }
            let visits = try await fixture.hub.readAll(Query.all).filter { $0.type == "VisitLogged" }
            #expect(visits.count == sites.count * rounds * batchesPerRound)
            let report = try await FileEventStore.check(at: fixture.hub.directory)
            #expect(report.problems.isEmpty)
            #expect(try fixture.spoolFiles().isEmpty)
        }
    }

    @Test func aGracefulShutdownLetsAPushInFlightFinish() async throws {
        try await HubFixture.with { fixture in
            let site = try await fixture.makeSite("laptop")
            try await fixture.appendBatches(3, at: site)
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: try await fixture.pushBundle(of: site))))
            let connection = try await RawConnection.open(port: fixture.port)
            let head =
                "POST \(site.path)/push HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(site.token)\r\n"
                + "Content-Length: \(bytes.count)\r\n\r\n"
            #expect(await connection.send(Array(head.utf8) + bytes.prefix(bytes.count / 2)))
            // The push is in progress once its spool file exists; nothing else says so.
            while try fixture.spoolFiles().isEmpty { try await Task.sleep(for: .milliseconds(5)) }
            await fixture.server.shutDownGracefully()
            #expect(await connection.send(Array(bytes.dropFirst(bytes.count / 2))))
            let (status, body) = try await connection.receiveResponse()
            #expect(status == 200)
            let receipt = try JSONDecoder.iso8601.decode(PushReceipt.self, from: Data(body))
            #expect(receipt.acceptedCount == 3)
            // The fixture then waits for `run` to return.
        }
    }
}

extension JSONDecoder {
    /// A decoder of the hub's JSON: ISO 8601 dates.
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
