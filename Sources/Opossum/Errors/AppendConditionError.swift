/// The append condition failed: an event the decision did not see matches its query.
///
/// Nothing was written. The usual response is to read again, decide again, and
/// retry with a fresh condition.
public struct AppendConditionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The condition that failed.
    public let condition: AppendCondition
    /// The position of the first event that matched the condition's query after its `after`.
    public let conflictingPosition: Position

    /// Creates the error.
    public init(condition: AppendCondition, conflictingPosition: Position) {
        self.condition = condition
        self.conflictingPosition = conflictingPosition
    }

    /// A sentence naming the conflicting position.
    public var description: String {
        let after = condition.after.map { "after position \($0)" } ?? "in the whole store"
        return
            "append condition failed: the event at position \(conflictingPosition) matches the condition's query \(after)"
    }
}
