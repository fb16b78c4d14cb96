/// The fuzz targets, by the name `Scripts/fuzz.sh` and the corpus directories in
/// `Fixtures/fuzz/` use.
package enum FuzzTarget: String, CaseIterable, Sendable {
    /// One event line of a segment or a bundle, before and after its checksum.
    case segmentLine = "segment-line"
    /// The JSON forms of queries, append conditions and events.
    case query
    /// A bundle file, read and verified, then its body decoded line by line.
    case bundle
    /// A push request's body, as the hub receives, judges and answers it.
    case hubPush = "hub-push"

    /// A harness for this target, with whatever stores it needs made in a scratch
    /// directory of its own.
    package func makeHarness() throws -> any FuzzHarness {
        switch self {
        case .segmentLine: SegmentLineHarness()
        case .query: QueryHarness()
        case .bundle: try BundleHarness()
        case .hubPush: try HubPushHarness()
        }
    }
}
