import CZlib
import Foundation
import Opossum

/// Compresses and decompresses bundle files with gzip, streaming through fixed
/// buffers so that a bundle of any size takes constant memory.
///
/// Compression is an outer layer: a compressed bundle is the gzip of the bundle
/// file, whose digest and signature cover the uncompressed bytes. Readers recognise
/// it by gzip's magic bytes, so `gunzip` gives back a plain, greppable bundle.
enum Gzip {
    private static let bufferSize = 256 << 10
    /// The first two bytes of every gzip stream.
    static let magic: [UInt8] = [0x1F, 0x8B]

    /// Whether the file at `path` starts like a gzip stream.
    static func isCompressed(_ path: String) throws -> Bool {
        let file = try OpenFile.reading(path)
        return try file.read(count: 2, at: 0) == magic
    }

    /// Writes the gzip of the file at `source` to a new file at `destination`, flushed
    /// to disk when `durable`.
    static func compress(_ source: String, to destination: String, durable: Bool) throws {
        var stream = z_stream()
        guard czlib_deflate_init_gzip(&stream, 6) == Z_OK else {
            throw SyncError(.io, "cannot start compressing the bundle", path: source)
        }
        defer { deflateEnd(&stream) }
        try transform(source, to: destination, stream: &stream, what: "compress", durable: durable) { stream, isLast in
            deflate(&stream, isLast ? Z_FINISH : Z_NO_FLUSH)
        }
    }

    /// Writes the contents of the gzip file at `source` to a new file at `destination`,
    /// a private scratch copy that is not flushed: it is read once and removed.
    static func decompress(_ source: String, to destination: String) throws {
        var stream = z_stream()
        guard czlib_inflate_init_gzip(&stream) == Z_OK else {
            throw SyncError(.io, "cannot start decompressing the bundle", path: source)
        }
        defer { inflateEnd(&stream) }
        try transform(source, to: destination, stream: &stream, what: "decompress", durable: false) { stream, _ in
            inflate(&stream, Z_NO_FLUSH)
        }
    }

    /// Feeds the file at `source` through `step` and writes what comes out to
    /// `destination`, until the stream ends.
    private static func transform(
        _ source: String,
        to destination: String,
        stream: inout z_stream,
        what: String,
        durable: Bool,
        step: (inout z_stream, Bool) -> Int32
    ) throws {
        let input = try OpenFile.reading(source)
        let output = try OpenFile.creating(destination)
        let size = try input.size()
        var inOffset: UInt64 = 0
        var outOffset: UInt64 = 0
        var inBuffer = [UInt8](repeating: 0, count: bufferSize)
        var outBuffer = [UInt8](repeating: 0, count: bufferSize)
        var status = Z_OK
        repeat {
            let got = try inBuffer.withUnsafeMutableBytes { try input.read(into: $0, at: inOffset) }
            inOffset += UInt64(got)
            let isLast = inOffset >= size
            try inBuffer.withUnsafeMutableBufferPointer { inBytes in
                stream.next_in = inBytes.baseAddress
                stream.avail_in = UInt32(got)
                repeat {
                    let produced = try outBuffer.withUnsafeMutableBufferPointer { outBytes -> Int in
                        stream.next_out = outBytes.baseAddress
                        stream.avail_out = UInt32(bufferSize)
                        status = step(&stream, isLast)
                        guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                            throw SyncError(
                                .damaged,
                                "the compressed bundle is damaged: it cannot be decompressed (zlib error \(status))",
                                path: source
                            )
                        }
                        return bufferSize - Int(stream.avail_out)
                    }
                    if produced > 0 {
                        try outBuffer.withUnsafeBytes {
                            try output.write(UnsafeRawBufferPointer(rebasing: $0[..<produced]), at: outOffset)
                        }
                        outOffset += UInt64(produced)
                    }
                } while stream.avail_out == 0 && status != Z_STREAM_END
            }
        } while status != Z_STREAM_END && inOffset < size
        guard status == Z_STREAM_END else {
            throw SyncError(
                .truncated,
                "the compressed bundle is incomplete: it was cut off while being written or copied",
                path: source
            )
        }
        if durable { try output.sync() }
    }
}
