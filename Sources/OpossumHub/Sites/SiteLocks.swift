import Foundation

/// One lock per site, so that a site's pushes are judged one at a time, in the order
/// they ask, while other sites' pushes go on.
///
/// A resent push that races its original waits for it and then finds its batches
/// judged (and answered as duplicates), instead of both being judged side by side.
actor SiteLocks {
    /// For each locked site, the tasks waiting for it, first come first served.
    private var waiting: [UUID: [CheckedContinuation<Void, Never>]] = [:]

    /// Runs `body` holding `site`'s lock.
    nonisolated func withLock<Value: Sendable>(
        for site: UUID,
        _ body: () async throws -> Value
    ) async throws -> Value {
        await lock(site)
        do {
            let value = try await body()
            await unlock(site)
            return value
        } catch {
            await unlock(site)
            throw error
        }
    }

    private func lock(_ site: UUID) async {
        guard waiting[site] != nil else {
            waiting[site] = []
            return
        }
        await withCheckedContinuation { waiting[site, default: []].append($0) }
    }

    private func unlock(_ site: UUID) {
        guard var queue = waiting[site], !queue.isEmpty else {
            waiting[site] = nil
            return
        }
        let next = queue.removeFirst()
        waiting[site] = queue
        next.resume()
    }
}
