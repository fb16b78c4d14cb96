import Foundation

/// A typed event of an application's domain, stored as JSON under a stable type name.
///
/// ```swift
/// struct StudentRegistered: DomainEvent {
///     static let eventType = "StudentRegistered"
///     var studentId: UUID
///     var email: String
/// }
///
/// let event = try StudentRegistered(studentId: id, email: email)
///     .toEvent()
///     .tagged("studentId", id.uuidString)
///     .tagged("studentEmail", email)
/// try await store.append(event, condition: AppendCondition(failIfEventsMatch: emailQuery))
/// ```
///
/// `eventType` is what is written to disk and what queries select on: keep it stable
/// when the Swift type is renamed.
public protocol DomainEvent: Codable, Sendable {
    /// The type name stored with the event; must not be empty and should never change.
    static var eventType: String { get }
}

extension DomainEvent {
    /// Encodes the domain event as an ``Event`` with its type name and JSON payload.
    ///
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/invalidEvent`` if
    ///   the value cannot be encoded as JSON.
    public func toEvent(tags: [Tag] = [], metadata: EventMetadata = EventMetadata()) throws -> Event {
        try Event(self, tags: tags, metadata: metadata)
    }
}

extension Event {
    /// Creates an event from a typed domain event, encoding it as JSON.
    ///
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/invalidEvent`` if
    ///   the value cannot be encoded as JSON.
    public init(_ domainEvent: some DomainEvent, tags: [Tag] = [], metadata: EventMetadata = EventMetadata()) throws {
        let data: Data
        do {
            data = try DomainEventCoding.encoder.encode(domainEvent)
        } catch {
            throw EventStoreError(
                .invalidEvent,
                "cannot encode \(Swift.type(of: domainEvent).eventType) as JSON: \(error)"
            )
        }
        self.init(type: Swift.type(of: domainEvent).eventType, data: data, tags: tags, metadata: metadata)
    }

    /// Decodes the payload as the domain event `type`.
    ///
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/invalidEvent`` when
    ///   the event's type is not `T.eventType` or the payload does not decode as `T`.
    public func decode<T: DomainEvent>(as type: T.Type) throws -> T {
        guard self.type.utf8.elementsEqual(T.eventType.utf8) else {
            throw EventStoreError(.invalidEvent, "event of type \(self.type.debugDescription) is not a \(T.eventType)")
        }
        do {
            return try DomainEventCoding.decoder.decode(T.self, from: data)
        } catch {
            throw EventStoreError(.invalidEvent, "cannot decode the \(T.eventType) payload: \(error)")
        }
    }
}

extension SequencedEvent {
    /// Decodes the payload as the domain event `type`.
    ///
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/invalidEvent`` naming
    ///   the position when the type or payload does not match.
    public func decode<T: DomainEvent>(as type: T.Type) throws -> T {
        do {
            return try event.decode(as: type)
        } catch let error as EventStoreError {
            throw EventStoreError(.invalidEvent, "event at position \(position): \(error.message)")
        }
    }
}

/// The JSON coders for domain events: ISO 8601 dates, sorted keys so the same value
/// always gives the same bytes.
enum DomainEventCoding {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
