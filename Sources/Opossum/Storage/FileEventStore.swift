package import Foundation

/// A durable event store in a directory of plain files.
///
/// Events are appended to segment files of JSON lines, one line per event with a
/// checksum, and an append returns only once its events are flushed to the device.
/// Concurrent appends share one flush (group commit); several processes may use one
/// store at once, the writer taking a file lock per commit. Reads and conditions
/// use an index of types, tags and positions that is rebuilt from the log whenever
/// it is missing or doubtful. `docs/format.md` describes the files.
///
/// ```swift
/// let store = try await FileEventStore.create(at: "/var/lib/app/events", name: "laptop-17")
/// let emailTaken = try Query.tags(Tag("studentEmail", email))
/// try await store.append(
///     try StudentRegistered(studentId: id, email: email).toEvent().tagged("studentEmail", email),
///     condition: AppendCondition(failIfEventsMatch: emailTaken)
/// )
/// await store.close()
/// ```
public final class FileEventStore: EventStore {
    let engine: StoreEngine
    /// The subscriptions open on this store, against ``Limits/maximumSubscriptions``.
    let subscriptionSlots: SubscriptionSlots

    /// The store's identity, from its `store.json`.
    public var identity: StoreIdentity { engine.identity }
    /// The store's directory.
    public var directory: String { engine.layout.root }
    /// The options the store was opened with.
    public var options: Options { engine.options }

    private init(engine: StoreEngine) {
        self.engine = engine
        self.subscriptionSlots = SubscriptionSlots(
            limit: engine.options.limits.maximumSubscriptions,
            directory: engine.layout.root
        )
        engine.startWriter()
    }

    deinit {
        // A store dropped without `close()`: close it on an I/O thread, since closing
        // joins the writer thread and may write the checkpoint, and the last reference
        // can go away on any thread, the cooperative pool's included.
        let engine = self.engine
        IOThreadPool.shared.submit { engine.close() }
    }

    /// Creates a new, empty store in `directory` (made if missing) and opens it.
    ///
    /// - Parameters:
    ///   - directory: Where the store lives; it must not already hold a store.
    ///   - name: A name for people, such as the laptop's or the site's.
    ///   - options: How the store behaves; the defaults are durable.
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/alreadyExists``
    ///   if a store is there, or ``EventStoreError/Code/io`` if the directory cannot be made.
    public static func create(
        at directory: String,
        name: String,
        options: Options = Options()
    ) async throws
        -> FileEventStore
    {
        let layout = StoreLayout(root: directory)
        let engine = try await IOThreadPool.shared.run {
            _ = try StoreEngine.create(layout, name: name)
            return try StoreEngine(layout: layout, options: options)
        }
        return FileEventStore(engine: engine)
    }

    /// Opens the store in `directory`, recovering from an interrupted append if needed.
    ///
    /// An append that was interrupted by a crash was never acknowledged; its partial
    /// lines are cut from the log (and kept in `Recovered/`). Damage inside data
    /// that was acknowledged is never skipped: opening fails with
    /// ``EventStoreError/Code/corrupted``, naming the file and offset.
    ///
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/notAStore``,
    ///   ``EventStoreError/Code/unsupportedFormat``, ``EventStoreError/Code/corrupted``
    ///   or ``EventStoreError/Code/io``.
    public static func open(at directory: String, options: Options = Options()) async throws -> FileEventStore {
        let layout = StoreLayout(root: directory)
        let engine = try await IOThreadPool.shared.run { try StoreEngine(layout: layout, options: options) }
        return FileEventStore(engine: engine)
    }

    /// Appends `events` as one atomic batch, if `condition` holds.
    ///
    /// The events are validated first (an empty batch, an empty type, a malformed
    /// tag, data that is not JSON, or a batch or event over one of the ``Limits`` is
    /// refused before the condition is looked at). The writer then evaluates the
    /// condition against every committed event and every append queued before this
    /// one, writes, flushes, and only then returns.
    ///
    /// - Returns: The position of the batch's last event.
    /// - Throws: ``AppendConditionError`` when the condition fails (nothing is
    ///   written); ``EventStoreError`` for invalid events, a limit exceeded (see
    ///   ``EventStoreError/Code/isLimitExceeded``; nothing is written) or storage failures.
    public func append(_ events: [Event], condition: AppendCondition?) async throws -> Position {
        let prepared = try EventValidator(limits: engine.options.limits).prepare(events)
        return try await withCheckedThrowingContinuation { continuation in
            let append = PendingAppend(events: prepared, condition: condition, continuation: continuation)
            if !engine.submit(append) {
                continuation.resume(throwing: EventStoreError(.closed, "the store is closed", path: directory))
            }
        }
    }

    /// The store's writer thread, as an executor for tasks that append one decision
    /// after another.
    ///
    /// An append hands its events to the writer's own thread and waits to be woken
    /// with the answer: two thread switches, which cost more than a no-flush commit
    /// and, on virtual machines, a good part of a flushed one. A task that prefers
    /// this executor runs on the writer's thread instead, so its appends are queued,
    /// committed and answered there without waking anyone:
    ///
    /// ```swift
    /// try await withTaskExecutorPreference(store.writerExecutor) {
    ///     for order in orders {
    ///         try await store.append(order.event, condition: order.condition)
    ///     }
    /// }
    /// ```
    ///
    /// While such a task runs, the writer commits nothing else: keep it to deciding
    /// and appending, and never block in it. What it awaits (a read, another
    /// actor) runs elsewhere as usual, and other appends still join the next commit
    /// group. Blocking I/O stays on the writer's thread, off the cooperative pool.
    /// Once the store is closed, the tasks move to the global concurrent executor.
    public var writerExecutor: any TaskExecutor { engine.writerExecutor }

    /// Runs `decide` on the writer thread with the store's current index and commits
    /// the batches it returns as one commit group, alone: nothing else is written
    /// between the decision and its commit. Events may carry reserved (`$`) types and
    /// tags and origins; their ids and timestamps are kept when set. Each batch is
    /// held to the store's ``Limits`` like an append, but for Opossum's own records
    /// (reserved types): one over a limit fails the whole commit, writing nothing.
    ///
    /// - Returns: The last committed position (the head, if nothing was written).
    package func commitDecided(_ decide: @escaping StoreView.Decide) async throws -> Position {
        try await withCheckedThrowingContinuation { continuation in
            let request = PendingAppend(events: [], condition: nil, decide: decide, continuation: continuation)
            if !engine.submit(request) {
                continuation.resume(throwing: EventStoreError(.closed, "the store is closed", path: directory))
            }
        }
    }

    /// The events matching `query`, in position order; see ``EventStream``.
    ///
    /// `options.from` is inclusive; `backwards` reads from the highest position down;
    /// `limit` caps the count (0 returns nothing).
    public func read(_ query: Query, options: ReadOptions) -> EventStream {
        EventStream(engine: engine, query: query, options: options)
    }

    /// The events matching `query` from `from` on (inclusive; `nil` starts at the
    /// first), then each new match as it commits; see ``EventSubscription``.
    ///
    /// At most ``Limits/maximumSubscriptions`` may be open at once: the first `next()`
    /// of one more throws ``EventStoreError/Code/tooManySubscriptions``.
    public func subscribe(_ query: Query, from: Position? = nil) -> EventSubscription {
        EventSubscription(engine: engine, slots: subscriptionSlots, query: query, from: from)
    }

    /// The events matching `query`, including system events (types starting with
    /// `$`) and withdrawn ones, which ``read(_:options:)`` leaves out: for sync, which
    /// keeps its records as system events, and for audits.
    package func readIncludingHidden(_ query: Query, options: ReadOptions = .none) -> EventStream {
        EventStream(engine: engine, query: query, options: options, includingHidden: true)
    }

    /// Up to `limit` events from `from` on (inclusive), with the batch each was
    /// appended in and the batch's condition: what sync exports. With
    /// `includingHidden`, system and withdrawn events too; events copied from
    /// `excludedOrigin` are left out. With `lines`, each comes with its segment line
    /// to copy as it is (and its payload undecoded).
    package func readStored(
        from: Position,
        limit: Int,
        includingHidden: Bool = true,
        excludingOrigin excludedOrigin: UUID? = nil,
        lines: Bool = false
    ) async throws -> [StoredEvent] {
        let reader = EventReader(
            engine: engine,
            query: .all,
            options: ReadOptions(from: from),
            includingHidden: includingHidden
        )
        reader.excludedOrigin = excludedOrigin
        return try await IOThreadPool.shared.run { try reader.nextStoredChunk(count: limit, lines: lines) }
    }

    /// Like ``subscribe(_:from:)``, but delivering system and withdrawn events too.
    package func subscribeIncludingHidden(_ query: Query, from: Position? = nil) -> EventSubscription {
        EventSubscription(engine: engine, slots: subscriptionSlots, query: query, from: from, includingHidden: true)
    }

    /// The matching event with the highest position, or `nil` if none matches.
    public func readLast(_ query: Query) async throws -> SequencedEvent? {
        try await readAll(query, options: ReadOptions(backwards: true, limit: 1)).first
    }

    /// A summary of the store: head, event count, files and index sizes.
    public func status() async throws -> StoreStatus {
        let engine = self.engine
        return try await IOThreadPool.shared.run {
            try engine.withCurrentIndex { index in
                StoreStatus(
                    identity: engine.identity,
                    head: Position(index.head),
                    eventCount: index.head,
                    segmentCount: index.segments.count,
                    segmentBytes: index.segments.reduce(0) { $0 + $1.end },
                    typeCount: index.types.count,
                    tagCount: index.tags.count
                )
            }
        }
    }

    /// Commits every append already queued, saves the index checkpoint and releases
    /// the store's files. Appends and reads after this fail with ``EventStoreError/Code/closed``.
    public func close() async {
        let engine = self.engine
        _ = try? await IOThreadPool.shared.run { engine.close() }
    }
}
