import Foundation
import Opossum

/// A directory of one test's own under the system's temporary directory.
///
/// Every test that touches the disk makes one and removes it when done (the habit
/// of GRDB's `GRDBTestCase`), so tests can run in parallel and leave nothing behind.
/// The store lives a few levels below the root, so a test can check that nothing
/// was written next to or above the store directory.
struct TemporaryDirectory: Sendable {
    /// The directory itself; everything a test writes stays below it.
    let root: URL

    /// Makes a fresh directory holding only the (empty) parent of ``storePath``.
    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("OpossumTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent(Self.storeParent, isDirectory: true),
            withIntermediateDirectories: true
        )
    }

    private static let storeParent = "stores/site"

    /// The path of the test's root directory.
    var path: String { root.path }

    /// Where a test's store goes: nested, so an escaping path would show up in ``root``.
    var storePath: String { path(of: Self.storeParent + "/store") }

    /// The path of `relativePath` below the root.
    func path(of relativePath: String) -> String {
        root.appendingPathComponent(relativePath).path
    }

    /// Every file and directory below the root, as paths relative to it, sorted.
    func contents() throws -> [String] {
        try Self.contents(of: path)
    }

    /// Every file and directory below `directory`, as paths relative to it, sorted.
    static func contents(of directory: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: directory])
        }
        var paths: [String] = []
        while let relative = enumerator.nextObject() as? String {
            paths.append(relative)
        }
        return paths.sorted()
    }

    /// Removes the directory and everything in it.
    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}

/// Runs `body` with a fresh temporary directory and removes the directory afterwards.
func withTemporaryDirectory(
    _ body: (TemporaryDirectory) async throws -> Void
) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try await body(directory)
}

extension FileEventStore.Options {
    /// Options for tests that do not test durability: no flush, so the suite stays fast.
    static let testing = FileEventStore.Options(durability: .none)
}

/// Runs `body` with a new, empty store in a fresh temporary directory; closes the
/// store and removes the directory afterwards, also when `body` throws.
func withStoreAndDirectory(
    options: FileEventStore.Options = .testing,
    _ body: (FileEventStore, TemporaryDirectory) async throws -> Void
) async throws {
    try await withTemporaryDirectory { directory in
        let store = try await FileEventStore.create(at: directory.storePath, name: "test-site", options: options)
        do {
            try await body(store, directory)
            await store.close()
        } catch {
            await store.close()
            throw error
        }
    }
}

/// Runs `body` with a new, empty store; see ``withStoreAndDirectory(options:_:)``.
func withStore(
    options: FileEventStore.Options = .testing,
    _ body: (FileEventStore) async throws -> Void
) async throws {
    try await withStoreAndDirectory(options: options) { store, _ in try await body(store) }
}

/// Opens the store in `directory` again, runs `body`, and closes it.
func withReopenedStore(
    in directory: TemporaryDirectory,
    options: FileEventStore.Options = .testing,
    _ body: (FileEventStore) async throws -> Void
) async throws {
    let store = try await FileEventStore.open(at: directory.storePath, options: options)
    do {
        try await body(store)
        await store.close()
    } catch {
        await store.close()
        throw error
    }
}
