public import Foundation

/// The first line of a bundle: what it is, who wrote it, for whom, and what the
/// reader must have and know to import it.
public struct BundleHeader: Codable, Hashable, Sendable {
    /// The bundle format version this Opossum writes.
    public static let currentVersion = 1
    /// The capabilities this Opossum can import; a bundle requiring any other is refused.
    public static let supportedCapabilities: Set<String> = []

    /// Which way a bundle goes.
    public enum Kind: String, Codable, Hashable, Sendable {
        /// A site's own batches, with their conditions, for the hub to re-validate.
        case push
        /// Hub events and verdicts for one site.
        case pull
    }

    /// The bundle format version, written as the value of the `opossumBundle` marker.
    public var version: Int = BundleHeader.currentVersion
    /// Push or pull.
    public var kind: Kind
    /// Capabilities the reader must have; unknown ones abort the import.
    public var requires: [String]
    /// The store that wrote and signed the bundle.
    public var sourceStoreId: UUID
    /// The writing store's name, for messages.
    public var sourceName: String
    /// The store the bundle is for.
    public var targetStoreId: UUID
    /// When the bundle was written.
    public var createdAt: Date
    /// The positions of the writing store that the bundle covers, inclusive.
    public var firstPosition: UInt64
    /// The last position covered, inclusive.
    public var lastPosition: UInt64
    /// Facts the target must already have for the bundle to apply in order, such
    /// as `hubCursorAtLeast`.
    public var prerequisites: [String: UInt64]
    /// How many batches the body holds.
    public var batchCount: UInt64
    /// How many events the body holds.
    public var eventCount: UInt64

    /// Creates a header for the current format version.
    public init(
        kind: Kind,
        requires: [String] = [],
        source: PublicIdentity,
        targetStoreId: UUID,
        createdAt: Date = Date(),
        firstPosition: UInt64,
        lastPosition: UInt64,
        prerequisites: [String: UInt64] = [:],
        batchCount: UInt64,
        eventCount: UInt64
    ) {
        self.kind = kind
        self.requires = requires
        self.sourceStoreId = source.storeId
        self.sourceName = source.name
        self.targetStoreId = targetStoreId
        self.createdAt = createdAt
        self.firstPosition = firstPosition
        self.lastPosition = lastPosition
        self.prerequisites = prerequisites
        self.batchCount = batchCount
        self.eventCount = eventCount
    }
}

extension BundleHeader {
    private enum CodingKeys: String, CodingKey {
        case kind, requires, sourceStoreId, sourceName, targetStoreId, createdAt
        case firstPosition, lastPosition, prerequisites, batchCount, eventCount
    }

    /// The JSON key that marks a bundle's first line, with the format version as its value.
    static let magicKey = "opossumBundle"

    /// The header's line: `{"opossumBundle":1,...}` without a newline.
    func encodedLine() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var fields = Array(try encoder.encode(self))
        // The marker goes first, so `head -1` shows what the file is.
        let marker = Array("{\"\(Self.magicKey)\":\(version),".utf8)
        fields.removeFirst()
        return marker + fields
    }

    /// Decodes a header line: the marker and its version first, then the fields.
    static func decode(line: [UInt8], path: String) throws -> BundleHeader {
        let marker = Array("{\"\(magicKey)\":".utf8)
        guard line.starts(with: marker) else {
            throw SyncError(.malformed, "not an Opossum bundle: the first line is not a bundle header", path: path)
        }
        let digits = line[marker.count...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard let version = Int(String(decoding: digits, as: UTF8.self)),
            line.dropFirst(marker.count + digits.count).first == UInt8(ascii: ",")
        else {
            throw SyncError(.malformed, "the bundle header has no format version", path: path)
        }
        guard version <= currentVersion else {
            throw SyncError(
                .unsupported,
                "the bundle has format version \(version); this Opossum reads up to \(currentVersion) — upgrade Opossum to import it",
                path: path
            )
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var header: BundleHeader
        do {
            header = try decoder.decode(
                BundleHeader.self,
                from: Data([UInt8(ascii: "{")] + line[(marker.count + digits.count + 1)...])
            )
        } catch {
            throw SyncError(.malformed, "the bundle header is incomplete or malformed: \(error)", path: path)
        }
        header.version = version
        let unknown = Set(header.requires).subtracting(supportedCapabilities)
        guard unknown.isEmpty else {
            throw SyncError(
                .unsupported,
                "the bundle requires \(unknown.sorted().joined(separator: ", ")), which this Opossum does not have — upgrade Opossum to import it",
                path: path
            )
        }
        return header
    }
}
