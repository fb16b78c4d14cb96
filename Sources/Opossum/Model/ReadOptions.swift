/// How a read walks the matching events.
///
/// The options apply in this order: `from` selects the starting position
/// (inclusive), `backwards` chooses the direction, and `limit` caps the count.
public struct ReadOptions: Hashable, Sendable {
    /// The first position to consider, inclusive: reading forwards returns positions
    /// `>= from`, backwards `<= from`. `nil` starts at the beginning (or, backwards, the end).
    public var from: Position?
    /// Whether to return events from the highest position down.
    public var backwards: Bool
    /// The most events to return; `0` returns none; `nil` means no limit.
    public var limit: Int?

    /// Creates read options.
    public init(from: Position? = nil, backwards: Bool = false, limit: Int? = nil) {
        self.from = from
        self.backwards = backwards
        self.limit = limit
    }

    /// Forwards from the first event, no limit.
    public static let none = ReadOptions()
}
