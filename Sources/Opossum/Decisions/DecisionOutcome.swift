/// How a decision ended: what it appended, after how many attempts, and the value it reported.
public struct DecisionOutcome<Value: Sendable>: Sendable {
    /// The value the final attempt's decision reported.
    public let value: Value
    /// How many events were appended; 0 when the decision had nothing to append.
    public let eventCount: Int
    /// The position of the last appended event; `nil` when nothing was appended.
    public let lastPosition: Position?
    /// How many times the decision was made: 1, plus one per conflict retried.
    public let attempts: Int

    /// Creates an outcome.
    public init(value: Value, eventCount: Int, lastPosition: Position?, attempts: Int) {
        self.value = value
        self.eventCount = eventCount
        self.lastPosition = lastPosition
        self.attempts = attempts
    }

    /// Whether the decision appended events (otherwise it had nothing to append).
    public var didAppend: Bool { lastPosition != nil }

    /// The positions of the appended events, which are consecutive; `nil` when nothing
    /// was appended.
    public var positions: ClosedRange<Position>? {
        guard let lastPosition, eventCount > 0 else { return nil }
        return Position(lastPosition.rawValue - UInt64(eventCount - 1))...lastPosition
    }
}

extension DecisionOutcome: Equatable where Value: Equatable {}
extension DecisionOutcome: Hashable where Value: Hashable {}
