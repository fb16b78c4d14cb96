import Crypto
public import Foundation
import Opossum

/// Opens a bundle file for import: verifies it completely first, then hands out its
/// body lines one at a time.
///
/// Verification reads the whole file once, in constant memory: the trailer must be
/// there (or the bundle is *truncated*), the SHA-256 of everything before it must
/// match (or it is *damaged*), the sender must be known (or it is from an *unknown
/// source*) and its signature must verify (or it is *forged*). Only then is the
/// header trusted. Blocking: call it from an I/O thread.
public final class BundleReader: @unchecked Sendable {
    private static let chunkSize = 1 << 20
    /// The longest line read: an event at the store's largest size, escaped, with room to spare.
    private static let maximumLineLength = 64 << 20

    /// The bundle's verified header.
    public let header: BundleHeader
    /// The bundle file.
    public let path: String
    /// Whether the file was gzip-compressed; it is read from a decompressed copy then.
    public let wasCompressed: Bool
    private let file: OpenFile
    /// The decompressed copy of a compressed bundle, removed with the reader.
    private let unpacked: String?
    /// Where the body starts (after the header line) and ends (before the trailer).
    private let bodyRange: Range<UInt64>
    /// Where ``nextLines(maxCount:)`` reads on, and the bytes read but not yet returned.
    private var nextOffset: UInt64
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    /// The line number in the file of the next body line ``nextLines(maxCount:)``
    /// returns, counting from 1: the header is line 1.
    public private(set) var nextLineNumber = 2

    /// Verifies the bundle at `path`.
    ///
    /// - Parameters:
    ///   - trustedSource: The enrolled identity of a store id, or `nil` if unknown.
    ///   - target: The store importing the bundle; a bundle for another is refused.
    ///     `nil` accepts any target (to check a bundle before carrying it).
    /// - Throws: ``SyncError`` saying why the bundle is refused.
    public init(
        path: String,
        trustedSource: (UUID) -> PublicIdentity?,
        target: UUID?
    ) throws {
        self.path = path
        do {
            wasCompressed = try Gzip.isCompressed(path)
            if wasCompressed {
                let copy = FileManager.default.temporaryDirectory
                    .appendingPathComponent("opossum-bundle-\(UUID().uuidString).unpacked").path
                unpacked = copy
                do {
                    try Gzip.decompress(path, to: copy)
                } catch {
                    try? SystemCall.removeFile(copy)
                    throw error
                }
                file = try OpenFile.reading(copy)
            } else {
                unpacked = nil
                file = try OpenFile.reading(path)
            }
        } catch let error as EventStoreError {
            throw SyncError(.io, "cannot open the bundle: \(error.message)", path: path)
        }
        let size = try Self.size(of: file)
        let (trailer, trailerStart) = try Self.trailer(of: file, size: size)
        let (digest, lines, headerEnd) = try Self.digest(of: file, upTo: trailerStart)
        guard digest.hexText == trailer.sha256, lines == trailer.lines else {
            throw SyncError(.damaged, "the bundle is damaged: its content does not match its checksum", path: path)
        }
        let header = try BundleHeader.decode(line: try Self.read(file, 0..<(headerEnd - 1)), path: path)
        guard let source = trustedSource(header.sourceStoreId) else {
            throw SyncError(
                .unknownSource,
                "the bundle comes from \(header.sourceName.debugDescription) (\(header.sourceStoreId)), which is not enrolled here",
                path: path
            )
        }
        guard let signature = Data(base64Encoded: trailer.signature),
            source.isValidSignature(signature, for: BundleTrailer.signedMessage(digest: digest, lines: lines))
        else {
            throw SyncError(
                .forged,
                "the bundle's signature does not match the key enrolled for \(source.name.debugDescription)",
                path: path
            )
        }
        if let target, header.targetStoreId != target {
            throw SyncError(
                .wrongTarget,
                "the bundle is meant for store \(header.targetStoreId), not this one (\(target))",
                path: path
            )
        }
        self.header = header
        self.bodyRange = headerEnd..<trailerStart
        self.nextOffset = headerEnd
    }

    deinit {
        if let unpacked { try? SystemCall.removeFile(unpacked) }
    }

    /// The header of the uncompressed bundle at `path`, read without verifying anything:
    /// `nil` when the file is compressed or its first line is not a header.
    ///
    /// Never trusted: a sync agent uses it only to ask for the next pull bundle while it
    /// imports this one, which verifies the bundle whole. Blocking: call it from an I/O
    /// thread.
    public static func unverifiedHeader(of path: String) -> BundleHeader? {
        guard let file = try? OpenFile.reading(path), let start = try? file.read(count: 64 << 10, at: 0),
            let newline = start.firstIndex(of: UInt8(ascii: "\n"))
        else { return nil }
        return try? BundleHeader.decode(line: Array(start[..<newline]), path: path)
    }

    /// Calls `body` with each body line, in order, without its newline.
    ///
    /// Holds at most one chunk of the file (and one line) in memory.
    public func forEachLine(_ body: (ArraySlice<UInt8>) throws -> Void) throws {
        while true {
            let lines = try nextLines(maxCount: 1024)
            guard !lines.isEmpty else { return }
            for line in lines { try body(line) }
        }
    }

    /// The next body lines, at most `maxCount`, without their newlines; empty at the
    /// end. Reading goes on from where the previous call stopped, a chunk of the file
    /// at a time, so a bundle of any size is read in constant memory.
    ///
    /// The lines share the chunks they were read from rather than copying each: a
    /// chunk's memory is freed when the last of its lines is.
    public func nextLines(maxCount: Int) throws -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        while lines.count < maxCount {
            if let newline = Self.newline(in: buffer, from: bufferStart) {
                lines.append(buffer[bufferStart..<newline])
                bufferStart = newline + 1
                nextLineNumber += 1
                continue
            }
            guard nextOffset < bodyRange.upperBound else { break }
            let count = Int(min(UInt64(Self.chunkSize), bodyRange.upperBound - nextOffset))
            let range = nextOffset..<(nextOffset + UInt64(count))
            let chunk = try Self.read(file, range)
            // Verified before, decoded now: the bundle is not read again.
            file.dropCachedPages(range)
            nextOffset += UInt64(count)
            buffer = Array(buffer[bufferStart...]) + chunk
            bufferStart = 0
            guard buffer.count <= Self.maximumLineLength + Self.chunkSize else {
                throw SyncError(.malformed, "a bundle line is longer than \(Self.maximumLineLength) bytes", path: path)
            }
        }
        return lines
    }

    private static func size(of file: OpenFile) throws -> UInt64 {
        do {
            return try file.size()
        } catch {
            throw SyncError(.io, "cannot read the bundle: \(error.message)", path: file.path)
        }
    }

    private static func read(_ file: OpenFile, _ range: Range<UInt64>) throws -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try file.read(count: Int(range.count), at: range.lowerBound)
        } catch {
            throw SyncError(.io, "cannot read the bundle: \(error.message)", path: file.path)
        }
        guard bytes.count == range.count else {
            throw SyncError(.truncated, "the bundle ends early: it changed while being read", path: file.path)
        }
        return bytes
    }

    /// The index of the first newline in `bytes` from `start` on, found with `memchr`.
    private static func newline(in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBytes { buffer in
            guard start < buffer.count,
                let found = memchr(buffer.baseAddress! + start, Int32(UInt8(ascii: "\n")), buffer.count - start)
            else { return nil }
            return buffer.baseAddress!.distance(to: UnsafeRawPointer(found))
        }
    }

    /// The trailer and the offset where it starts: the file's last line.
    private static func trailer(of file: OpenFile, size: UInt64) throws -> (BundleTrailer, UInt64) {
        let truncated = SyncError(
            .truncated,
            "the bundle is incomplete: it was cut off while being written or copied",
            path: file.path
        )
        let tailLength = min(size, 4096)
        let tail = try read(file, (size - tailLength)..<size)
        guard tail.last == UInt8(ascii: "\n") else { throw truncated }
        let lineStart = tail.dropLast().lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        // A last line longer than the tail read is no trailer.
        guard lineStart > 0 || tailLength == size,
            let trailer = BundleTrailer.decode(line: tail[lineStart..<(tail.count - 1)])
        else { throw truncated }
        return (trailer, size - tailLength + UInt64(lineStart))
    }

    /// The SHA-256 of the bytes before `end`, how many lines they hold, and where
    /// the first line ends.
    private static func digest(of file: OpenFile, upTo end: UInt64) throws -> ([UInt8], UInt64, UInt64) {
        var hasher = SHA256()
        var lines: UInt64 = 0
        var headerEnd: UInt64?
        var offset: UInt64 = 0
        while offset < end {
            let count = Int(min(UInt64(chunkSize), end - offset))
            let chunk = try read(file, offset..<(offset + UInt64(count)))
            hasher.update(data: chunk)
            if headerEnd == nil, let newline = newline(in: chunk, from: 0) {
                headerEnd = offset + UInt64(newline) + 1
            }
            var start = 0
            while let newline = newline(in: chunk, from: start) {
                lines += 1
                start = newline + 1
            }
            offset += UInt64(count)
        }
        guard let headerEnd else {
            throw SyncError(.malformed, "the bundle has no header line", path: file.path)
        }
        return (Array(hasher.finalize()), lines, headerEnd)
    }
}
