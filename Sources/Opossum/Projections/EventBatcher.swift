import Synchronization

/// A bounded hand-over of events from a subscription to a projection, which takes
/// whatever has arrived as one batch.
///
/// The subscription is pulled by a task of its own that waits while the buffer is
/// full, so nothing is buffered beyond `capacity`; the projection waits only while
/// it is empty, so a batch is "up to `capacity`, or what is there" with no timer.
final class EventBatcher: Sendable {
    private struct Buffer {
        var events: [SequencedEvent] = []
        /// How the subscription ended, once it has.
        var end: Result<Void, any Error>?
        var cancelled = false
        var waitingConsumer: CheckedContinuation<Void, Never>?
        var waitingProducer: CheckedContinuation<Void, Never>?

        mutating func wakeAll() {
            waitingConsumer.take()?.resume()
            waitingProducer.take()?.resume()
        }
    }

    private let capacity: Int
    private let buffer = Mutex(Buffer())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Hands `event` over, waiting while the buffer is full; returns early when cancelled.
    func push(_ event: SequencedEvent) async {
        while true {
            let accepted = buffer.withLock { buffer in
                guard buffer.events.count < capacity, !buffer.cancelled else { return buffer.cancelled }
                buffer.events.append(event)
                buffer.waitingConsumer.take()?.resume()
                return true
            }
            if accepted { return }
            await wait { buffer in
                guard buffer.events.count >= capacity, !buffer.cancelled else { return true }
                return false
            } park: { buffer, continuation in
                buffer.waitingProducer = continuation
            }
        }
    }

    /// Records that the subscription ended, normally or with `error`.
    func finish(_ end: Result<Void, any Error>) {
        buffer.withLock { buffer in
            // The first end is the one that counts.
            if buffer.end == nil { buffer.end = end }
            buffer.wakeAll()
        }
    }

    /// The events that have arrived (at least one, at most `capacity`), waiting while
    /// there are none; `nil` once the subscription ended or the task was cancelled.
    func next() async throws -> [SequencedEvent]? {
        while true {
            let taken: Result<[SequencedEvent]?, any Error>? = buffer.withLock { buffer in
                if buffer.cancelled { return .success(nil) }
                if !buffer.events.isEmpty {
                    defer { buffer.events.removeAll(keepingCapacity: true) }
                    buffer.waitingProducer.take()?.resume()
                    return .success(buffer.events)
                }
                return buffer.end.map { end in end.map { nil } }
            }
            if let taken { return try taken.get() }
            await wait { buffer in
                !buffer.events.isEmpty || buffer.end != nil || buffer.cancelled
            } park: { buffer, continuation in
                buffer.waitingConsumer = continuation
            }
        }
    }

    /// Suspends until woken, unless `ready` already holds; cancellation wakes everyone.
    private func wait(
        ready: (Buffer) -> Bool,
        park: (inout Buffer, CheckedContinuation<Void, Never>) -> Void
    ) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = buffer.withLock { buffer in
                    if ready(buffer) { return true }
                    park(&buffer, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            buffer.withLock { buffer in
                buffer.cancelled = true
                buffer.wakeAll()
            }
        }
    }
}
