public import Opossum

/// Making a store a hub, and telling whether it is one.
///
/// A store becomes a hub with one `$hub.initialized` system event in its own log, so
/// the role is as durable as the log and is rebuilt with the index; there is no
/// separate file to lose or to get out of step.
public enum HubRole {
    /// Makes `hub` a hub named `name`, by appending a `$hub.initialized` event.
    ///
    /// A store that already holds application events may become a hub: head office
    /// may have kept a store before it had sites, and its events are simply the hub's
    /// own, which every site pulls like any event appended at the hub later. What
    /// is refused is a second role: a store that is already a hub (the check runs on
    /// the writer, in the same commit, so two racing initialisations cannot both
    /// succeed), and a store that has joined a hub as a site — the hub is the single
    /// authority, and a store cannot both defer to a hub and be one.
    ///
    /// - Throws: ``SyncError`` with code ``SyncError/Code/alreadyAHub`` or
    ///   ``SyncError/Code/alreadyJoined``.
    public static func initialize(_ hub: FileEventStore, name: String) async throws {
        let identity = hub.identity
        if let enrolment = try await Enrolment.load(for: hub) {
            throw SyncError(
                .alreadyJoined,
                "store \(identity.name.debugDescription) (\(identity.storeId.uuidString)) is a site of hub "
                    + "\(enrolment.hub.name.debugDescription) (\(enrolment.hub.storeId.uuidString)); "
                    + "a site cannot also be a hub",
                path: hub.directory
            )
        }
        let event = try HubEvent.event(HubEvent.initialized, HubEvent.Initialized(name: name))
        let directory = hub.directory
        _ = try await hub.commitDecided { view in
            guard try view.read(try HubEvent.initializedQuery(), includingHidden: true).isEmpty else {
                throw alreadyAHub(identity, directory: directory)
            }
            return [DecidedBatch(events: [event])]
        }
    }

    /// Whether `store` is a hub: whether its log holds a `$hub.initialized` event.
    public static func isHub(_ store: FileEventStore) async throws -> Bool {
        let options = ReadOptions(limit: 1)
        for try await _ in store.readIncludingHidden(try HubEvent.initializedQuery(), options: options) {
            return true
        }
        return false
    }

    /// The error for a store that is a hub already.
    static func alreadyAHub(_ identity: StoreIdentity, directory: String) -> SyncError {
        SyncError(
            .alreadyAHub,
            "store \(identity.name.debugDescription) (\(identity.storeId.uuidString)) is already a hub",
            path: directory
        )
    }
}
