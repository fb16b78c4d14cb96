public import Foundation

/// An event as committed to a store: its position and the event with complete metadata.
public struct SequencedEvent: Hashable, Sendable {
    /// The event's position in this store.
    public let position: Position
    /// The event; its metadata always carries a timestamp and an event id.
    public let event: Event
    /// The store and position where the event was first appended, when that was
    /// another store; `nil` for events appended here.
    public let origin: EventOrigin?

    /// Creates a sequenced event. The store builds these; tests and tools may too.
    public init(position: Position, event: Event, origin: EventOrigin? = nil) {
        self.position = position
        self.event = event
        self.origin = origin
    }

    /// The event's identity, assigned at first append.
    public var eventId: UUID { event.metadata.eventId ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) }
    /// When the event happened.
    public var timestamp: Date { event.metadata.timestamp ?? Date(timeIntervalSince1970: 0) }
    /// The event's type.
    public var type: String { event.type }
    /// The event's tags.
    public var tags: [Tag] { event.tags }
    /// The event's payload as JSON bytes.
    ///
    /// A read decodes events a chunk at a time (up to about a thousand), and the
    /// events of a chunk share one allocation for their payloads: `data` may be a
    /// slice whose indices start above zero (index it from `startIndex`), and while
    /// any event of a chunk keeps its payload, the whole chunk's payloads stay in
    /// memory. To keep a payload for long on its own, keep a copy: `Data(event.data)`.
    public var data: Data { event.data }
}
