import Foundation
import Opossum
import OpossumTestSupport

@testable import OpossumSync

/// A directory of one test's own, removed afterwards.
func withTemporaryDirectory(_ body: (String) async throws -> Void) async throws {
    try await withScratchDirectory("OpossumSyncTests", body)
}

/// Creates a store named `name` under `directory` and returns it with its signing identity.
func makeStore(_ name: String, in directory: String) async throws -> (FileEventStore, SigningIdentity) {
    let store = try await FileEventStore.create(
        at: directory + "/" + name,
        name: name,
        options: FileEventStore.Options(durability: .none)
    )
    return (store, try await SigningIdentity.loadOrCreate(for: store))
}
