public import Foundation

/// What the hub knows of one enrolled site: the answer to `GET /v1/sites/{site}/status`.
public struct SiteStatus: Codable, Hashable, Sendable {
    /// The site's store id.
    public var siteStoreId: UUID
    /// The site's name.
    public var siteName: String
    /// The hub's store id.
    public var hubStoreId: UUID
    /// The hub's head: the highest position in its log.
    public var hubHead: UInt64
    /// The site's own position up to which the hub has judged every batch: a push
    /// resumes after it.
    public var judgedThrough: UInt64
    /// How many verdicts the hub has given on this site's batches.
    public var verdictCount: UInt64
    /// The hub position the site reported having pulled up to, with its last push.
    public var reportedCursor: UInt64?
    /// When the site last pushed.
    public var lastContact: Date?
    /// The largest push body the hub accepts, in bytes, when it says: a hub serving
    /// HTTP does, and the sync agent keeps its bundles under it.
    public var maximumPushBytes: Int?

    /// Makes a status.
    public init(
        siteStoreId: UUID,
        siteName: String,
        hubStoreId: UUID,
        hubHead: UInt64,
        judgedThrough: UInt64,
        verdictCount: UInt64,
        reportedCursor: UInt64? = nil,
        lastContact: Date? = nil,
        maximumPushBytes: Int? = nil
    ) {
        self.siteStoreId = siteStoreId
        self.siteName = siteName
        self.hubStoreId = hubStoreId
        self.hubHead = hubHead
        self.judgedThrough = judgedThrough
        self.verdictCount = verdictCount
        self.reportedCursor = reportedCursor
        self.lastContact = lastContact
        self.maximumPushBytes = maximumPushBytes
    }
}
