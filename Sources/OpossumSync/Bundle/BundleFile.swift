import Foundation
import Opossum

/// What a written bundle holds.
public struct BundleSummary: Hashable, Sendable {
    /// Where the bundle is.
    public var path: String
    /// Its header.
    public var header: BundleHeader
    /// Its size in bytes.
    public var size: UInt64
}

/// Writing a bundle of body lines, on Opossum's I/O threads.
///
/// Exports are bounded (they stop at a maximum number of events), so a bundle's lines
/// fit in memory; the file itself is written in constant memory by ``BundleWriter``.
/// Imports read a part at a time with ``BundleReader/nextLines(maxCount:)``.
enum BundleFile {
    /// Writes `lines` after `header` to `path`, signed by `signer`; see ``BundleWriter`` for
    /// `compressed` and `durable`.
    static func write(
        _ lines: [BundleLine],
        header: BundleHeader,
        to path: String,
        signer: SigningIdentity,
        compressed: Bool = false,
        durable: Bool = true
    ) async throws -> BundleSummary {
        try await IOThreadPool.shared.run {
            let writer = try BundleWriter(
                path: path,
                header: header,
                signer: signer,
                compressed: compressed,
                durable: durable
            )
            for line in lines {
                try writer.writeLine(try line.encoded())
            }
            let size = try writer.finish()
            return BundleSummary(path: path, header: header, size: size)
        }
    }
}
