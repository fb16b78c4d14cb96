public import Foundation

/// Who a store is: the contents of its `store.json`.
public struct StoreIdentity: Hashable, Sendable, Codable {
    /// The on-disk format version the store was written with.
    public var formatVersion: Int
    /// The store's identity, made when it is created; a re-created store is a new store.
    public var storeId: UUID
    /// A name for people, such as the laptop's or the site's name.
    public var name: String
    /// When the store was created.
    public var createdAt: Date

    /// The format version this build of Opossum writes and reads.
    public static let currentFormatVersion = 1

    /// Creates an identity.
    public init(formatVersion: Int = StoreIdentity.currentFormatVersion, storeId: UUID, name: String, createdAt: Date) {
        self.formatVersion = formatVersion
        self.storeId = storeId
        self.name = name
        self.createdAt = createdAt
    }
}
