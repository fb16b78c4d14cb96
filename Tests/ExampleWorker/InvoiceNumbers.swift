import Foundation
import Opossum

/// The DCB website's gapless invoice numbers: each invoice takes the number after the
/// last one, with no gaps and no duplicates, however many are created at once.
///
/// The projection needs only the last invoice, so the decision reads backwards and
/// stops at once (a `readLast`), and its condition — no invoice after that one —
/// makes a concurrent creator that took the same number lose and try the next.
enum InvoiceNumbers {
    struct InvoiceCreated: DomainEvent, Hashable {
        static let eventType = "InvoiceCreated"
        var number: Int
        var customer: String
        var issuedAt: Date
    }

    static func invoiceTag(_ number: Int) -> Tag { Tag("invoice", String(number)) }

    /// The number of the last invoice; 0 before the first.
    static var lastNumber: DecisionProjection<Int> {
        let invoices = try! Query.types(InvoiceCreated.eventType)
        return DecisionProjection(initialState: 0, query: invoices, scope: .lastEvent) { _, event in
            try event.decode(as: InvoiceCreated.self).number
        }
    }

    /// Creates an invoice for `customer` under the next number, dated by `clock`.
    ///
    /// - Returns: The outcome, whose value is the invoice's number.
    @discardableResult
    static func create(
        for customer: String,
        in store: some EventStore,
        retry: RetryPolicy = .default,
        clock: any DecisionClock = SystemDecisionClock()
    ) async throws -> DecisionOutcome<Int> {
        try await store.decide(lastNumber, retry: retry, clock: clock) { context, last in
            let invoice = InvoiceCreated(number: last + 1, customer: customer, issuedAt: context.now)
            return Decision(append: [try invoice.toEvent(tags: [invoiceTag(last + 1)])], returning: last + 1)
        }
    }
}
