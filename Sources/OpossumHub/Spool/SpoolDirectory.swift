import Foundation
import Hummingbird
import NIOCore
import Opossum

/// The directory where push bodies are received and pull bundles written, each in a
/// file of its own that is removed when its request is done.
///
/// All file work runs on Opossum's I/O threads, never on the cooperative pool, and
/// bodies move through it about a megabyte at a time: a bundle of any size is
/// never held in memory whole.
struct SpoolDirectory: Sendable {
    /// The directory.
    let path: String
    /// How many bytes are gathered before each write, and read for each send.
    static let chunkSize = 1 << 20

    /// The spool directory at `path`, made if missing, and emptied of the bundles a
    /// server that stopped abruptly left there (their requests failed, and their sites
    /// send them again).
    static func make(_ path: String) async throws -> SpoolDirectory {
        do {
            try await IOThreadPool.shared.run {
                try SystemCall.makeDirectories(path)
                for name in try SystemCall.listDirectory(path) where name.hasSuffix(".bundle") {
                    try SystemCall.removeFile(path + "/" + name)
                }
            }
        } catch let error as EventStoreError {
            throw HubServerError(.io, "cannot make the spool directory \(path): \(error.message)")
        }
        return SpoolDirectory(path: path)
    }

    /// A fresh file name in the directory, for a `kind` of bundle ("push", "pull").
    func newFile(_ kind: String) -> String {
        path + "/\(kind)-\(UUID().uuidString).bundle"
    }

    /// Writes `body` to a new file at `file`, returning its size.
    ///
    /// - Throws: ``HubHTTPError/tooLarge(limit:)`` as soon as the body is over `limit`
    ///   bytes, without reading the rest; the file is left for the caller to remove.
    func receive(_ body: RequestBody, into file: String, limit: Int) async throws -> Int {
        let output = try await IOThreadPool.shared.run { try OpenFile.creating(file, permissions: 0o600) }
        var pending: [UInt8] = []
        pending.reserveCapacity(Self.chunkSize)
        var written: UInt64 = 0
        var total = 0
        for try await buffer in body {
            total += buffer.readableBytes
            guard total <= limit else { throw HubHTTPError.tooLarge(limit: limit) }
            pending.append(contentsOf: buffer.readableBytesView)
            if pending.count >= Self.chunkSize {
                try await write(pending, to: output, at: written)
                written += UInt64(pending.count)
                pending.removeAll(keepingCapacity: true)
            }
        }
        if !pending.isEmpty {
            try await write(pending, to: output, at: written)
        }
        return total
    }

    /// Opens `file` for sending and removes its name at once: the open file stays
    /// readable and is freed when the last reference to it goes, however the response
    /// ends (finished, or the client gone).
    func openForSending(_ file: String) async throws -> (OpenFile, size: UInt64) {
        try await IOThreadPool.shared.run {
            let input = try OpenFile.reading(file)
            try SystemCall.removeFile(file)
            return (input, try input.size())
        }
    }

    /// The body that sends `file`, read a chunk at a time; `onSent` gets its size
    /// once it is all written.
    static func responseBody(
        sending file: OpenFile,
        size: UInt64,
        onSent: @escaping @Sendable (UInt64) -> Void
    ) -> ResponseBody {
        ResponseBody(contentLength: Int(size)) { writer in
            var offset: UInt64 = 0
            while offset < size {
                let count = Int(min(UInt64(chunkSize), size - offset))
                let start = offset
                let bytes = try await IOThreadPool.shared.run { try file.read(count: count, at: start) }
                guard !bytes.isEmpty else {
                    throw HubHTTPError.internalError("the pull bundle \(file.path) ended early, at byte \(offset)")
                }
                try await writer.write(ByteBuffer(bytes: bytes))
                offset += UInt64(bytes.count)
            }
            try await writer.finish(nil)
            onSent(size)
        }
    }

    /// Removes `file` if it is there.
    func remove(_ file: String) async {
        _ = try? await IOThreadPool.shared.run {
            if SystemCall.exists(file) { try SystemCall.removeFile(file) }
        }
    }

    private func write(_ bytes: [UInt8], to file: OpenFile, at offset: UInt64) async throws {
        try await IOThreadPool.shared.run { try file.write(bytes, at: offset) }
    }
}
