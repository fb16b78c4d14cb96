import Foundation

/// The folder one benchmark run keeps its stores and files in: a new folder of its own
/// inside the data directory (on the disk being measured), removed when the run ends.
///
/// Only that folder is ever removed, never the data directory itself unless it is left
/// empty, so a mistaken `--data-dir` cannot cost anything but disk space.
struct BenchDirectory: Sendable {
    /// The data directory the run's folder is in.
    let parent: String
    /// The run's own folder.
    let root: String

    /// Makes a new folder for this run inside `dataDirectory` (made if missing).
    init(dataDirectory: String) throws {
        let absolute =
            dataDirectory.hasPrefix("/")
            ? dataDirectory : FileManager.default.currentDirectoryPath + "/" + dataDirectory
        parent = URL(fileURLWithPath: absolute).standardizedFileURL.path
        root = parent + "/run-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// The path of `name` in the run's folder, with nothing there yet: whatever was there
    /// is removed.
    func fresh(_ name: String) throws -> String {
        let path = root + "/" + name
        if FileManager.default.fileExists(atPath: path) {
            try FileManager.default.removeItem(atPath: path)
        }
        return path
    }

    /// Removes the run's folder, and the data directory if that leaves it empty.
    func removeAll() {
        try? FileManager.default.removeItem(atPath: root)
        rmdir(parent)
    }
}
