public import Opossum

/// Parts arrived at a depot.
public struct StockReceived: FieldServiceEvent {
    /// The stored type name.
    public static let eventType = "StockReceived"
    /// The depot that received the parts.
    public var depotId: String
    /// The part's stock-keeping unit.
    public var sku: String
    /// How many arrived; positive.
    public var quantity: Int

    /// Creates the event.
    public init(depotId: String, sku: String, quantity: Int) {
        self.depotId = depotId
        self.sku = sku
        self.quantity = quantity
    }

    /// Filed under the depot and the part.
    public var tags: [Tag] { [.depot(depotId), .part(sku)] }
}

/// Parts at a depot were set aside for a work order; they are no longer available.
public struct PartReserved: FieldServiceEvent {
    /// The stored type name.
    public static let eventType = "PartReserved"
    /// The reservation's id, to release it by.
    public var reservationId: String
    /// The depot the parts are taken from.
    public var depotId: String
    /// The part's stock-keeping unit.
    public var sku: String
    /// How many are reserved; positive.
    public var quantity: Int
    /// The work order the parts are for.
    public var workOrderId: String

    /// Creates the event.
    public init(reservationId: String, depotId: String, sku: String, quantity: Int, workOrderId: String) {
        self.reservationId = reservationId
        self.depotId = depotId
        self.sku = sku
        self.quantity = quantity
        self.workOrderId = workOrderId
    }

    /// Filed under the depot, the part, the work order and the reservation.
    public var tags: [Tag] {
        [.depot(depotId), .part(sku), .workOrder(workOrderId), .reservation(reservationId)]
    }
}

/// A reservation was given up; its parts are available again.
public struct ReservationReleased: FieldServiceEvent {
    /// The stored type name.
    public static let eventType = "ReservationReleased"
    /// The reservation released.
    public var reservationId: String
    /// The depot the parts return to.
    public var depotId: String
    /// The part's stock-keeping unit.
    public var sku: String
    /// How many return to stock.
    public var quantity: Int
    /// The work order they were for.
    public var workOrderId: String

    /// Creates the event, releasing everything `reservation` set aside.
    public init(_ reservation: PartReserved) {
        self.reservationId = reservation.reservationId
        self.depotId = reservation.depotId
        self.sku = reservation.sku
        self.quantity = reservation.quantity
        self.workOrderId = reservation.workOrderId
    }

    /// Filed under the depot, the part, the work order and the reservation.
    public var tags: [Tag] {
        [.depot(depotId), .part(sku), .workOrder(workOrderId), .reservation(reservationId)]
    }
}
