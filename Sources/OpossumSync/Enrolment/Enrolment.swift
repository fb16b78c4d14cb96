public import Foundation
public import Opossum

/// What a site keeps of its enrolment with a hub: who the hub is, where to reach it
/// and the bearer token that proves the site's identity to it.
///
/// The hub's administrator makes it with `opossum hub add-site` (which prints
/// ``fileContents()``); `opossum join` stores it at the site in
/// `Sync/enrolment.json`, readable by the store's owner only, since the token is a
/// secret. The hub's public key in it is how the site checks the hub's bundles.
public struct Enrolment: Codable, Hashable, Sendable {
    /// The hub's store id, name and signing key.
    public var hub: PublicIdentity
    /// The URL to sync with, or `nil` if the site exchanges bundle files only.
    public var hubURL: String?
    /// The store this enrolment is for.
    public var siteStoreId: UUID
    /// The site's bearer token, sent to the hub with every request.
    public var token: String
    /// When the hub enrolled the site.
    public var enrolledAt: Date

    /// Creates an enrolment.
    public init(hub: PublicIdentity, hubURL: String?, siteStoreId: UUID, token: String, enrolledAt: Date) {
        self.hub = hub
        self.hubURL = hubURL
        self.siteStoreId = siteStoreId
        self.token = token
        self.enrolledAt = enrolledAt
    }

    /// The enrolment to hand to `site`, which `hub` enrolled with `token`.
    public init(site: EnrolledSite, token: String, hub: PublicIdentity) {
        self.init(
            hub: hub,
            hubURL: site.hubURL,
            siteStoreId: site.storeId,
            token: token,
            enrolledAt: site.enrolledAt
        )
    }

    /// Decodes an enrolment file; `source` names it in errors.
    ///
    /// - Throws: ``SyncError`` with code ``SyncError/Code/invalidEnrolment`` if the
    ///   bytes are not an enrolment.
    public init(fileContents: Data, source: String) throws {
        do {
            self = try SyncRecords.decoder().decode(Enrolment.self, from: fileContents)
        } catch {
            throw SyncError(.invalidEnrolment, "\(source) is not an Opossum enrolment file: \(error)")
        }
    }

    /// The enrolment file: pretty-printed JSON with sorted keys and a final newline.
    public func fileContents() throws -> Data {
        let encoder = SyncRecords.encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// The enrolment file of the store in `directory`.
    static func path(in directory: String) -> String {
        directory + "/Sync/enrolment.json"
    }

    /// The enrolment `store` keeps, or `nil` if it has not joined a hub.
    ///
    /// - Throws: ``SyncError`` with code ``SyncError/Code/io`` if the file cannot be
    ///   read, ``SyncError/Code/invalidEnrolment`` if it is damaged.
    public static func load(for store: FileEventStore) async throws -> Enrolment? {
        let path = path(in: store.directory)
        let contents = try await IOThreadPool.shared.run { () throws -> [UInt8]? in
            guard SystemCall.exists(path) else { return nil }
            do throws(EventStoreError) {
                return try OpenFile.readAll(path)
            } catch {
                throw SyncError(.io, "cannot read the store's enrolment: \(error.message)", path: path)
            }
        }
        guard let contents else { return nil }
        return try Enrolment(fileContents: Data(contents), source: path)
    }

    /// Stores this enrolment in `store`, so that it syncs with the hub it names.
    ///
    /// Saving an enrolment with the same hub again replaces the old one (a new token,
    /// a new URL); moving to another hub must be asked for with `replacing`.
    ///
    /// - Throws: ``SyncError`` with code ``SyncError/Code/invalidEnrolment`` if the
    ///   enrolment is for another store or names this store as its hub,
    ///   ``SyncError/Code/alreadyAHub`` if `store` is a hub,
    ///   ``SyncError/Code/alreadyJoined`` if it has joined another hub and `replacing`
    ///   is false, ``SyncError/Code/io`` if the file cannot be written.
    public func save(for store: FileEventStore, replacing: Bool = false) async throws {
        let identity = store.identity
        let this = "store \(identity.name.debugDescription) (\(identity.storeId.uuidString))"
        guard siteStoreId == identity.storeId else {
            throw SyncError(
                .invalidEnrolment,
                "this enrolment is for store \(siteStoreId.uuidString), not this one (\(identity.storeId.uuidString))",
                path: store.directory
            )
        }
        guard hub.storeId != identity.storeId else {
            throw SyncError(.invalidEnrolment, "this enrolment names \(this) as its own hub", path: store.directory)
        }
        guard !token.isEmpty, let key = Data(base64Encoded: hub.publicKey), key.count == 32 else {
            throw SyncError(.invalidEnrolment, "this enrolment has no token or no valid hub key", path: store.directory)
        }
        if try await HubRole.isHub(store) {
            throw SyncError(.alreadyAHub, "\(this) is a hub; a hub cannot join another hub", path: store.directory)
        }
        if let current = try await Enrolment.load(for: store), current.hub.storeId != hub.storeId, !replacing {
            throw SyncError(
                .alreadyJoined,
                "\(this) has already joined hub \(current.hub.name.debugDescription) "
                    + "(\(current.hub.storeId.uuidString)); to move it to hub \(hub.name.debugDescription) "
                    + "(\(hub.storeId.uuidString)) replace that enrolment explicitly (`opossum join --replace`)",
                path: store.directory
            )
        }
        let bytes = Array(try fileContents())
        let directory = store.directory + "/Sync"
        let path = Enrolment.path(in: store.directory)
        try await IOThreadPool.shared.run {
            do throws(EventStoreError) {
                try SystemCall.makeDirectories(directory)
                try OpenFile.writeAtomically(bytes, to: path, directory: directory, permissions: 0o600)
            } catch {
                throw SyncError(.io, "cannot save the store's enrolment: \(error.message)", path: path)
            }
        }
    }
}
