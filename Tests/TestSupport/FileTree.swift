import Foundation
package import Opossum

/// A directory's files and subdirectories, in memory: where a crash state is built
/// by replaying recorded changes, before it is written out to be opened.
///
/// Paths are relative to the directory (`""` is the directory itself). A change to
/// a file whose directory entry does not exist in the state is dropped: its inode
/// may have reached the disk, but nothing can find it after the power cut.
package struct FileTree: Hashable {
    package var files: [String: [UInt8]] = [:]
    package var directories: Set<String> = [""]

    package init() {}

    /// The tree below `root` as it is on disk now.
    package static func read(_ root: String) throws -> FileTree {
        var tree = FileTree()
        guard let enumerator = FileManager.default.enumerator(atPath: root) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: root])
        }
        while let relative = enumerator.nextObject() as? String {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                tree.directories.insert(relative)
            } else {
                tree.files[relative] = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            }
        }
        return tree
    }

    /// The directory holding `path`.
    package static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// Applies one recorded change.
    package mutating func apply(_ operation: IOSeam.Operation) {
        switch operation {
        case .write(let path, let offset, let bytes):
            guard files[path] != nil else { return }
            Self.write(bytes, at: Int(offset), into: &files[path]!)
        case .truncate(let path, let length):
            guard files[path] != nil else { return }
            Self.resize(&files[path]!, to: Int(length))
        case .create(let path):
            guard directories.contains(Self.parent(path)), files[path] == nil else { return }
            files[path] = []
        case .rename(let from, let to):
            guard let content = files[from], directories.contains(Self.parent(to)) else { return }
            files[from] = nil
            files[to] = content
        case .remove(let path):
            files[path] = nil
        case .makeDirectory(let path):
            guard directories.contains(Self.parent(path)) else { return }
            directories.insert(path)
        case .removeDirectory(let path):
            let prefix = path + "/"
            guard !files.keys.contains(where: { $0.hasPrefix(prefix) }),
                !directories.contains(where: { $0.hasPrefix(prefix) })
            else { return }
            directories.remove(path)
        case .sync:
            return
        }
    }

    /// Writes `bytes` over `content` at `offset`, growing it with zeros as a file grows.
    ///
    /// In place and with `memcpy`: states are built from thousands of changes, and the
    /// segments' zeros written ahead make for large ones.
    private static func write(_ bytes: [UInt8], at offset: Int, into content: inout [UInt8]) {
        if content.count < offset + bytes.count { resize(&content, to: offset + bytes.count) }
        content.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                guard let base = source.baseAddress else { return }
                (target.baseAddress! + offset).copyMemory(from: base, byteCount: source.count)
            }
        }
    }

    /// Cuts `content` to `count` bytes or extends it with zeros, as `ftruncate` does.
    private static func resize(_ content: inout [UInt8], to count: Int) {
        if content.count >= count {
            content.removeSubrange(count...)
            return
        }
        content = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            content.withUnsafeBytes { old in
                if let base = old.baseAddress { raw.baseAddress!.copyMemory(from: base, byteCount: old.count) }
            }
            memset(raw.baseAddress! + content.count, 0, count - content.count)
            initialized = count
        }
    }

    /// Writes the tree out as a new directory at `root`.
    package func write(to root: String) throws {
        for directory in directories.sorted() {
            try FileManager.default.createDirectory(
                atPath: directory.isEmpty ? root : root + "/" + directory,
                withIntermediateDirectories: true
            )
        }
        for (path, content) in files {
            try Data(content).write(to: URL(fileURLWithPath: root + "/" + path))
        }
    }
}
