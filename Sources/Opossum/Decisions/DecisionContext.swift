public import Foundation

/// What a decision knows besides its projections' states.
///
/// Decisions that depend on time read ``now`` here rather than calling `Date()`, so
/// tests can fix the time with a ``ManualDecisionClock``.
public struct DecisionContext: Hashable, Sendable {
    /// The time of this attempt, from the decision's ``DecisionClock``.
    public let now: Date
    /// Which attempt this is, from 1; above 1 after a conflict.
    public let attempt: Int
    /// The highest position read, which becomes the append condition's `after`;
    /// `nil` when no event matched the projections' queries.
    public let readPosition: Position?

    /// Creates a context; ``EventStore/decide(_:retry:clock:isolation:decision:)`` makes
    /// these, tests of a decision closure may too.
    public init(now: Date, attempt: Int, readPosition: Position?) {
        self.now = now
        self.attempt = attempt
        self.readPosition = readPosition
    }
}
