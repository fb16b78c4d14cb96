public import Foundation

/// Timestamp, identity and tracing ids of an event.
///
/// Before an event is appended, `timestamp` and `eventId` may be left `nil`: the
/// store assigns the time of append and a fresh UUID. Once assigned, the event id
/// stays with the event forever, in every store the event is copied to.
public struct EventMetadata: Hashable, Sendable {
    /// When the event happened; the store records microseconds.
    public var timestamp: Date?
    /// The event's identity, assigned at first append and kept forever.
    public var eventId: UUID?
    /// The id shared by the events of one workflow.
    public var correlationId: String?
    /// The id of the command or event that caused this one.
    public var causationId: String?

    /// Creates metadata; anything left `nil` that the store needs, it assigns at append.
    public init(
        timestamp: Date? = nil,
        eventId: UUID? = nil,
        correlationId: String? = nil,
        causationId: String? = nil
    ) {
        self.timestamp = timestamp
        self.eventId = eventId
        self.correlationId = correlationId
        self.causationId = causationId
    }
}
