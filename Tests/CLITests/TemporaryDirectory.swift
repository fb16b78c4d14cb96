import Foundation

/// A fresh directory for one test, removed when the test is done.
struct TemporaryDirectory: Sendable {
    /// The directory's path.
    let path: String

    /// Creates a new, empty directory under the system's temporary directory.
    init() throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("opossum-cli-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    func appending(_ name: String) -> String {
        path + "/" + name
    }

    /// Runs `body` with a new temporary directory and removes the directory afterwards.
    static func with<T>(_ body: (TemporaryDirectory) async throws -> T) async throws -> T {
        let directory = try TemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        return try await body(directory)
    }
}
