import Foundation
import Opossum

/// The system events in which a hub keeps its role and its site registry.
///
/// They live in the hub's own log, so they commit atomically, survive crashes and
/// are rebuilt with the index; reads, conditions and projections never see them.
///
/// | type | data |
/// |---|---|
/// | `$hub.initialized` | `{"name": NAME}` |
/// | `$hub.siteEnrolled` | an ``EnrolledSite``: `{"enrolledAt", "hubURL"?, "identity", "tokenHash"}` |
/// | `$hub.siteRemoved` | `{"name": NAME, "storeId": UUID}` |
///
/// Site events carry the tag `$site:<storeId>`.
enum HubEvent {
    /// The type of the event that makes a store a hub.
    static let initialized = "$hub.initialized"
    /// The type of the event that enrols a site.
    static let siteEnrolled = "$hub.siteEnrolled"
    /// The type of the event that removes a site.
    static let siteRemoved = "$hub.siteRemoved"
    /// The data of `$hub.initialized`.
    struct Initialized: Codable {
        /// The hub's name for people.
        var name: String
    }

    /// The data of `$hub.siteRemoved`.
    struct SiteRemoved: Codable {
        /// The removed site's store id.
        var storeId: UUID
        /// The removed site's name when it was removed, for people reading the log.
        var name: String
    }

    /// The query for the hub's role and registry events, in log order.
    static func registryQuery() throws -> Query {
        Query(try QueryItem(types: [initialized, siteEnrolled, siteRemoved]))
    }

    /// The query for the event that makes a store a hub.
    static func initializedQuery() throws -> Query {
        Query(try QueryItem(types: [initialized]))
    }

    /// A system event of `type` with `record` as its data, tagged with `site`, timestamped `date`.
    static func event(_ type: String, _ record: some Encodable, site: UUID? = nil, date: Date = now()) throws -> Event {
        let tags = site.map { [SyncRecords.siteTag($0)] } ?? []
        return try SyncRecords.event(type, record, tags: tags).timestamped(date)
    }

    /// The current time without its fraction of a second: what the ISO 8601 dates of
    /// sync's JSON keep, so that a value read back equals the value written.
    static func now() -> Date {
        Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    }

    /// The data of `event` decoded as `T`, or an error naming the event's position in `store`.
    static func record<T: Decodable>(_ type: T.Type, of event: SequencedEvent, in store: String) throws -> T {
        do {
            return try SyncRecords.decoder().decode(type, from: event.data)
        } catch {
            throw SyncError(
                .malformed,
                "the hub's \(event.type) event at position \(event.position.rawValue) is damaged: \(error)",
                path: store
            )
        }
    }
}
