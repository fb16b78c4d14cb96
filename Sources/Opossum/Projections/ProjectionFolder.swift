import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The files of one projection, under `<store>/Projections/<encoded name>/`:
///
/// ```
/// .lock                      flock held by the one runner that maintains the projection
/// current.json               {"generation":3,"name":"…","version":2}: which generation reads use
/// generation-0000000003/     the live state: snapshot.jsonl + journal.jsonl
/// generation-0000000004/     a rebuild in progress (a generation above the current one)
/// ```
///
/// Swapping a rebuilt generation in is one atomic rename of `current.json`, so the
/// lock file and the folder stay put and readers never meet a moment without state.
struct ProjectionFolder: Sendable {
    /// The projection's name, as the definition gives it.
    let name: String
    /// `<store>/Projections/<encoded name>`.
    let path: String

    init(storeRoot: String, name: String) {
        self.name = name
        self.path = storeRoot + "/Projections/" + Self.encode(name)
    }

    var projectionsDirectory: String { String(path[..<path.lastIndex(of: "/")!]) }
    var lockFile: String { path + "/.lock" }
    var currentFile: String { path + "/current.json" }

    func generationPath(_ generation: Int) -> String {
        let digits = String(generation)
        return path + "/generation-" + String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }

    /// The generation numbers of the folders present, ascending.
    func generations() throws(EventStoreError) -> [Int] {
        try SystemCall.listDirectory(path).compactMap { name in
            name.hasPrefix("generation-") ? Int(name.dropFirst("generation-".count)) : nil
        }.sorted()
    }

    /// The folder name for a projection name: collision-free and safe on
    /// case-insensitive file systems (DESIGN §5).
    ///
    /// Lowercase ASCII letters, digits, `-` and `_` are kept; every other byte,
    /// uppercase letters included, becomes `%XX`. The result is injective (it decodes
    /// uniquely) and never `.`, `..` or hidden. A name whose encoding would be long is
    /// cut and followed by `~` and a 64-bit FNV-1a hash of its bytes; `~` never
    /// appears in a plain encoding, so the two forms cannot meet.
    static func encode(_ name: String) -> String {
        var encoded = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                encoded.unicodeScalars.append("%")
                encoded.unicodeScalars.append(hex[Int(byte >> 4)])
                encoded.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        if encoded.isEmpty { return "%" }
        guard encoded.utf8.count > 120 else { return encoded }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(encoded.prefix(100)) + "~" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// What `current.json` says: the generation reads use, and the definition version it was built by.
struct CurrentGeneration: Codable, Hashable, Sendable {
    var generation: Int
    var name: String
    var version: Int
}

extension ProjectionFolder {
    /// The current generation, or `nil` if the projection was never built.
    func readCurrent() throws(EventStoreError) -> CurrentGeneration? {
        guard SystemCall.exists(currentFile) else { return nil }
        let bytes = try OpenFile.readAll(currentFile)
        do {
            return try JSONLines.decoder.decode(CurrentGeneration.self, from: Data(bytes))
        } catch {
            throw EventStoreError(.corrupted, "the projection's current.json is malformed: \(error)", path: currentFile)
        }
    }

    /// Makes `current` the generation reads use, atomically (temp file, rename, directory flush).
    func writeCurrent(_ current: CurrentGeneration, durable: Bool) throws(EventStoreError) {
        let bytes: [UInt8]
        do {
            bytes = Array(try JSONLines.encoder.encode(current)) + [UInt8(ascii: "\n")]
        } catch {
            throw EventStoreError(.io, "encoding current.json failed: \(error)", path: currentFile)
        }
        try OpenFile.writeAtomically(bytes, to: currentFile, directory: path, durable: durable)
    }

    /// Takes the projection's lock without waiting: `nil` when another runner (in
    /// this process or another) holds it. The lock lasts as long as the returned file is open.
    func tryLock() throws(EventStoreError) -> OpenFile? {
        try SystemCall.makeDirectories(path)
        return try OpenFile.tryLocking(lockFile)
    }

    /// Removes a generation folder and its files.
    func removeGeneration(_ generation: Int) throws(EventStoreError) {
        let directory = generationPath(generation)
        guard SystemCall.exists(directory) else { return }
        for name in try SystemCall.listDirectory(directory) {
            try SystemCall.removeFile(directory + "/" + name)
        }
        try SystemCall.removeDirectory(directory)
    }

    /// Removes what a crash may leave behind: temporary files of interrupted atomic
    /// writes, and generations older than `current`. Only the lock holder calls this.
    func removeLeftovers(current: Int?, durable: Bool) throws(EventStoreError) {
        for name in try SystemCall.listDirectory(path) where name.hasSuffix(".tmp") {
            try SystemCall.removeFile(path + "/" + name)
        }
        for generation in try generations() {
            if let current, generation < current {
                try removeGeneration(generation)
                continue
            }
            let directory = generationPath(generation)
            for name in try SystemCall.listDirectory(directory) where name.hasSuffix(".tmp") {
                try SystemCall.removeFile(directory + "/" + name)
            }
        }
        if durable { try SystemCall.fsyncDirectory(path) }
    }
}
