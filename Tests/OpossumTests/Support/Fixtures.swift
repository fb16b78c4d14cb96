import Foundation
import Opossum
import Testing

/// The store's tag, not Swift Testing's `Tag` (test tags) that `import Testing` also brings in.
typealias Tag = Opossum.Tag

// The test vocabulary of the seed: students register, courses are created with a
// capacity, and students enrol in courses. Tags name the student, the course and
// the student's e-mail address, as the seed's handlers did.

/// The event types of the seed's vocabulary.
enum EventType {
    static let studentRegistered = "StudentRegistered"
    static let courseCreated = "CourseCreated"
    static let studentEnrolledToCourse = "StudentEnrolledToCourse"
}

extension Tag {
    /// `studentId:<id>`.
    static func student(_ id: String) -> Tag { Tag("studentId", id) }
    /// `courseId:<id>`.
    static func course(_ id: String) -> Tag { Tag("courseId", id) }
    /// `studentEmail:<address>`.
    static func email(_ address: String) -> Tag { Tag("studentEmail", address) }
}

extension Event {
    /// A student registered, tagged with the student's id and e-mail address.
    static func studentRegistered(_ studentId: String, email: String? = nil) -> Event {
        let email = email ?? "\(studentId)@example.com"
        return Event(
            type: EventType.studentRegistered,
            data: json(["studentId": studentId, "firstName": "Ada", "lastName": "Lovelace", "email": email]),
            tags: [.student(studentId), .email(email)]
        )
    }

    /// A course was created with room for `maxStudents`, tagged with the course's id.
    static func courseCreated(_ courseId: String, maxStudents: Int = 10) -> Event {
        Event(
            type: EventType.courseCreated,
            data: json(["courseId": courseId, "name": "Course \(courseId)", "maxStudents": maxStudents]),
            tags: [.course(courseId)]
        )
    }

    /// A student enrolled in a course, tagged with both.
    static func studentEnrolled(_ studentId: String, in courseId: String) -> Event {
        Event(
            type: EventType.studentEnrolledToCourse,
            data: json(["studentId": studentId, "courseId": courseId]),
            tags: [.student(studentId), .course(courseId)]
        )
    }
}

extension Query {
    /// Every event about one student.
    static func student(_ id: String) -> Query {
        Query(try! QueryItem.tags(.student(id)))
    }

    /// What a decision about enrolling in a course reads: the course and its enrolments.
    static func course(_ id: String) -> Query {
        Query(try! QueryItem(types: [EventType.courseCreated, EventType.studentEnrolledToCourse], tags: [.course(id)]))
    }

    /// Events of one type.
    static func type(_ type: String) -> Query {
        try! Query.types(type)
    }
}

/// A JSON object as UTF-8 bytes, keys sorted so the bytes are predictable.
func json(_ object: [String: any Sendable]) -> Data {
    try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
}

/// A JSON payload given as text, as UTF-8 bytes.
func json(_ text: String) -> Data {
    Data(text.utf8)
}

/// What a store holds, to show that a refused append changed nothing.
struct StoreSnapshot: Equatable {
    var head: Position
    var eventCount: UInt64
    var events: [SequencedEvent]
}

extension FileEventStore {
    /// The store's head, count and every event.
    func snapshot() async throws -> StoreSnapshot {
        let status = try await status()
        return StoreSnapshot(head: status.head, eventCount: status.eventCount, events: try await readAll(.all))
    }
}

/// The positions of `events`, in the order given.
func positions(_ events: [SequencedEvent]) -> [Position] {
    events.map(\.position)
}

/// Positions `first...last` as a list.
func positions(_ range: ClosedRange<UInt64>) -> [Position] {
    range.map { Position($0) }
}

/// Runs `body`, expecting it to fail with an ``EventStoreError`` of `code`, and returns the error.
@discardableResult
func expectStoreError<Result>(
    _ code: EventStoreError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Result
) async -> EventStoreError? {
    do {
        _ = try await body()
        Issue.record("expected EventStoreError .\(code), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as EventStoreError {
        #expect(error.code == code, "wrong code: \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record(
            "expected EventStoreError .\(code), got \(type(of: error)): \(error)",
            sourceLocation: sourceLocation
        )
    }
    return nil
}

/// Runs `body`, expecting the append condition to fail, and returns the error.
@discardableResult
func expectConditionFailure<Result>(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Result
) async -> AppendConditionError? {
    do {
        _ = try await body()
        Issue.record("expected AppendConditionError, but the append succeeded", sourceLocation: sourceLocation)
    } catch let error as AppendConditionError {
        return error
    } catch {
        Issue.record("expected AppendConditionError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
