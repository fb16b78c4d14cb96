import Foundation
import Opossum

/// Where a sync agent keeps the bundles in flight: `Sync/transfer/` in the store's
/// directory, on the same disk as the store so a pulled bundle never fills another.
///
/// Bundles there live only for one exchange; whatever an interrupted sync left is
/// removed by the next one, which holds the sync lock.
struct SyncWorkspace: Sendable {
    /// The directory.
    let path: String

    /// The workspace of `store`.
    init(store: FileEventStore) {
        path = store.directory + "/Sync/transfer"
    }

    /// A fresh path for a bundle, `kind` naming it ("push", "pull").
    func newBundlePath(_ kind: String) async throws -> String {
        let path = self.path
        try await IOThreadPool.shared.run {
            do throws(EventStoreError) {
                try SystemCall.makeDirectories(path)
            } catch {
                throw SyncError(.io, "cannot make the sync workspace: \(error.message)", path: path)
            }
        }
        return path + "/\(kind)-\(UUID().uuidString).bundle"
    }

    /// Removes the bundle at `file`, if it is there.
    func remove(_ file: String) async throws {
        try await IOThreadPool.shared.run {
            do throws(EventStoreError) {
                if SystemCall.exists(file) { try SystemCall.removeFile(file) }
            } catch {
                throw SyncError(.io, "cannot remove a finished bundle: \(error.message)", path: file)
            }
        }
    }

    /// Removes every bundle an interrupted sync left behind.
    func clear() async throws {
        let path = self.path
        try await IOThreadPool.shared.run {
            do throws(EventStoreError) {
                guard SystemCall.exists(path) else { return }
                for name in try SystemCall.listDirectory(path) {
                    try SystemCall.removeFile(path + "/" + name)
                }
            } catch {
                throw SyncError(.io, "cannot clear the sync workspace: \(error.message)", path: path)
            }
        }
    }
}
