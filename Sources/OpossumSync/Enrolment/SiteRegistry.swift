public import Foundation
public import Opossum

/// The sites enrolled at a hub, as the hub's log says.
///
/// The registry is not kept in a file of its own: it is folded from the
/// `$hub.siteEnrolled` and `$hub.siteRemoved` system events in the hub's log (see
/// `docs/sync.md`), so it is as crash-safe as the log and is rebuilt with the index.
/// A value is a snapshot; load it again to see later changes.
///
/// ```swift
/// let (site, token) = try await SiteRegistry.enrol(laptop, hubURL: "https://hub.example", in: hub)
/// let registry = try await SiteRegistry.load(from: hub)
/// assert(registry.site(authenticatedBy: token) == site)
/// ```
public struct SiteRegistry: Sendable {
    /// A site and the digest of its token, decoded once so that checks compare bytes.
    private struct Entry {
        var site: EnrolledSite
        var digest: [UInt8]
    }

    /// The hub's name, from its `$hub.initialized` event; `nil` until folded.
    private(set) var hubName: String?
    /// The hub store's directory, for messages.
    let hubDirectory: String
    private var entries: [Entry] = []

    /// The enrolled sites, in the order they were enrolled.
    public var sites: [EnrolledSite] { entries.map(\.site) }

    /// An empty registry of the store in `hubDirectory`, before any event is folded.
    init(hubDirectory: String) {
        self.hubDirectory = hubDirectory
    }

    /// Reads the hub's registry events and folds them, in log order.
    ///
    /// - Throws: ``SyncError`` with code ``SyncError/Code/notAHub`` if `hub` is not a
    ///   hub, ``SyncError/Code/malformed`` if a registry event is damaged.
    public static func load(from hub: FileEventStore) async throws -> SiteRegistry {
        var registry = SiteRegistry(hubDirectory: hub.directory)
        for try await event in hub.readIncludingHidden(try HubEvent.registryQuery()) {
            try registry.apply(event)
        }
        return try registry.requiringHub(named: hub.identity)
    }

    /// The registry as `view` shows it: for checks made inside a decided commit.
    static func load(from view: StoreView, hub: FileEventStore) throws -> SiteRegistry {
        var registry = SiteRegistry(hubDirectory: hub.directory)
        for event in try view.read(try HubEvent.registryQuery(), includingHidden: true) {
            try registry.apply(event)
        }
        return try registry.requiringHub(named: hub.identity)
    }

    /// The site enrolled with the store id `storeId`, if any.
    public func site(_ storeId: UUID) -> EnrolledSite? {
        entries.first { $0.site.storeId == storeId }?.site
    }

    /// The site whose bearer token is `token`, or `nil` if no site has it.
    ///
    /// Compares the token's SHA-256 with every enrolled site's, each in full and
    /// without stopping at a match, so the time taken does not depend on the token.
    public func site(authenticatedBy token: String) -> EnrolledSite? {
        let presented = BearerToken.digest(of: token)
        var match: Int?
        for (index, entry) in entries.enumerated() {
            let isMatch = BearerToken.equalInConstantTime(entry.digest, presented)
            match = isMatch ? index : match
        }
        return match.map { entries[$0].site }
    }

    /// The site that `reference` names: its store id, or its name if exactly one site has it.
    ///
    /// - Throws: ``SyncError`` with code ``SyncError/Code/unknownSite`` when no site,
    ///   or more than one, answers to `reference`.
    public func site(matching reference: String) throws -> EnrolledSite {
        if let storeId = UUID(uuidString: reference) {
            guard let site = site(storeId) else {
                throw SyncError(.unknownSite, "no site with store id \(storeId.uuidString) is enrolled at \(hubQuoted)")
            }
            return site
        }
        let named = entries.map(\.site).filter { $0.name == reference }
        guard named.count == 1 else {
            let problem =
                named.isEmpty
                ? "no site named \(reference.debugDescription) is enrolled at \(hubQuoted)"
                : "\(named.count) sites named \(reference.debugDescription) are enrolled at \(hubQuoted) "
                    + "(\(named.map(\.storeId.uuidString).joined(separator: ", "))); name one by its store id"
            throw SyncError(.unknownSite, problem)
        }
        return named[0]
    }

    /// The hub, quoted for messages.
    var hubQuoted: String { "hub \((hubName ?? "").debugDescription)" }

    /// Folds one registry event into the registry.
    mutating func apply(_ event: SequencedEvent) throws {
        switch event.type {
        case HubEvent.initialized:
            hubName = try HubEvent.record(HubEvent.Initialized.self, of: event, in: hubDirectory).name
        case HubEvent.siteEnrolled:
            let site = try HubEvent.record(EnrolledSite.self, of: event, in: hubDirectory)
            guard let digest = BearerToken.digest(fromHash: site.tokenHash) else {
                throw SyncError(
                    .malformed,
                    "the hub's \(event.type) event at position \(event.position.rawValue) has no valid token hash",
                    path: hubDirectory
                )
            }
            entries.removeAll { $0.site.storeId == site.storeId }
            entries.append(Entry(site: site, digest: digest))
        case HubEvent.siteRemoved:
            let removed = try HubEvent.record(HubEvent.SiteRemoved.self, of: event, in: hubDirectory)
            entries.removeAll { $0.site.storeId == removed.storeId }
        default:
            break
        }
    }

    /// This registry, or an error saying the store is not a hub.
    private func requiringHub(named identity: StoreIdentity) throws -> SiteRegistry {
        guard hubName != nil else {
            throw SyncError(
                .notAHub,
                "store \(identity.name.debugDescription) (\(identity.storeId.uuidString)) is not a hub; "
                    + "make a hub with `opossum hub init`",
                path: hubDirectory
            )
        }
        return self
    }
}
