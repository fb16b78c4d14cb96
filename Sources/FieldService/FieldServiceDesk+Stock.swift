public import Foundation
public import Opossum

extension FieldServiceDesk {
    /// Records that `quantity` of part `sku` arrived at depot `depotId`.
    ///
    /// Receiving has no rule to race against — more stock never breaks one — so it
    /// appends without reading and never conflicts.
    ///
    /// - Throws: ``FieldServiceError/Code/invalidQuantity`` unless `quantity` is positive.
    @discardableResult
    public func receiveStock(_ quantity: Int, of sku: String, at depotId: String) async throws -> DecisionOutcome<Void>
    {
        try Self.requirePositive(quantity, of: sku)
        return try await store.decide(retry: retry, clock: clock) { _ in
            .append(try StockReceived(depotId: depotId, sku: sku, quantity: quantity).event())
        }
    }

    /// Sets aside `quantity` of part `sku` at depot `depotId` for work order `workOrderId`.
    ///
    /// Repeating a reservation with the same id and details changes nothing, so a
    /// client that lost the answer can safely ask again.
    ///
    /// - Parameter reservationId: The reservation's id; a new one by default.
    /// - Returns: The outcome, whose value is the reservation id.
    /// - Throws: ``FieldServiceError`` with ``FieldServiceError/Code/insufficientStock``
    ///   when fewer are available than requested, ``FieldServiceError/Code/workOrderNotFound``
    ///   or ``FieldServiceError/Code/workOrderCompleted`` for a work order that cannot
    ///   take parts, ``FieldServiceError/Code/invalidQuantity``, or
    ///   ``FieldServiceError/Code/reservationConflict`` when the id names another reservation.
    @discardableResult
    public func reservePart(
        _ sku: String,
        quantity: Int = 1,
        at depotId: String,
        for workOrderId: String,
        reservationId: String = UUID().uuidString
    ) async throws -> DecisionOutcome<String> {
        try Self.requirePositive(quantity, of: sku)
        let request = PartReserved(
            reservationId: reservationId,
            depotId: depotId,
            sku: sku,
            quantity: quantity,
            workOrderId: workOrderId
        )
        return try await store.decide(
            PartStock.projection(depot: depotId, sku: sku),
            WorkOrder.projection(workOrderId),
            PartReservation.projection(reservationId),
            retry: retry,
            clock: clock
        ) { _, stock, workOrder, existing in
            if let earlier = existing.reserved {
                guard earlier == request else {
                    throw FieldServiceError(
                        .reservationConflict,
                        "reservation \(reservationId) already exists for \(earlier.quantity) of part \(earlier.sku) at depot \(earlier.depotId) for work order \(earlier.workOrderId)"
                    )
                }
                return .nothing(returning: reservationId)
            }
            try Self.requireOpen(workOrder)
            guard stock.available >= quantity else {
                throw FieldServiceError(
                    .insufficientStock,
                    "part \(sku) at depot \(depotId): \(stock.available) in stock, \(quantity) requested"
                )
            }
            return Decision(append: [try request.event()], returning: reservationId)
        }
    }

    /// Gives up reservation `reservationId`, returning its parts to the depot's stock.
    ///
    /// - Throws: ``FieldServiceError`` with ``FieldServiceError/Code/reservationNotFound``
    ///   or, when it was released before, ``FieldServiceError/Code/reservationReleased``.
    @discardableResult
    public func releaseReservation(_ reservationId: String) async throws -> DecisionOutcome<Void> {
        let projection = PartReservation.projection(reservationId)
        return try await store.decide(projection, retry: retry, clock: clock) { _, reservation in
            guard let reserved = reservation.reserved else {
                throw FieldServiceError(.reservationNotFound, "reservation \(reservationId) does not exist")
            }
            guard !reservation.isReleased else {
                throw FieldServiceError(.reservationReleased, "reservation \(reservationId) was already released")
            }
            return .append(try ReservationReleased(reserved).event())
        }
    }

    /// The stock of part `sku` at depot `depotId` as of now, for display; decisions
    /// read their own.
    public func stock(of sku: String, at depotId: String) async throws -> PartStock {
        try await store.decide(PartStock.projection(depot: depotId, sku: sku)) { _, stock in
            .nothing(returning: stock)
        }.value
    }

    static func requirePositive(_ quantity: Int, of sku: String) throws(FieldServiceError) {
        guard quantity > 0 else {
            throw FieldServiceError(.invalidQuantity, "quantity of part \(sku) must be positive, not \(quantity)")
        }
    }
}
