/// What a projection is: which events it reads, how it keys them, and how each event
/// changes the state of its key.
///
/// A projection folds the events of ``eventTypes`` into one state per key. The
/// ``ProjectionRunner`` keeps the folded states on disk and up to date; a
/// ``ProjectionStore`` reads them.
///
/// ```swift
/// struct CourseEnrollments: ProjectionDefinition {
///     struct State: Codable, Sendable { var capacity: Int; var enrolled: Int }
///     let name = "CourseEnrollments"
///     let version = 1
///     let eventTypes = ["CourseCreated", "StudentEnrolledToCourse"]
///
///     func key(for event: SequencedEvent) -> String? {
///         event.tags.first { $0.key == "courseId" }?.value
///     }
///
///     func apply(state: State?, event: SequencedEvent) throws -> State? {
///         switch event.type {
///         case "CourseCreated": return State(capacity: try capacity(of: event), enrolled: 0)
///         default: return state.map { State(capacity: $0.capacity, enrolled: $0.enrolled + 1) }
///         }
///     }
///
///     func tags(for state: State) -> [Tag] {
///         [Tag("isFull", state.enrolled >= state.capacity ? "true" : "false")]
///     }
/// }
/// ```
///
/// `apply` must be a pure function of its arguments: a rebuild replays the same
/// events and must reach the same states. Change ``version`` whenever `apply`,
/// `key(for:)` or `tags(for:)` change meaning, and the runner rebuilds the
/// projection when it next starts.
public protocol ProjectionDefinition: Sendable {
    /// The state kept for each key; stored as JSON.
    associatedtype State: Codable & Sendable

    /// The projection's name: any text, unique among a store's projections.
    var name: String { get }

    /// The version of the definition's logic; a projection persisted by another
    /// version is rebuilt from the first event when the runner starts it.
    var version: Int { get }

    /// The event types the projection reads; empty reads every event.
    var eventTypes: [String] { get }

    /// The key whose state `event` changes, or `nil` to skip the event.
    func key(for event: SequencedEvent) -> String?

    /// The state of a key after `event`, given its state before (`nil` when the key
    /// has none). Returning `nil` deletes the key.
    ///
    /// A thrown error stops the projection at `event`: the batch holding it is not
    /// committed and the runner reports a ``ProjectionError``.
    func apply(state: State?, event: SequencedEvent) throws -> State?

    /// Tags that describe a state, for ``ProjectionStore/query(tags:)``, such as
    /// `isFull:true`. None by default.
    func tags(for state: State) -> [Tag]
}

extension ProjectionDefinition {
    /// No tags: the projection is read by key or as a whole.
    public func tags(for state: State) -> [Tag] { [] }

    /// The query that selects the events the projection reads.
    var query: Query {
        get throws {
            eventTypes.isEmpty ? .all : Query(try QueryItem(types: eventTypes))
        }
    }
}
