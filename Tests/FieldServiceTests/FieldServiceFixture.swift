import FieldService
import Foundation
import Opossum
import Testing

/// The store's tag, not Swift Testing's `Tag`.
typealias Tag = Opossum.Tag

/// Runs `body` with a desk over a new store in a fresh temporary directory, removed afterwards.
///
/// The store does not flush (the rules, not durability, are under test) and the desk
/// uses a manual clock, so recorded times are exact and retry waits take no time.
func withDesk(
    retry: RetryPolicy = RetryPolicy(maxAttempts: 64, initialDelay: .milliseconds(1), maxDelay: .milliseconds(20)),
    _ body: (FieldServiceDesk<FileEventStore>, ManualDecisionClock) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("FieldServiceTests-\(UUID().uuidString)", isDirectory: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try await FileEventStore.create(
        at: directory.path,
        name: "depot-north",
        options: FileEventStore.Options(durability: .none)
    )
    let clock = ManualDecisionClock(now: Date(timeIntervalSince1970: 1_750_000_000))
    do {
        try await body(FieldServiceDesk(store: store, retry: retry, clock: clock), clock)
        await store.close()
    } catch {
        await store.close()
        throw error
    }
}

/// Runs `body`, expecting a ``FieldServiceError`` with `code`, and returns it.
@discardableResult
func expectRefusal<Result>(
    _ code: FieldServiceError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Result
) async -> FieldServiceError? {
    let error = await #expect(throws: FieldServiceError.self, sourceLocation: sourceLocation) {
        _ = try await body()
    }
    #expect(error?.code == code, "wrong code: \(String(describing: error))", sourceLocation: sourceLocation)
    return error
}
