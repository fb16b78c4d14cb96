/// A decision kept conflicting with concurrent appends until its ``RetryPolicy`` ran out.
///
/// Every attempt read, decided and tried to append; each time an event the attempt had
/// not seen appeared first. Nothing of this decision was written. Hot boundaries (one
/// course everyone wants) are where this shows up: raise
/// ``RetryPolicy/maxAttempts`` or narrow the projections' queries.
public struct DecisionConflictError: Error, Hashable, Sendable, CustomStringConvertible {
    /// How many attempts were made, all of which conflicted.
    public let attempts: Int
    /// The conflict that ended the last attempt.
    public let lastConflict: AppendConditionError

    /// Creates the error.
    public init(attempts: Int, lastConflict: AppendConditionError) {
        self.attempts = attempts
        self.lastConflict = lastConflict
    }

    /// A sentence with the number of attempts and the last conflict.
    public var description: String {
        let times = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
        return "decision gave up after \(times); the last one failed: \(lastConflict)"
    }
}
