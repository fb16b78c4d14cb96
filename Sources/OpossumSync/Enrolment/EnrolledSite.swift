public import Foundation

/// A site as its hub knows it: the store's public identity, the URL it was told to
/// use and the hash of its bearer token.
///
/// The hub records each enrolment as a `$hub.siteEnrolled` system event whose data
/// is this value's JSON; ``SiteRegistry`` folds those events into the current list.
/// The token itself is never stored at the hub: it is shown once, in the enrolment
/// file the administrator hands to the site.
public struct EnrolledSite: Codable, Hashable, Sendable {
    /// The site store's id, name and signing key.
    public var identity: PublicIdentity
    /// The hub URL the site was told to sync with, if the administrator gave one.
    public var hubURL: String?
    /// The SHA-256 of the site's bearer token, as 64 lowercase hex digits.
    public var tokenHash: String
    /// When the hub enrolled the site, to the second.
    public var enrolledAt: Date

    /// Creates an enrolled site.
    public init(identity: PublicIdentity, hubURL: String?, tokenHash: String, enrolledAt: Date) {
        self.identity = identity
        self.hubURL = hubURL
        self.tokenHash = tokenHash
        self.enrolledAt = enrolledAt
    }

    /// The site store's id.
    public var storeId: UUID { identity.storeId }
    /// The site store's name.
    public var name: String { identity.name }

    /// The site, quoted for messages: `"laptop-17" (3F2…)`.
    var quoted: String { "\(name.debugDescription) (\(storeId.uuidString))" }
}
