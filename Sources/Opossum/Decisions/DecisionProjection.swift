/// How much of its query a decision projection needs to see.
public enum DecisionProjectionScope: Hashable, Sendable {
    /// Every matching event, folded in position order.
    case everyEvent
    /// Only the matching event with the highest position, such as the last invoice
    /// number. When every projection of a decision says so, the decision reads the
    /// log backwards and stops early, however long the log is.
    case lastEvent
}

/// The state one decision needs, and how to build it from the events that matter.
///
/// A decision projection is the DCB answer to "what must I know before I decide?":
/// its ``query`` names the events that could change the answer, and the decision's
/// append condition is built from that query, so an event that would have changed
/// the state makes the append fail instead of slipping past. Conform a type when the
/// projection has parameters of its own; use ``DecisionProjection`` for a one-off.
public protocol DecisionProjectionProtocol<State>: Sendable {
    /// The state the projection folds into.
    associatedtype State: Sendable

    /// The state before any event was seen.
    var initialState: State { get }
    /// The events that can change the state; the append condition covers exactly these.
    var query: Query { get }
    /// Whether the projection needs every matching event or only the last one.
    var scope: DecisionProjectionScope { get }

    /// The state after `event`, which matches ``query``.
    ///
    /// Throwing ends the decision with that error; it is not retried.
    func apply(_ state: State, _ event: SequencedEvent) throws -> State
}

extension DecisionProjectionProtocol {
    /// Most projections fold every matching event.
    public var scope: DecisionProjectionScope { .everyEvent }
}

/// A decision projection made of a query, an initial state and a closure.
///
/// ```swift
/// let enrolments = DecisionProjection(initialState: 0, query: .course(courseId)) { count, event in
///     event.type == StudentEnrolledToCourse.eventType ? count + 1 : count
/// }
/// ```
public struct DecisionProjection<State: Sendable>: DecisionProjectionProtocol {
    /// The state before any event was seen.
    public let initialState: State
    /// The events that can change the state.
    public let query: Query
    /// Whether the projection needs every matching event or only the last one.
    public let scope: DecisionProjectionScope
    private let step: @Sendable (State, SequencedEvent) throws -> State

    /// Creates a projection folding the events matching `query` with `apply`.
    ///
    /// - Parameters:
    ///   - initialState: The state before any event was seen.
    ///   - query: The events that can change the state.
    ///   - scope: ``DecisionProjectionScope/lastEvent`` when only the latest matching
    ///     event matters; `apply` then sees that one event at most.
    ///   - apply: The state after one matching event.
    public init(
        initialState: State,
        query: Query,
        scope: DecisionProjectionScope = .everyEvent,
        apply: @escaping @Sendable (State, SequencedEvent) throws -> State
    ) {
        self.initialState = initialState
        self.query = query
        self.scope = scope
        self.step = apply
    }

    /// Wraps any conforming projection, to store projections of one state type together.
    public init<Projection: DecisionProjectionProtocol<State>>(_ projection: Projection) {
        self.init(initialState: projection.initialState, query: projection.query, scope: projection.scope) {
            try projection.apply($0, $1)
        }
    }

    /// The state after `event`.
    public func apply(_ state: State, _ event: SequencedEvent) throws -> State {
        try step(state, event)
    }
}
