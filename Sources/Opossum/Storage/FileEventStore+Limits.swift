extension FileEventStore {
    /// The limits that keep one append, one event or one careless consumer from
    /// exhausting the machine's memory, disk or file handles.
    ///
    /// Each limit is checked before anything is written and refused with an
    /// ``EventStoreError`` whose code names it, whose message names the value and the
    /// event involved, and after which the store is unchanged. They are part of
    /// ``Options``, so they apply per open store, not per store directory: every
    /// process opening a store chooses its own (the `opossum` command uses the defaults).
    ///
    /// Sizes are counted in bytes of UTF-8, of what the application gives: the
    /// ``Event/type``, ``Event/data``, tag keys and values, and the correlation and
    /// causation ids. The log adds about 200 bytes of its own per event (position,
    /// id, timestamp, checksum), which no limit counts.
    ///
    /// Events arriving through sync are held to the same event and batch limits when
    /// they are imported, so a site that raised its limits cannot push what its hub
    /// would refuse to store: raise them at the hub too. Opossum's own records (types
    /// starting with `$`) are exempt. The default batch size (16 MiB) stays well under
    /// the hub's default request body limit (256 MiB), so that any batch a store accepts
    /// fits in a push.
    ///
    /// ```swift
    /// var options = FileEventStore.Options()
    /// options.limits.maximumEventSize = 4 << 20
    /// let store = try await FileEventStore.open(at: directory, options: options)
    /// ```
    public struct Limits: Sendable, Hashable {
        /// The largest event, in bytes of its type, data, tags and tracing ids:
        /// 1 MiB by default. Over it: ``EventStoreError/Code/eventTooLarge``.
        public var maximumEventSize: Int
        /// The most tags one event may carry: 64 by default.
        /// Over it: ``EventStoreError/Code/tooManyTags``.
        public var maximumTagsPerEvent: Int
        /// The largest tag, in bytes of its key and value together: 256 by default.
        /// Over it: ``EventStoreError/Code/tagTooLarge``.
        public var maximumTagSize: Int
        /// The most events one append (one atomic batch) may hold: 10,000 by default.
        /// Over it: ``EventStoreError/Code/tooManyEvents``.
        public var maximumEventsPerBatch: Int
        /// The largest append (one atomic batch), in bytes of its events as
        /// ``maximumEventSize`` counts them: 16 MiB by default.
        /// Over it: ``EventStoreError/Code/batchTooLarge``.
        public var maximumBatchSize: Int
        /// The most subscriptions that may be open on the store at once: 1,024 by
        /// default. A subscription is open from its first `next()` until its task is
        /// cancelled, its iterator is dropped or the store closes. Over it, the first
        /// `next()` throws ``EventStoreError/Code/tooManySubscriptions``.
        public var maximumSubscriptions: Int

        /// Creates limits; each one left out takes its default.
        public init(
            maximumEventSize: Int = 1 << 20,
            maximumTagsPerEvent: Int = 64,
            maximumTagSize: Int = 256,
            maximumEventsPerBatch: Int = 10_000,
            maximumBatchSize: Int = 16 << 20,
            maximumSubscriptions: Int = 1_024
        ) {
            self.maximumEventSize = maximumEventSize
            self.maximumTagsPerEvent = maximumTagsPerEvent
            self.maximumTagSize = maximumTagSize
            self.maximumEventsPerBatch = maximumEventsPerBatch
            self.maximumBatchSize = maximumBatchSize
            self.maximumSubscriptions = maximumSubscriptions
        }

        /// The default limits.
        public static let `default` = Limits()
    }
}
