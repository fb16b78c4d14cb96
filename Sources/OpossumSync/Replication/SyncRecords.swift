import Foundation
import Opossum

/// The system events (types starting with `$`, invisible to applications) in which
/// sync keeps its facts, committed with the events they describe (docs/sync.md).
enum SyncRecords {
    /// At a site: a pull was applied. Data: ``Pulled``.
    static let pulled = "$sync.pulled"
    /// At a site: the hub's verdict on one of its own batches. Data: ``Verdict``. A
    /// rejection is committed with a `Withdrawal` of the batch's positions.
    static let verdict = "$sync.verdict"
    /// At the hub: the verdicts of one import for one site. Data: ``HubVerdicts``;
    /// tagged `$site:<store id>`, and `$hide` for each quarantined batch.
    static let hubVerdicts = "$hub.verdicts"
    /// At the hub: what a site reported of its state with its latest push. Data:
    /// ``Contact``; tagged `$site:<store id>`. Written only when it changed.
    static let hubContact = "$hub.contact"
    /// The tag key naming the site a hub record is about.
    static let siteTagKey = "$site"

    /// What a site records of a pull.
    struct Pulled: Codable, Sendable {
        /// The hub the pull came from.
        var hubStoreId: UUID
        /// The site position of the first event of the pull's commit. A decision that
        /// read any position of the commit saw all of it (commits are read whole).
        var firstLocalPosition: UInt64
        /// The hub position the site has now pulled up to.
        var hubCursor: UInt64
        /// How many of its verdicts the site has now received.
        var verdictsSeen: UInt64
    }

    /// What a site reported to the hub: how far it has pulled and how many verdicts
    /// it has received, and when.
    struct Contact: Codable, Hashable, Sendable {
        var site: UUID
        var hubCursor: UInt64
        var verdictsSeen: UInt64
        var at: Date
    }

    /// What the hub records of one import from one site.
    struct HubVerdicts: Codable, Sendable {
        /// The site.
        var site: UUID
        /// The verdicts, in the order the batches were judged.
        var verdicts: [Verdict]
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// The `$site` tag of `site`.
    static func siteTag(_ site: UUID) -> Tag {
        Tag(siteTagKey, site.uuidString)
    }

    /// The `$hide` tag that hides `range`.
    static func hideTag(_ range: ClosedRange<Position>) -> Tag {
        Withdrawal.hideTag(range)
    }

    /// A system event of `type` with `payload` as its data.
    static func event(_ type: String, _ payload: some Encodable, tags: [Tag] = []) throws -> Event {
        Event(type: type, data: try encoder().encode(payload), tags: tags)
    }
}
