import Foundation
import Opossum
import Testing

/// Counts the enrolments in one course and remembers whether it exists.
private struct CourseProjection: DecisionProjectionProtocol {
    struct State: Sendable, Equatable {
        var capacity: Int?
        var enrolled: [String] = []
    }

    let courseId: String
    var initialState: State { State() }
    var query: Query { .course(courseId) }

    func apply(_ state: State, _ event: SequencedEvent) throws -> State {
        var state = state
        let payload = try JSONSerialization.jsonObject(with: event.data) as? [String: Any] ?? [:]
        switch event.type {
        case EventType.courseCreated: state.capacity = payload["maxStudents"] as? Int
        case EventType.studentEnrolledToCourse: state.enrolled.append(payload["studentId"] as? String ?? "?")
        default: break
        }
        return state
    }
}

/// The positions a projection was folded over, to see exactly what it was given.
private func positionsSeen(_ query: Query, scope: DecisionProjectionScope = .everyEvent) -> DecisionProjection<[UInt64]>
{
    DecisionProjection(initialState: [], query: query, scope: scope) { seen, event in seen + [event.position.rawValue] }
}

private struct CourseFull: Error, Equatable {
    let courseId: String
}

@Suite("Decision models")
struct DecisionModelTests {
    @Test("each projection folds only the events matching its own query, from one read")
    func projectionsFoldTheirOwnEvents() async throws {
        try await withStore { store in
            try await store.append([.courseCreated("c1", maxStudents: 2), .courseCreated("c2", maxStudents: 5)])
            try await store.append(.studentEnrolled("s1", in: "c1"))
            try await store.append(.studentEnrolled("s2", in: "c2"))
            try await store.append(.studentRegistered("s3"))
            let outcome = try await store.decide(
                CourseProjection(courseId: "c1"),
                CourseProjection(courseId: "c2"),
                positionsSeen(.student("s2"))
            ) { context, first, second, student in
                #expect(first == CourseProjection.State(capacity: 2, enrolled: ["s1"]))
                #expect(second == CourseProjection.State(capacity: 5, enrolled: ["s2"]))
                #expect(student == [4])
                // The highest position among the events read, not the store's head (5).
                #expect(context.readPosition == Position(4))
                #expect(context.attempt == 1)
                return .nothing(returning: first.enrolled.count + second.enrolled.count)
            }
            #expect(outcome.value == 2)
            #expect(!outcome.didAppend)
            #expect(outcome.attempts == 1)
        }
    }

    @Test("the returned events are appended as one batch and the outcome says where")
    func decisionAppendsReturnedEvents() async throws {
        try await withStore { store in
            try await store.append(.courseCreated("c1", maxStudents: 2))
            let outcome = try await store.decide(CourseProjection(courseId: "c1")) { _, course in
                Decision(append: [.studentEnrolled("s1", in: "c1"), .studentEnrolled("s2", in: "c1")], returning: "ok")
            }
            #expect(outcome == DecisionOutcome(value: "ok", eventCount: 2, lastPosition: 3, attempts: 1))
            #expect(outcome.positions == Position(2)...Position(3))
            #expect(
                try await store.readAll(.course("c1")).map(\.type) == [
                    EventType.courseCreated, EventType.studentEnrolledToCourse, EventType.studentEnrolledToCourse,
                ]
            )
        }
    }

    @Test("a decision that returns no events appends nothing")
    func emptyDecisionAppendsNothing() async throws {
        try await withStore { store in
            try await store.append(.courseCreated("c1"))
            let before = try await store.snapshot()
            let outcome = try await store.decide(CourseProjection(courseId: "c1")) { _, _ in .nothing }
            #expect(!outcome.didAppend)
            #expect(outcome.eventCount == 0)
            #expect(outcome.positions == nil)
            #expect(try await store.snapshot() == before)
        }
    }

    @Test("a matching event appended after the read makes the attempt conflict and the decision re-read")
    func matchingEventAfterReadForcesRetry() async throws {
        try await withStore { store in
            try await store.append(.courseCreated("c1", maxStudents: 2))
            let clock = ManualDecisionClock()
            var seen: [[String]] = []
            let outcome = try await store.decide(CourseProjection(courseId: "c1"), clock: clock) { context, course in
                seen.append(course.enrolled)
                if context.attempt == 1 {
                    // Another writer takes a seat between this attempt's read and its append.
                    try await store.append(.studentEnrolled("rival", in: "c1"))
                }
                guard course.enrolled.count < course.capacity ?? 0 else { throw CourseFull(courseId: "c1") }
                return .append(.studentEnrolled("s1", in: "c1"))
            }
            #expect(seen == [[], ["rival"]])
            #expect(outcome.attempts == 2)
            #expect(outcome.lastPosition == Position(3))
            #expect(clock.sleeps.count == 1)
        }
    }

    @Test("an event outside the projections' queries does not conflict")
    func unrelatedEventDoesNotConflict() async throws {
        try await withStore { store in
            try await store.append(.courseCreated("c1"))
            let outcome = try await store.decide(CourseProjection(courseId: "c1")) { context, _ in
                if context.attempt == 1 { try await store.append(.studentEnrolled("s9", in: "c2")) }
                return .append(.studentEnrolled("s1", in: "c1"))
            }
            #expect(outcome.attempts == 1)
            #expect(outcome.lastPosition == Position(3))
        }
    }

    @Test("when nothing matched, the condition has no after and fails on any matching event")
    func nothingReadMeansNoAfter() async throws {
        try await withStore { store in
            try await store.append([.studentRegistered("s1"), .courseCreated("other")])
            let outcome = try await store.decide(
                CourseProjection(courseId: "c1"),
                retry: RetryPolicy(initialDelay: .zero)
            ) { context, course in
                if context.attempt == 1 {
                    #expect(context.readPosition == nil)
                    try await store.append(.courseCreated("c1", maxStudents: 1))
                } else {
                    #expect(context.readPosition == Position(3))
                }
                return .nothing(returning: course.capacity)
            }
            // Returning nothing never conflicts: the first attempt ends there.
            #expect(outcome.value == nil)
            let conflict = await #expect(throws: DecisionConflictError.self) {
                _ = try await store.decide(CourseProjection(courseId: "c2"), retry: .never) { _, _ in
                    try await store.append(.courseCreated("c2"))
                    return .append(.studentEnrolled("s1", in: "c2"))
                }
            }
            #expect(conflict?.lastConflict.condition == AppendCondition(failIfEventsMatch: .course("c2"), after: nil))
            #expect(conflict?.lastConflict.conflictingPosition == Position(4))
        }
    }

    @Test("a projection over Query.all makes the whole condition Query.all")
    func queryAllProjectionGuardsEverything() async throws {
        try await withStore { store in
            try await store.append(.courseCreated("c1"))
            let everything = positionsSeen(.all)
            let conflict = await #expect(throws: DecisionConflictError.self) {
                _ = try await store.decide(CourseProjection(courseId: "c1"), everything, retry: .never) { _, _, seen in
                    #expect(seen == [1])
                    try await store.append(.studentRegistered("unrelated"))
                    return .append(.studentEnrolled("s1", in: "c1"))
                }
            }
            #expect(conflict?.lastConflict.condition == AppendCondition(failIfEventsMatch: .all, after: 1))
            #expect(conflict?.attempts == 1)
        }
    }

    @Test("a domain error from the decision is thrown unchanged and not retried")
    func domainErrorIsNotRetried() async throws {
        try await withStore { store in
            try await store.append([.courseCreated("c1", maxStudents: 1), .studentEnrolled("s1", in: "c1")])
            var calls = 0
            let error = await #expect(throws: CourseFull.self) {
                _ = try await store.decide(CourseProjection(courseId: "c1")) { _, course in
                    calls += 1
                    guard course.enrolled.count < course.capacity ?? 0 else { throw CourseFull(courseId: "c1") }
                    return .append(.studentEnrolled("s2", in: "c1"))
                }
            }
            #expect(error == CourseFull(courseId: "c1"))
            #expect(calls == 1)
            #expect(try await store.readAll(.course("c1")).count == 2)
        }
    }

    @Test("after the last attempt conflicts the error says how many attempts and which conflict")
    func exhaustedRetriesReportAttemptsAndLastConflict() async throws {
        try await withStore { store in
            let clock = ManualDecisionClock()
            let policy = RetryPolicy(
                maxAttempts: 4,
                initialDelay: .milliseconds(1),
                maxDelay: .milliseconds(3),
                jitter: 0
            )
            let error = await #expect(throws: DecisionConflictError.self) {
                _ = try await store.decide(CourseProjection(courseId: "c1"), retry: policy, clock: clock) {
                    context,
                    _ in
                    // Someone always wins the race.
                    try await store.append(.studentEnrolled("rival\(context.attempt)", in: "c1"))
                    return .append(.studentEnrolled("s1", in: "c1"))
                }
            }
            #expect(error?.attempts == 4)
            #expect(error?.lastConflict.conflictingPosition == Position(4))
            #expect(error?.lastConflict.condition.after == Position(3))
            #expect(error?.description.contains("after 4 attempts") == true)
            #expect(clock.sleeps == [.milliseconds(1), .milliseconds(2), .milliseconds(3)])
            let tags = try await store.readAll(.all).map(\.tags)
            #expect(tags.allSatisfy { !$0.contains(.student("s1")) })
        }
    }

    @Test("the decision sees the time of the injected clock")
    func contextTimeComesFromClock() async throws {
        try await withStore { store in
            let start = Date(timeIntervalSince1970: 1_700_000_000)
            let clock = ManualDecisionClock(now: start)
            clock.advance(by: .seconds(90))
            let outcome = try await store.decide(positionsSeen(.student("s1")), clock: clock) { context, _ in
                Decision(append: [Event.studentRegistered("s1").timestamped(context.now)], returning: context.now)
            }
            #expect(outcome.value == start.addingTimeInterval(90))
            #expect(try await store.readAll(.student("s1")).first?.timestamp == start.addingTimeInterval(90))
        }
    }

    @Test("last-event projections read backwards and see only the newest match")
    func lastEventScopeSeesNewestMatchOnly() async throws {
        try await withStore { store in
            for index in 1...5 {
                try await store.append([.studentRegistered("s\(index)"), .courseCreated("c\(index)")])
            }
            let lastStudent = positionsSeen(.type(EventType.studentRegistered), scope: .lastEvent)
            let lastCourse = positionsSeen(.type(EventType.courseCreated), scope: .lastEvent)
            _ = try await store.decide(lastStudent, lastCourse) { context, student, course in
                #expect(student == [9])
                #expect(course == [10])
                #expect(context.readPosition == Position(10))
                return .nothing
            }
            // Mixed with a projection that needs every event, the last-event one still sees one event.
            _ = try await store.decide(lastStudent, positionsSeen(.type(EventType.courseCreated))) {
                context,
                last,
                all in
                #expect(last == [9])
                #expect(all == [2, 4, 6, 8, 10])
                return .nothing
            }
        }
    }

    @Test("a last-event decision still conflicts with a newer matching event")
    func lastEventScopeConflictsWithNewerEvent() async throws {
        try await withStore { store in
            try await store.append([.studentRegistered("s1"), .studentRegistered("s2")])
            let last = positionsSeen(.type(EventType.studentRegistered), scope: .lastEvent)
            let outcome = try await store.decide(last, clock: ManualDecisionClock()) { context, seen in
                if context.attempt == 1 {
                    #expect(seen == [2])
                    try await store.append(.studentRegistered("s3"))
                } else {
                    #expect(seen == [3])
                }
                return .append(.studentRegistered("s\(seen[0] + 1)-next"))
            }
            #expect(outcome.attempts == 2)
            #expect(outcome.lastPosition == Position(4))
        }
    }

    @Test("the decision closure runs on the caller's actor")
    @MainActor
    func decisionRunsOnCallersActor() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try await FileEventStore.create(at: directory.storePath, name: "main", options: .testing)
        var attempts: [Int] = []
        let outcome = try await store.decide(CourseProjection(courseId: "c1")) { context, _ in
            MainActor.assertIsolated("the decision left the main actor")
            attempts.append(context.attempt)
            return .append(.courseCreated("c1"))
        }
        await store.close()
        #expect(attempts == [1])
        #expect(outcome.didAppend)
    }

    @Test("a decision with no projections appends without a condition")
    func noProjectionsAppendsUnconditionally() async throws {
        try await withStore { store in
            try await store.append(.courseCreated("c1"))
            let outcome = try await store.decide { context in
                #expect(context.readPosition == nil)
                return .append(.studentRegistered("s1"))
            }
            #expect(outcome.lastPosition == Position(2))
        }
    }
}
