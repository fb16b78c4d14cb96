import Crypto
import Foundation
import Opossum

/// Writes a bundle file: the header line, body lines, and a signed trailer.
///
/// The bundle is written to a temporary file next to its destination and renamed
/// into place only once complete and flushed, so a reader never finds half a
/// bundle under the final name. Memory stays constant: lines are hashed and
/// written through a fixed buffer. Blocking: call it from an I/O thread.
public final class BundleWriter: @unchecked Sendable {
    private static let bufferCapacity = 256 << 10

    /// Where the bundle goes once finished.
    public let path: String
    private let temporaryPath: String
    private let file: OpenFile
    private let signer: SigningIdentity
    private var hasher = SHA256()
    private var buffer: [UInt8] = []
    private var offset: UInt64 = 0
    private var lines: UInt64 = 0
    private var isFinished = false

    /// Whether the finished bundle is gzip-compressed (see `Gzip`).
    public let isCompressed: Bool
    /// Whether the bundle is flushed to disk before it is renamed into place.
    public let isDurable: Bool

    /// Starts a bundle at `path` with `header`, to be signed by `signer`, and
    /// compressed with gzip when `compressed`.
    ///
    /// A bundle meant to outlive a power cut (one on its way to a USB stick) is
    /// `durable`; one sent over HTTP and deleted right after need not be, and skips the
    /// flush: if it is lost, the sync that needs it makes it again.
    public init(
        path: String,
        header: BundleHeader,
        signer: SigningIdentity,
        compressed: Bool = false,
        durable: Bool = true
    ) throws {
        self.path = path
        self.signer = signer
        self.isCompressed = compressed
        self.isDurable = durable
        self.temporaryPath =
            path + ".\(ProcessInfo.processInfo.processIdentifier).\(UUID().uuidString.prefix(8)).partial"
        do {
            self.file = try OpenFile.creating(temporaryPath)
        } catch {
            throw SyncError(.io, "cannot start the bundle: \(error.message)", path: path)
        }
        buffer.reserveCapacity(Self.bufferCapacity)
        try append(header.encodedLine())
    }

    deinit {
        if !isFinished {
            try? SystemCall.removeFile(temporaryPath)
            try? SystemCall.removeFile(temporaryPath + ".gz")
        }
    }

    /// Adds one body line: a JSON value without newlines.
    public func writeLine(_ line: [UInt8]) throws {
        let hasNewline = line.withUnsafeBytes { bytes in
            bytes.baseAddress.map { memchr($0, 0x0A, bytes.count) != nil } ?? false
        }
        guard !hasNewline else {
            throw SyncError(.malformed, "a bundle line cannot hold a newline", path: path)
        }
        try append(line)
    }

    /// Signs and flushes the bundle and moves it to ``path``.
    ///
    /// - Returns: The bundle's size in bytes.
    @discardableResult
    public func finish() throws -> UInt64 {
        try flushBuffer()
        let trailer = try BundleTrailer.signed(digest: Array(hasher.finalize()), lines: lines, by: signer)
        buffer += try trailer.encodedLine()
        buffer.append(UInt8(ascii: "\n"))
        var size = offset
        do {
            // The trailer is the one part not covered by the digest.
            try flushBuffer(hashing: false)
            size = offset
            var finished = temporaryPath
            if isCompressed {
                // The compressed file is what lands under the final name: flush that one.
                finished = temporaryPath + ".gz"
                defer { try? SystemCall.removeFile(temporaryPath) }
                try Gzip.compress(temporaryPath, to: finished, durable: isDurable)
                size = try OpenFile.reading(finished).size()
            } else if isDurable {
                try file.sync()
            }
            let directory = (path as NSString).deletingLastPathComponent
            try SystemCall.rename(finished, to: path)
            isFinished = true
            if isDurable { try SystemCall.fsyncDirectory(directory.isEmpty ? "." : directory) }
        } catch let error as EventStoreError {
            throw SyncError(.io, "cannot finish the bundle: \(error.message)", path: path)
        }
        return size
    }

    private func append(_ line: [UInt8]) throws {
        buffer += line
        buffer.append(UInt8(ascii: "\n"))
        lines += 1
        if buffer.count >= Self.bufferCapacity { try flushBuffer() }
    }

    /// Writes out the buffer, adding it to the digest unless told not to.
    private func flushBuffer(hashing: Bool = true) throws {
        if hashing { hasher.update(data: buffer) }
        do {
            try file.write(buffer, at: offset)
        } catch {
            throw SyncError(.io, "cannot write the bundle: \(error.message)", path: path)
        }
        offset += UInt64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }
}
