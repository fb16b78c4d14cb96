import Foundation
import Opossum
import OpossumSync

/// Who a store syncs with, as the sync commands need it: a site's hub (from its
/// enrolment) or a hub's sites (from its registry).
enum SyncPeers {
    /// The hub `store` has joined, or a clear failure if it has not joined one.
    static func hub(of store: FileEventStore) async throws -> Enrolment {
        guard let enrolment = try await Enrolment.load(for: store) else {
            throw CommandFailure(
                "this store has not joined a hub; ask head office for an enrolment file and run `opossum join`"
            )
        }
        return enrolment
    }

    /// The identities of the sites enrolled at the hub `store`.
    static func sites(of store: FileEventStore) async throws -> [PublicIdentity] {
        try await SiteRegistry.load(from: store).sites.map(\.identity)
    }

    /// One verdict as a JSON line.
    static func line(_ verdict: Verdict, duplicate: Bool? = nil) -> String {
        var fields: KeyValuePairs<String, String> = [:]
        let reason = verdict.reason.map(JSONText.string) ?? "null"
        if let duplicate {
            fields = [
                "verdict": String(verdict.number),
                "outcome": JSONText.string(verdict.outcome.rawValue),
                "sitePositions": JSONText.string("\(verdict.originRange.lowerBound)-\(verdict.originRange.upperBound)"),
                "hubPosition": String(verdict.hubFirst.rawValue),
                "duplicate": duplicate ? "true" : "false",
                "reason": reason,
            ]
        } else {
            fields = [
                "verdict": String(verdict.number),
                "outcome": JSONText.string(verdict.outcome.rawValue),
                "sitePositions": JSONText.string("\(verdict.originRange.lowerBound)-\(verdict.originRange.upperBound)"),
                "hubPosition": String(verdict.hubFirst.rawValue),
                "reason": reason,
            ]
        }
        return JSONText.object(fields)
    }
}
