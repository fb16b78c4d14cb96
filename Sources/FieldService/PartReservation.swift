public import Opossum

/// One reservation of parts, as the desk sees it when asked to release it.
public struct PartReservation: Hashable, Sendable {
    /// The reservation's id.
    public let id: String
    /// What was reserved; `nil` until a ``PartReserved`` is seen.
    public var reserved: PartReserved?
    /// Whether the reservation was released.
    public var isReleased = false

    /// A reservation nothing is known about.
    public init(id: String) {
        self.id = id
    }

    /// Whether the reservation exists and still holds its parts.
    public var isActive: Bool { reserved != nil && !isReleased }

    /// The decision projection for the reservation `id`.
    public static func projection(_ id: String) -> Projection {
        Projection(reservationId: id)
    }

    /// Folds the events of one reservation into a ``PartReservation``.
    public struct Projection: DecisionProjectionProtocol {
        /// The reservation.
        public let reservationId: String

        /// A reservation nothing is known about.
        public var initialState: PartReservation { PartReservation(id: reservationId) }

        /// The reservation and its release.
        public var query: Query {
            .fieldService(
                types: [PartReserved.self, ReservationReleased.self],
                tags: [.reservation(reservationId)]
            )
        }

        /// The reservation after `event`.
        public func apply(_ state: PartReservation, _ event: SequencedEvent) throws -> PartReservation {
            var state = state
            switch event.type {
            case PartReserved.eventType: state.reserved = try event.decode(as: PartReserved.self)
            case ReservationReleased.eventType: state.isReleased = true
            default: break
            }
            return state
        }
    }
}
