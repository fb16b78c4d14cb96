public import Opossum

/// How many of one part a depot holds and has set aside, when the desk decides.
public struct PartStock: Hashable, Sendable {
    /// The depot.
    public let depotId: String
    /// The part's stock-keeping unit.
    public let sku: String
    /// Everything received so far.
    public var received = 0
    /// What active reservations hold.
    public var reserved = 0

    /// Stock nothing is known about: none.
    public init(depotId: String, sku: String) {
        self.depotId = depotId
        self.sku = sku
    }

    /// What can still be reserved; never below zero, because reserving checks it.
    public var available: Int { received - reserved }

    /// The decision projection for part `sku` at depot `depotId`.
    public static func projection(depot depotId: String, sku: String) -> Projection {
        Projection(depotId: depotId, sku: sku)
    }

    /// Folds the stock movements of one part at one depot into a ``PartStock``.
    public struct Projection: DecisionProjectionProtocol {
        /// The depot.
        public let depotId: String
        /// The part's stock-keeping unit.
        public let sku: String

        /// No stock.
        public var initialState: PartStock { PartStock(depotId: depotId, sku: sku) }

        /// Receipts, reservations and releases tagged with both the depot and the part.
        public var query: Query {
            .fieldService(
                types: [StockReceived.self, PartReserved.self, ReservationReleased.self],
                tags: [.depot(depotId), .part(sku)]
            )
        }

        /// The stock after `event`.
        public func apply(_ state: PartStock, _ event: SequencedEvent) throws -> PartStock {
            var state = state
            switch event.type {
            case StockReceived.eventType:
                state.received += try event.decode(as: StockReceived.self).quantity
            case PartReserved.eventType:
                state.reserved += try event.decode(as: PartReserved.self).quantity
            case ReservationReleased.eventType:
                state.reserved -= try event.decode(as: ReservationReleased.self).quantity
            default:
                break
            }
            return state
        }
    }
}
