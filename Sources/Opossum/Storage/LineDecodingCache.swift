/// What decoding a run of segment lines carries from one line to the next: the text
/// of types and tag keys, the last timestamp, and the buffer the payloads are copied
/// into.
struct LineDecodingCache {
    /// The types and tag keys seen so far.
    var strings = StringCache()
    /// The last timestamp parsed.
    var timestamp = RecentTimestamp()
    /// Where the payloads go.
    var payloads: PayloadBuffer

    /// A cache whose payloads go into `payloads`; by default each gets a `Data` of its own.
    init(payloads: PayloadBuffer = PayloadBuffer(capacity: 0)) {
        self.payloads = payloads
    }
}
