extension EventStore {
    /// Makes a decision under a consistency boundary built from its projections, and
    /// appends what it decided — retrying from a fresh read when another writer got there first.
    ///
    /// Each attempt reads the log once, over the union of the projections' queries;
    /// folds every projection over the events matching its own query; hands the states
    /// to `decision`; and appends the events it returns with the condition "fail if
    /// any event matching the union appeared after the highest position read" (or
    /// anywhere, when nothing matched). The condition covers exactly what the decision
    /// read, so the rule the decision enforces holds however many writers, tasks or
    /// processes race on the same store.
    ///
    /// ```swift
    /// let outcome = try await store.decide(course(id), studentCourses(student)) { _, course, courses in
    ///     guard course.enrolled < course.capacity else { throw EnrolmentError.courseFull(id) }
    ///     guard courses.count < 3 else { throw EnrolmentError.tooManyCourses(student) }
    ///     return .append(try StudentEnrolled(student: student, course: id).toEvent(tags: ...))
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - projections: The states the decision needs; `decision` receives them in this order.
    ///   - policy: How many attempts, and how long to wait between them.
    ///   - clock: The time the decision sees as ``DecisionContext/now``, and how waits happen.
    ///   - isolation: The caller's actor, so `decision` runs where it was written.
    ///   - decision: Returns the events to append (maybe none) and a value to report;
    ///     throws to refuse, such as when a domain rule forbids the request.
    /// - Returns: What was appended, after how many attempts, and the decision's value.
    /// - Throws: The error `decision` or a projection throws, unchanged and not retried;
    ///   ``DecisionConflictError`` when every attempt of `policy` conflicted;
    ///   ``EventStoreError`` when reading or appending fails for another reason.
    public func decide<each Projection: DecisionProjectionProtocol, Value: Sendable>(
        _ projections: repeat each Projection,
        retry policy: RetryPolicy = .default,
        clock: any DecisionClock = SystemDecisionClock(),
        isolation: isolated (any Actor)? = #isolation,
        decision: (DecisionContext, repeat (each Projection).State) async throws -> Decision<Value>
    ) async throws -> DecisionOutcome<Value> {
        var queries: [Query] = []
        for projection in repeat each projections {
            queries.append(projection.query)
        }
        let union = Query.union(queries)
        var random = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            let folds = (repeat ProjectionFold(each projections))
            var erased: [any ProjectionFolding] = []
            for fold in repeat each folds {
                erased.append(fold)
            }
            let readPosition = try await readOnce(union, into: erased)
            let context = DecisionContext(now: clock.now, attempt: attempt, readPosition: readPosition)
            let chosen = try await decision(context, repeat (each folds).state)
            if chosen.events.isEmpty {
                return DecisionOutcome(value: chosen.value, eventCount: 0, lastPosition: nil, attempts: attempt)
            }
            // No projections means nothing was read, so there is nothing to guard.
            let condition = union.map { AppendCondition(failIfEventsMatch: $0, after: readPosition) }
            do {
                let last = try await append(chosen.events, condition: condition)
                return DecisionOutcome(
                    value: chosen.value,
                    eventCount: chosen.events.count,
                    lastPosition: last,
                    attempts: attempt
                )
            } catch let conflict as AppendConditionError {
                guard attempt < policy.maxAttempts else {
                    throw DecisionConflictError(attempts: attempt, lastConflict: conflict)
                }
                let wait = policy.delay(afterAttempt: attempt, random: Double.random(in: 0..<1, using: &random))
                try await clock.sleep(for: wait)
                attempt += 1
            }
        }
    }

    /// Reads the events matching `union` once and feeds each fold those matching its
    /// own query; returns the highest position read, or `nil` if nothing matched.
    private func readOnce(_ union: Query?, into folds: [any ProjectionFolding]) async throws -> Position? {
        guard let union else { return nil }
        var highest: Position?
        if folds.allSatisfy({ $0.scope == .lastEvent }) {
            // Only the newest match of each query matters: walk down from the end and
            // stop once every fold has its event. The first event seen is the highest.
            var waiting = folds.count
            for try await event in read(union, options: ReadOptions(backwards: true)) {
                highest = highest ?? event.position
                for fold in folds where !fold.hasEvent && fold.query.matches(event.event) {
                    try fold.offer(event)
                    waiting -= 1
                }
                if waiting == 0 { break }
            }
        } else {
            for try await event in read(union, options: .none) {
                highest = event.position
                for fold in folds where fold.query.matches(event.event) {
                    try fold.offer(event)
                }
            }
        }
        for fold in folds {
            try fold.finish()
        }
        return highest
    }
}

/// A fold in progress, without its state type, so one read can feed a list of them.
private protocol ProjectionFolding: AnyObject {
    var query: Query { get }
    var scope: DecisionProjectionScope { get }
    /// Whether a matching event was offered.
    var hasEvent: Bool { get }
    func offer(_ event: SequencedEvent) throws
    func finish() throws
}

/// One projection's state while an attempt reads.
private final class ProjectionFold<Projection: DecisionProjectionProtocol>: ProjectionFolding {
    let projection: Projection
    private(set) var state: Projection.State
    /// For a ``DecisionProjectionScope/lastEvent`` projection: the newest match so far.
    private var latest: SequencedEvent?
    private(set) var hasEvent = false

    init(_ projection: Projection) {
        self.projection = projection
        self.state = projection.initialState
    }

    var query: Query { projection.query }
    var scope: DecisionProjectionScope { projection.scope }

    func offer(_ event: SequencedEvent) throws {
        hasEvent = true
        switch projection.scope {
        case .everyEvent: state = try projection.apply(state, event)
        case .lastEvent: latest = event
        }
    }

    func finish() throws {
        if let latest {
            state = try projection.apply(projection.initialState, latest)
        }
    }
}

extension Query {
    /// The query matching what any of `queries` matches, or `nil` for no queries.
    ///
    /// Exact by construction: ``Query/all`` if any of them is, otherwise every item of
    /// every query (duplicates dropped), so the union never matches less than its parts.
    static func union(_ queries: [Query]) -> Query? {
        guard !queries.isEmpty else { return nil }
        if queries.contains(where: \.isAll) { return .all }
        var seen = Set<QueryItem>()
        var items: [QueryItem] = []
        for item in queries.flatMap(\.items) where seen.insert(item).inserted {
            items.append(item)
        }
        // Every query that is not `.all` has an item, so `items` is not empty; if it
        // ever were, matching everything is the safe side for a condition.
        return (try? Query(items: items)) ?? .all
    }
}
