/// An event as its segment line records it: with the batch it was appended in and
/// the condition that batch was appended under. What sync sends to the hub.
package struct StoredEvent: Sendable {
    /// The event, its position and origin.
    package let event: SequencedEvent
    /// The first position of the event's batch.
    package let batchFirst: Position
    /// How many events the batch holds.
    package let batchCount: Int
    /// The batch's append condition, on the batch's first event only.
    package let condition: AppendCondition?
    /// The event's segment line (without its newline), when asked for; the event's
    /// payload and metadata are not decoded then.
    package let line: [UInt8]?
}
