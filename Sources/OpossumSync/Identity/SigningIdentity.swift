import Crypto
import Foundation
public import Opossum

/// A store's Ed25519 signing key, with which it signs every bundle it writes.
///
/// The private key lives in `Sync/identity.key` inside the store, readable by its
/// owner only; it is made once, the first time the store needs it (`opossum init`
/// makes it right away), and never leaves the machine. Copying a store directory
/// copies its identity; a reimaged laptop gets a new store and a new key.
public struct SigningIdentity: Sendable {
    /// The store's id and name, and the public half of the key.
    public let identity: PublicIdentity
    private let privateKey: Curve25519.Signing.PrivateKey

    /// The file that holds the private key, in `directory`.
    static func keyPath(in directory: String) -> String {
        directory + "/Sync/identity.key"
    }

    /// Loads the signing identity of the store in `directory`, making the key if the
    /// store has none yet.
    ///
    /// - Throws: ``SyncError`` with code ``SyncError/Code/identity`` if the key file
    ///   exists but is damaged; ``SyncError/Code/io`` if it cannot be written.
    public static func loadOrCreate(for store: FileEventStore) async throws -> SigningIdentity {
        let directory = store.directory
        let identity = store.identity
        return try await IOThreadPool.shared.run {
            try loadOrCreate(directory: directory, storeId: identity.storeId, name: identity.name)
        }
    }

    /// Loads or makes the key of the store in `directory`; blocking.
    static func loadOrCreate(directory: String, storeId: UUID, name: String) throws -> SigningIdentity {
        let path = keyPath(in: directory)
        let key: Curve25519.Signing.PrivateKey
        if SystemCall.exists(path) {
            key = try readKey(at: path)
        } else {
            key = Curve25519.Signing.PrivateKey()
            try writeKey(key, to: path, store: directory)
        }
        return SigningIdentity(
            identity: PublicIdentity(
                storeId: storeId,
                name: name,
                publicKey: key.publicKey.rawRepresentation.base64EncodedString()
            ),
            privateKey: key
        )
    }

    /// Signs `message`.
    func signature(for message: [UInt8]) throws -> Data {
        try privateKey.signature(for: message)
    }

    private static func readKey(at path: String) throws -> Curve25519.Signing.PrivateKey {
        let text: [UInt8]
        do {
            text = try OpenFile.readAll(path)
        } catch {
            throw SyncError(.io, "cannot read the store's signing key: \(error.message)", path: path)
        }
        let trimmed = String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Data(base64Encoded: trimmed),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else {
            throw SyncError(.identity, "the store's signing key is damaged; its bundles cannot be signed", path: path)
        }
        return key
    }

    private static func writeKey(_ key: Curve25519.Signing.PrivateKey, to path: String, store: String) throws {
        let directory = store + "/Sync"
        let text = Array((key.rawRepresentation.base64EncodedString() + "\n").utf8)
        do {
            try SystemCall.makeDirectories(directory)
            try OpenFile.writeAtomically(text, to: path, directory: directory, permissions: 0o600)
        } catch {
            throw SyncError(.io, "cannot save the store's signing key: \(error.message)", path: path)
        }
    }
}

extension PublicIdentity {
    /// Whether `signature` is this store's signature of `message`.
    func isValidSignature(_ signature: Data, for message: [UInt8]) -> Bool {
        guard let raw = Data(base64Encoded: publicKey),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { return false }
        return key.isValidSignature(signature, for: message)
    }
}
