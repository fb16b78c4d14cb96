import Foundation

/// Runs `body` with a fresh directory of its own under the system's temporary
/// directory, named after `label`, and removes it afterwards, also when `body` throws.
public func withScratchDirectory<Result>(
    _ label: String,
    _ body: (String) async throws -> Result
) async throws -> Result {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true).path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}
