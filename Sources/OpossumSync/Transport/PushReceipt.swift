/// The hub's answer to a push: one verdict per batch, in the bundle's order — the body
/// of a `200` to `POST /v1/sites/{site}/push`.
///
/// A rejection is a domain answer, not an HTTP error: it arrives here, with the
/// reason and the conflicting events.
public struct PushReceipt: Codable, Hashable, Sendable {
    /// The verdicts, in the bundle's order.
    public var verdicts: [BatchVerdict]

    /// Makes a receipt.
    public init(verdicts: [BatchVerdict]) {
        self.verdicts = verdicts
    }

    /// How many batches were accepted now (not counting duplicates).
    public var acceptedCount: Int {
        verdicts.filter { !$0.isDuplicate && $0.verdict.outcome == .accepted }.count
    }

    /// How many batches were rejected now (not counting duplicates).
    public var rejectedCount: Int {
        verdicts.filter { !$0.isDuplicate && $0.verdict.outcome == .rejected }.count
    }

    /// How many batches had been judged before: a resent push.
    public var duplicateCount: Int {
        verdicts.filter(\.isDuplicate).count
    }
}
