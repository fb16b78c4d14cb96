public import Foundation
public import Opossum

/// What a hub can say about one of its sites: its enrolment, and how far it has
/// synced.
///
/// `opossum hub sites` prints one per site. The sync fields come from what the site
/// reported with its latest push; they are `nil` until it has pushed once.
public struct SiteSummary: Hashable, Sendable {
    /// The site as the hub enrolled it.
    public var site: EnrolledSite
    /// When the site last pushed or pulled, or `nil` if never (or not yet recorded).
    public var lastContact: Date?
    /// The highest hub position the site has pulled, or `nil` if not known.
    public var cursor: Position?
    /// How many verdicts on the site's batches it has not received yet, or `nil` if not known.
    public var pendingVerdicts: Int?

    /// Creates a summary.
    public init(site: EnrolledSite, lastContact: Date? = nil, cursor: Position? = nil, pendingVerdicts: Int? = nil) {
        self.site = site
        self.lastContact = lastContact
        self.cursor = cursor
        self.pendingVerdicts = pendingVerdicts
    }

    /// A summary of every site enrolled at `hub`, in the order they were enrolled.
    ///
    /// - Throws: ``SyncError`` with code ``SyncError/Code/notAHub`` if `hub` is not a hub.
    public static func all(at hub: FileEventStore) async throws -> [SiteSummary] {
        var summaries: [SiteSummary] = []
        let states = HubSiteStateCache()
        for site in try await SiteRegistry.load(from: hub).sites {
            let state = try await states.state(of: site.storeId, from: hub)
            summaries.append(
                SiteSummary(
                    site: site,
                    lastContact: state.contact?.at,
                    cursor: state.contact.map { Position($0.hubCursor) },
                    // A site that never pushed has no verdicts to wait for, and nothing known.
                    pendingVerdicts: state.contact == nil && state.lastNumber == 0
                        ? nil : Int(state.lastNumber - (state.contact?.verdictsSeen ?? 0))
                )
            )
        }
        return summaries
    }
}
