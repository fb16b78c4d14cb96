import Foundation
import Testing

/// `opossum identity` and the signing key `opossum init` makes.
@Suite("identity command")
struct IdentityCommandTests {
    @Test func printsTheStoresIdNameAndAStablePublicKey() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory, name: "laptop-17")
            let storeJSON = try TestStore.object(
                String(decoding: try Data(contentsOf: URL(fileURLWithPath: store.path + "/store.json")), as: UTF8.self)
                    .replacingOccurrences(of: "\n", with: "")
            )
            let first = try await store.run(["identity"])
            let second = try await store.run(["identity"])
            try #require(first.exitCode == 0, "\(first)")
            #expect(first.stdout == second.stdout)
            let identity = try TestStore.object(first.stdoutLines.joined())
            #expect(identity["name"] as? String == "laptop-17")
            #expect(identity["storeId"] as? String == storeJSON["storeId"] as? String)
            let key = try #require(Data(base64Encoded: identity["publicKey"] as? String ?? ""))
            #expect(key.count == 32)
        }
    }

    @Test func initKeepsThePrivateKeyReadableByItsOwnerOnly() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            let attributes = try FileManager.default.attributesOfItem(atPath: store.path + "/Sync/identity.key")
            #expect(attributes[.posixPermissions] as? Int == 0o600)
        }
    }

    @Test func aMissingStoreIsOneClearLine() async throws {
        try await TemporaryDirectory.with { directory in
            let result = try await OpossumCLI.run(["identity", "--store", directory.appending("nothing-here")])
            #expect(result.exitCode == 1)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.hasPrefix("opossum: "))
        }
    }
}
