import ArgumentParser
import Foundation
import Opossum

/// The `--store` option every command shares: which store directory to work on.
///
/// When `--store` is not given, the directory comes from the `OPOSSUM_STORE`
/// environment variable, so a shell session can name its store once.
struct StoreOptions: ParsableArguments {
    /// The environment variable read when `--store` is absent.
    static let environmentVariable = "OPOSSUM_STORE"

    @Option(
        name: .customLong("store"),
        help: ArgumentHelp(
            "The store's directory (default: $\(environmentVariable)).",
            valueName: "dir"
        )
    )
    var store: String?

    /// The store directory from `--store` or the environment; checked non-empty by `validate()`.
    var directory: String {
        store ?? ProcessInfo.processInfo.environment[Self.environmentVariable] ?? ""
    }

    func validate() throws {
        guard !directory.isEmpty else {
            throw ValidationError("no store given: pass --store DIR or set \(Self.environmentVariable)")
        }
    }

    /// Opens the store, runs `body` with it, and closes it again whether `body` succeeds or throws.
    ///
    /// Closing before the process exits matters: it writes the index checkpoint that
    /// keeps the next open fast.
    func withStore<Value>(_ body: (FileEventStore) async throws -> Value) async throws -> Value {
        let store = try await FileEventStore.open(at: directory)
        let result: Value
        do {
            result = try await body(store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        return result
    }
}
