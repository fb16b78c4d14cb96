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
    var includingHidden = false

    /// Starts iterating; nothing is read until the first `next()`.
    public func makeAsyncIterator() -> Iterator {
        Iterator(reader: EventReader(engine: engine, query: query, options: options, includingHidden: includingHidden))
    }

    /// Iterates an ``EventStream``.
    ///
    /// Once a read has proved long (its second chunk), the next chunk is fetched while
    /// the consumer works through the current one, so decoding and consuming overlap.
    public struct Iterator: AsyncIteratorProtocol {
        /// A chunk's parts, the last part first and each part's last event first, so
        /// that events are moved out (`popLast`) rather than copied.
        private typealias Chunk = (parts: [[SequencedEvent]], isFinished: Bool)

        private let reader: EventReader
        /// The current chunk's parts, in ``Chunk`` order.
        private var parts: [[SequencedEvent]] = []
        private var chunkSize = 128
        private var isDone = false
        /// The next chunk, being fetched.
        private var prefetch: IOJob<Chunk>?

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
            if let event = popLast() { return event }
            guard !isDone else { return nil }
            // Taken, not copied: the parts must reach `popLast` uniquely referenced, or
            // its first call copies a whole part.
            let isFinished: Bool
            if let prefetch {
                self.prefetch = nil
                (parts, isFinished) = try await prefetch.value()
            } else {
                (parts, isFinished) = try await IOThreadPool.shared.run { [reader, chunkSize] in
                    try Self.fetch(reader, count: chunkSize)
                }
            }
            // A chunk that ends the read saves the trip to learn there is no more.
            isDone = isFinished || parts.allSatisfy(\.isEmpty)
            // Small first, for quick answers to small reads; larger after, for throughput.
            chunkSize = Swift.min(chunkSize * 4, 2048)
            if !isDone && chunkSize == 2048 {
                prefetch = IOJob(on: IOThreadPool.shared) { [reader, chunkSize] in
                    try Self.fetch(reader, count: chunkSize)
                }
            }
            return popLast()
        }

        /// Moves the next event out of the current chunk.
        private mutating func popLast() -> SequencedEvent? {
            while let last = parts.indices.last {
                if let event = parts[last].popLast() { return event }
                parts.removeLast()
            }
            return nil
        }

        /// Reads the next chunk; on an I/O thread.
        private static func fetch(_ reader: EventReader, count: Int) throws -> Chunk {
            (try reader.nextChunkParts(count: count, lastFirst: true), reader.isFinished)
        }
    }
}
