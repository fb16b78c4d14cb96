/// What a decision chose: the events to append, and a value to hand back to the caller.
///
/// The value is how a decision reports what it decided — the invoice number it
/// assigned, the id of the order it found or created — without the caller having to
/// read the log again.
///
/// ```swift
/// return .append([event])                          // nothing to report
/// return Decision(append: [event], returning: 42)  // report the number assigned
/// return .nothing(returning: existingOrderId)      // already done: append nothing
/// ```
public struct Decision<Value: Sendable>: Sendable {
    /// The events to append as one batch; empty to append nothing.
    public var events: [Event]
    /// What the decision reports to its caller.
    public var value: Value

    /// A decision to append `events` and report `value`.
    public init(append events: [Event], returning value: Value) {
        self.events = events
        self.value = value
    }

    /// A decision to append nothing and report `value`, such as the result of a
    /// request that was already carried out.
    public static func nothing(returning value: Value) -> Decision {
        Decision(append: [], returning: value)
    }
}

extension Decision where Value == Void {
    /// A decision to append `events`, with nothing to report.
    public static func append(_ events: [Event]) -> Decision {
        Decision(append: events, returning: ())
    }

    /// A decision to append `event`, with nothing to report.
    public static func append(_ event: Event) -> Decision {
        Decision(append: [event], returning: ())
    }

    /// A decision to append nothing, because nothing needs to change.
    public static var nothing: Decision {
        Decision(append: [], returning: ())
    }
}
