import Crypto
public import Foundation
public import Opossum
import Synchronization

extension SiteRegistry {
    /// Enrols the store `identity` describes as a site of `hub` and returns the
    /// record kept at the hub with the site's new bearer token.
    ///
    /// The token is 256 random bits; only its SHA-256 is written to the hub's log, in
    /// a `$hub.siteEnrolled` event, so this is the one time anybody sees it: it goes
    /// into the site's ``Enrolment``. The check that the site is not enrolled yet runs
    /// on the hub's writer, in the same commit as the event, so of two enrolments of
    /// one site racing, exactly one succeeds.
    ///
    /// - Parameters:
    ///   - identity: The site's public identity, as `opossum identity` prints it.
    ///   - hubURL: The URL the site should sync with, or `nil` for bundle files only.
    ///   - hub: The hub store.
    /// - Throws: ``SyncError`` with code ``SyncError/Code/alreadyEnrolled`` if the
    ///   site is enrolled (remove it first to enrol it again),
    ///   ``SyncError/Code/notAHub``, ``SyncError/Code/invalidEnrolment`` for the hub's
    ///   own id or a URL that is not http(s), ``SyncError/Code/identity`` for a public
    ///   key that is not an Ed25519 key.
    public static func enrol(
        _ identity: PublicIdentity,
        hubURL: String?,
        in hub: FileEventStore
    ) async throws -> (EnrolledSite, token: String) {
        guard let raw = Data(base64Encoded: identity.publicKey),
            (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil
        else {
            throw SyncError(
                .identity,
                "the identity of store \(identity.storeId.uuidString) has no valid Ed25519 public key "
                    + "(expected 32 bytes in base64)"
            )
        }
        if let hubURL { try checkURL(hubURL) }
        let token = BearerToken.make()
        let site = EnrolledSite(
            identity: identity,
            hubURL: hubURL,
            tokenHash: BearerToken.hash(of: token),
            enrolledAt: HubEvent.now()
        )
        let event = try HubEvent.event(HubEvent.siteEnrolled, site, site: identity.storeId, date: site.enrolledAt)
        _ = try await hub.commitDecided { view in
            let registry = try SiteRegistry.load(from: view, hub: hub)
            guard identity.storeId != hub.identity.storeId else {
                throw SyncError(
                    .invalidEnrolment,
                    "store \(identity.storeId.uuidString) is this hub itself; a hub cannot enrol itself as a site",
                    path: hub.directory
                )
            }
            if let existing = registry.site(identity.storeId) {
                throw SyncError(
                    .alreadyEnrolled,
                    "store \(identity.storeId.uuidString) is already enrolled at \(registry.hubQuoted) "
                        + "as \(existing.name.debugDescription); remove it first with `opossum hub remove-site`"
                )
            }
            return [DecidedBatch(events: [event])]
        }
        return (site, token)
    }

    /// Removes the site `storeId` from `hub`'s registry and returns what the hub had
    /// recorded of it; its token stops working at once.
    ///
    /// Appends a `$hub.siteRemoved` event. The events the site already sent stay in
    /// the hub's log. To enrol the same store again, call ``enrol(_:hubURL:in:)``.
    ///
    /// - Throws: ``SyncError`` with code ``SyncError/Code/unknownSite`` if no such
    ///   site is enrolled, ``SyncError/Code/notAHub``.
    @discardableResult
    public static func remove(_ storeId: UUID, from hub: FileEventStore) async throws -> EnrolledSite {
        let removed = RemovedSite()
        _ = try await hub.commitDecided { view in
            let registry = try SiteRegistry.load(from: view, hub: hub)
            guard let site = registry.site(storeId) else {
                throw SyncError(
                    .unknownSite,
                    "no site with store id \(storeId.uuidString) is enrolled at \(registry.hubQuoted)"
                )
            }
            removed.site.withLock { $0 = site }
            let record = HubEvent.SiteRemoved(storeId: storeId, name: site.name)
            return [DecidedBatch(events: [try HubEvent.event(HubEvent.siteRemoved, record, site: storeId)])]
        }
        guard let site = removed.site.withLock({ $0 }) else {
            throw SyncError(.unknownSite, "no site with store id \(storeId.uuidString) was removed")
        }
        return site
    }

    /// Refuses a hub URL that is not an absolute http or https URL with a host.
    private static func checkURL(_ text: String) throws {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host?.isEmpty == false
        else {
            throw SyncError(
                .invalidEnrolment,
                "hub URL \(text.debugDescription) is not an http or https URL such as https://hub.example.com"
            )
        }
    }
}

/// Carries the removed site out of the decided commit's closure, which runs on the
/// store's writer thread.
private final class RemovedSite: Sendable {
    let site = Mutex<EnrolledSite?>(nil)
}
