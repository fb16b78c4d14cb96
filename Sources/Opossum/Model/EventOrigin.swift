public import Foundation

/// Where an event was first appended: the store and that store's position for it.
///
/// Positions are local to a store; the origin is what identifies an event's place of
/// birth when the event is copied between stores by sync.
public struct EventOrigin: Hashable, Sendable, Codable {
    /// The identity of the store that first appended the event.
    public var storeId: UUID
    /// The event's position in that store.
    public var position: Position

    /// Creates an origin.
    public init(storeId: UUID, position: Position) {
        self.storeId = storeId
        self.position = position
    }
}
