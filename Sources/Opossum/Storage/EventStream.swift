/// The events a read returns: an asynchronous sequence in position order.
///
/// Iterating fetches events in chunks on Opossum's I/O threads, so a read of any
/// size holds only one chunk in memory and never blocks the cooperative pool. The
/// read sees the store as of its first chunk: events committed later are not
/// included, and no batch is ever seen in part.
///
/// ```swift
/// for try await event in store.read(Query.tags(Tag("courseId", id))) {
///     print(event.position, event.type)
/// }
/// ```
public struct EventStream: AsyncSequence, Sendable {
    /// The element type: committed events.
    public typealias Element = SequencedEvent

    let engine: StoreEngine
    let query: Query
    let options: ReadOptions

    /// Starts iterating; nothing is read until the first `next()`.
    public func makeAsyncIterator() -> Iterator {
        Iterator(reader: EventReader(engine: engine, query: query, options: options))
    }

    /// Iterates an ``EventStream``.
    public struct Iterator: AsyncIteratorProtocol {
        private let reader: EventReader
        /// The current chunk, last event first, so each is moved out rather than copied.
        private var chunk: [SequencedEvent] = []
        private var chunkSize = 128
        private var isDone = false

        init(reader: EventReader) {
            self.reader = reader
        }

        /// The next event, or `nil` at the end.
        public mutating func next() async throws -> SequencedEvent? {
            try await next(isolation: nil)
        }

        /// The next event, or `nil` at the end; runs in the caller's isolation, so
        /// only the fetch of a new chunk leaves it.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> SequencedEvent? {
            if let event = chunk.popLast() { return event }
            guard !isDone else { return nil }
            let reader = self.reader
            let size = chunkSize
            let (events, finished) = try await IOThreadPool.shared.run {
                (try reader.nextChunk(count: size).reversed() as [SequencedEvent], reader.isFinished)
            }
            chunk = events
            // A chunk that ends the read saves the trip to learn there is no more.
            isDone = finished
            // Small first, for quick answers to small reads; larger after, for throughput.
            chunkSize = Swift.min(chunkSize * 4, 2048)
            guard let event = chunk.popLast() else {
                isDone = true
                return nil
            }
            return event
        }
    }
}
