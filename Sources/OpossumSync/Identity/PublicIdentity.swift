public import Foundation

/// What a store shows of itself to its peers: who it is and the key that checks
/// its signatures. `opossum identity` prints it; the hub registers it at enrolment.
public struct PublicIdentity: Codable, Hashable, Sendable {
    /// The store's id, new for every store ever created.
    public var storeId: UUID
    /// The store's human-readable name, such as the laptop's.
    public var name: String
    /// The store's Ed25519 public key, 32 bytes, base64-encoded.
    public var publicKey: String

    /// Creates a public identity.
    public init(storeId: UUID, name: String, publicKey: String) {
        self.storeId = storeId
        self.name = name
        self.publicKey = publicKey
    }
}
