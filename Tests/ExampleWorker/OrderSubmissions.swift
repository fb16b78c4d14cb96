import Foundation
import Opossum

/// The DCB website's idempotent order submission: a client sends an idempotency token
/// with each order, and sending it again — after a timeout, from a retrying proxy —
/// returns the order already placed instead of placing a second one.
enum OrderSubmissions {
    struct OrderPlaced: DomainEvent, Hashable {
        static let eventType = "OrderPlaced"
        var orderId: String
        var idempotencyToken: String
        var items: [String]
    }

    static func orderTag(_ id: String) -> Tag { Tag("order", id) }
    static func idempotencyTag(_ token: String) -> Tag { Tag("idempotency", token) }

    /// The order placed with an idempotency token, if any.
    static func placedOrder(_ token: String) -> DecisionProjection<String?> {
        let query = try! Query(QueryItem(types: [OrderPlaced.eventType], tags: [idempotencyTag(token)]))
        return DecisionProjection(initialState: nil, query: query) { placed, event in
            try placed ?? event.decode(as: OrderPlaced.self).orderId
        }
    }

    /// Places an order for `items`, or returns the one already placed with `token`.
    ///
    /// - Returns: The outcome, whose value is the order's id; it appended nothing when
    ///   the token had been used.
    @discardableResult
    static func submit(
        _ items: [String],
        idempotencyToken token: String,
        in store: some EventStore,
        retry: RetryPolicy = .default
    ) async throws -> DecisionOutcome<String> {
        try await store.decide(placedOrder(token), retry: retry) { _, placed in
            if let placed { return .nothing(returning: placed) }
            let order = OrderPlaced(orderId: UUID().uuidString, idempotencyToken: token, items: items)
            let event = try order.toEvent(tags: [orderTag(order.orderId), idempotencyTag(token)])
            return Decision(append: [event], returning: order.orderId)
        }
    }
}
