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
        /// The size at which a segment is closed and the next one started: 64 MiB by default.
        public var segmentSize: Int
        /// How many events may be committed before the index checkpoint is rewritten;
        /// 100,000 by default.
        ///
        /// In a store of more than four times as many events, the checkpoint is
        /// rewritten once a quarter of the store's events has been committed since the
        /// last one instead: the checkpoint grows with the store, and rewriting it at a
        /// fixed interval would cost more and more per event appended. Either way,
        /// what a crash leaves to re-index at the next open is at most that many events.
        public var checkpointInterval: Int
        /// The sizes and counts the store refuses to go over; see ``Limits``.
        public var limits: Limits

        /// The largest event, in bytes: ``Limits/maximumEventSize`` of ``limits``.
        public var maximumEventSize: Int {
            get { limits.maximumEventSize }
            set { limits.maximumEventSize = newValue }
        }

        /// Creates options; every default is the safe, durable one.
        public init(
            durability: Durability = .flush,
            segmentSize: Int = 64 << 20,
            checkpointInterval: Int = 100_000,
            limits: Limits = Limits()
        ) {
            self.durability = durability
            self.limits = limits
            // Offsets within a segment are 32-bit: leave room for the event that crosses the size.
            self.segmentSize = min(segmentSize, Int(UInt32.max) - max(0, limits.maximumEventSize))
            self.checkpointInterval = checkpointInterval
        }

        /// Creates options with the default ``Limits`` but for the largest event, in bytes.
        public init(
            durability: Durability = .flush,
            maximumEventSize: Int,
            segmentSize: Int = 64 << 20,
            checkpointInterval: Int = 100_000
        ) {
            self.init(
                durability: durability,
                segmentSize: segmentSize,
                checkpointInterval: checkpointInterval,
                limits: Limits(maximumEventSize: maximumEventSize)
            )
        }
    }
}
