public import Opossum

/// A field-service domain event: a ``DomainEvent`` that knows the tags it is filed under.
///
/// The tags are what the desk's decisions query on, so an event always carries every
/// tag a rule might look it up by — a reservation is found by its depot and part (for
/// stock), by its work order, and by its own id (to release it).
public protocol FieldServiceEvent: DomainEvent, Hashable {
    /// The tags the event is stored with.
    var tags: [Tag] { get }
}

extension FieldServiceEvent {
    /// The event as stored: its type name, its JSON payload and its ``tags``.
    ///
    /// - Throws: ``EventStoreError`` if the payload cannot be encoded.
    public func event() throws -> Event {
        try toEvent(tags: tags)
    }
}
