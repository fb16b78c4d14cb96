extension FileEventStore {
    /// When an append is considered done.
    public enum Durability: Sendable, Hashable {
        /// An append returns only after its events are flushed to the device
        /// (`fdatasync`): they survive a crash or a power cut. The default.
        case flush
        /// An append returns once its events are handed to the operating system.
        /// They survive the process crashing but not a power cut. For tests and
        /// throw-away data only.
        case none
    }

    /// How a ``FileEventStore`` behaves.
    public struct Options: Sendable, Hashable {
        /// When an append is considered done; ``Durability/flush`` unless chosen otherwise.
        public var durability: Durability
        /// The largest encoded size of one event, in bytes: 16 MiB by default.
        public var maximumEventSize: Int
        /// The size at which a segment is closed and the next one started: 64 MiB by default.
        public var segmentSize: Int
        /// How many events may be committed before the index checkpoint is rewritten.
        public var checkpointInterval: Int

        /// Creates options; every default is the safe, durable one.
        public init(
            durability: Durability = .flush,
            maximumEventSize: Int = 16 << 20,
            segmentSize: Int = 64 << 20,
            checkpointInterval: Int = 100_000
        ) {
            self.durability = durability
            self.maximumEventSize = maximumEventSize
            self.segmentSize = min(segmentSize, Int(UInt32.max) - maximumEventSize)
            self.checkpointInterval = checkpointInterval
        }
    }
}
