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

/// Writing and reading whole bundles of body lines, on Opossum's I/O threads.
///
/// Bundles are bounded (the exporters stop at a maximum number of events), so a
/// bundle's lines fit in memory; the file itself is still written and verified in
/// constant memory by ``BundleWriter`` and ``BundleReader``.
enum BundleFile {
    /// Writes `lines` after `header` to `path`, signed by `signer`.
    static func write(
        _ lines: [BundleLine],
        header: BundleHeader,
        to path: String,
        signer: SigningIdentity,
        compressed: Bool = false
    ) async throws -> BundleSummary {
        try await IOThreadPool.shared.run {
            let writer = try BundleWriter(path: path, header: header, signer: signer, compressed: compressed)
            for line in lines {
                try writer.writeLine(try line.encoded())
            }
            let size = try writer.finish()
            return BundleSummary(path: path, header: header, size: size)
        }
    }

    /// Verifies the bundle at `path` (sent by one of `trusted`, for `target`, of
    /// `kind`) and returns its header and body lines.
    static func read(
        _ path: String,
        kind: BundleHeader.Kind,
        trusting trusted: [PublicIdentity],
        target: UUID
    ) async throws -> (BundleHeader, [BundleLine]) {
        try await IOThreadPool.shared.run {
            let reader = try BundleReader(
                path: path,
                trustedSource: { id in trusted.first { $0.storeId == id } },
                target: target
            )
            guard reader.header.kind == kind else {
                throw SyncError(
                    .wrongKind,
                    "this is a \(reader.header.kind.rawValue) bundle, where a \(kind.rawValue) bundle was expected",
                    path: path
                )
            }
            var lines: [BundleLine] = []
            try reader.forEachLine { lines.append(try BundleLine.decode($0, path: path)) }
            return (reader.header, lines)
        }
    }
}
