/// A summary of a store's contents, as `opossum status` shows it.
public struct StoreStatus: Hashable, Sendable {
    /// Who the store is.
    public var identity: StoreIdentity
    /// The position of the last committed event; ``Position/zero`` when empty.
    public var head: Position
    /// How many events the store holds.
    public var eventCount: UInt64
    /// How many segment files hold them.
    public var segmentCount: Int
    /// The bytes the segment files take.
    public var segmentBytes: UInt64
    /// How many distinct event types the store has seen.
    public var typeCount: Int
    /// How many distinct tags the store has seen.
    public var tagCount: Int
}
