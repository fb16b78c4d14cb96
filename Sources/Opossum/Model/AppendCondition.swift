/// The consistency check an append runs before it writes: fail if any event the
/// decision did not see matches the query.
///
/// `after` is exclusive: with it, the append fails if some event at a position
/// greater than `after` matches; without it, the append fails if any event at all
/// matches. The events being appended are never checked against their own condition.
public struct AppendCondition: Hashable, Sendable {
    /// The events whose appearance invalidates the decision.
    public var failIfEventsMatch: Query
    /// The last position the decision saw; only later events count. `nil` means all events count.
    public var after: Position?

    /// Creates a condition.
    public init(failIfEventsMatch: Query, after: Position? = nil) {
        self.failIfEventsMatch = failIfEventsMatch
        self.after = after
    }
}
