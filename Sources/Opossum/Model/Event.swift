public import Foundation

/// A fact to record: something that happened, with the tags that say what it is about.
///
/// `data` is the event's payload as JSON bytes; the store checks it is valid JSON
/// and otherwise treats it as opaque, handing the same bytes back on every read. An
/// empty payload (zero bytes) is allowed and means "no data".
public struct Event: Hashable, Sendable {
    /// The event's type, such as `StudentEnrolledToCourse`. Never empty.
    public var type: String
    /// The payload as UTF-8 JSON bytes, or empty for none.
    ///
    /// In an event read from a store this may be a slice of storage shared with the
    /// other events of the same read; see ``SequencedEvent/data``.
    public var data: Data
    /// The tags that say what the event is about.
    public var tags: [Tag]
    /// Timestamp, identity and tracing ids.
    public var metadata: EventMetadata

    /// Creates an event.
    ///
    /// - Parameters:
    ///   - type: The event's type; must not be empty.
    ///   - data: The payload as JSON bytes, or empty for none.
    ///   - tags: The tags that say what the event is about.
    ///   - metadata: Timestamp, identity and tracing ids; the store fills in what is missing.
    public init(type: String, data: Data = Data(), tags: [Tag] = [], metadata: EventMetadata = EventMetadata()) {
        self.type = type
        self.data = data
        self.tags = tags
        self.metadata = metadata
    }

    /// Whether two events are the same, comparing the type byte for byte.
    public static func == (lhs: Event, rhs: Event) -> Bool {
        lhs.type.hasSameBytes(as: rhs.type) && lhs.data == rhs.data && lhs.tags == rhs.tags
            && lhs.metadata == rhs.metadata
    }

    /// Hashes the event consistently with its equality.
    public func hash(into hasher: inout Hasher) {
        hasher.combineUTF8(type)
        hasher.combine(data)
        hasher.combine(tags)
        hasher.combine(metadata)
    }
}

extension Event {
    /// Returns a copy with one more tag.
    public func tagged(_ key: String, _ value: String) -> Event {
        var copy = self
        copy.tags.append(Tag(key, value))
        return copy
    }

    /// Returns a copy with more tags.
    public func tagged(_ tags: Tag...) -> Event {
        var copy = self
        copy.tags.append(contentsOf: tags)
        return copy
    }

    /// Returns a copy with the given timestamp instead of the time of append.
    public func timestamped(_ timestamp: Date) -> Event {
        var copy = self
        copy.metadata.timestamp = timestamp
        return copy
    }

    /// Returns a copy with the given correlation id: the id shared by all events of one workflow.
    public func correlated(with correlationId: String) -> Event {
        var copy = self
        copy.metadata.correlationId = correlationId
        return copy
    }

    /// Returns a copy with the given causation id: the id of the message that caused this event.
    public func caused(by causationId: String) -> Event {
        var copy = self
        copy.metadata.causationId = causationId
        return copy
    }
}
