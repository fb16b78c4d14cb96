import Foundation
import Opossum

/// The DCB website's course subscriptions, in the seed's vocabulary: a course has a
/// capacity, a student may take a limited number of courses, and subscribing twice is
/// refused. The two projections — the course's seats and the student's courses —
/// meet in one decision, so both limits hold together under any concurrency.
enum CourseSubscriptions {
    struct CourseCreated: DomainEvent, Hashable {
        static let eventType = "CourseCreated"
        var courseId: String
        var maxStudents: Int
    }

    struct StudentRegistered: DomainEvent, Hashable {
        static let eventType = "StudentRegistered"
        var studentId: String
    }

    struct StudentEnrolledToCourse: DomainEvent, Hashable {
        static let eventType = "StudentEnrolledToCourse"
        var studentId: String
        var courseId: String
    }

    /// Why a subscription was refused.
    enum Refusal: DomainRefusal, Equatable {
        case courseNotFound(String)
        case courseFull(String, capacity: Int)
        case studentNotRegistered(String)
        case courseLimitReached(String, limit: Int)
        case alreadySubscribed(String, course: String)

        var description: String {
            switch self {
            case .courseNotFound(let course): "course \(course) does not exist"
            case .courseFull(let course, let capacity):
                "course \(course) is full: \(capacity) of \(capacity) seats taken"
            case .studentNotRegistered(let student): "student \(student) is not registered"
            case .courseLimitReached(let student, let limit): "student \(student) already takes \(limit) courses"
            case .alreadySubscribed(let student, let course): "student \(student) already takes course \(course)"
            }
        }
    }

    static func courseTag(_ id: String) -> Tag { Tag("courseId", id) }
    static func studentTag(_ id: String) -> Tag { Tag("studentId", id) }

    /// A course's capacity (nil until created) and how many seats are taken.
    struct Seats: Sendable, Equatable {
        var capacity: Int?
        var taken = 0
    }

    static func seats(_ courseId: String) -> DecisionProjection<Seats> {
        let query = try! Query(
            QueryItem(types: [CourseCreated.eventType, StudentEnrolledToCourse.eventType], tags: [courseTag(courseId)])
        )
        return DecisionProjection(initialState: Seats(), query: query) { seats, event in
            var seats = seats
            if event.type == CourseCreated.eventType {
                seats.capacity = try event.decode(as: CourseCreated.self).maxStudents
            } else {
                seats.taken += 1
            }
            return seats
        }
    }

    /// Whether a student is registered and which courses they take.
    struct StudentCourses: Sendable, Equatable {
        var registered = false
        var courses: Set<String> = []
    }

    static func studentCourses(_ studentId: String) -> DecisionProjection<StudentCourses> {
        let query = try! Query(
            QueryItem(
                types: [StudentRegistered.eventType, StudentEnrolledToCourse.eventType],
                tags: [studentTag(studentId)]
            )
        )
        return DecisionProjection(initialState: StudentCourses(), query: query) { student, event in
            var student = student
            if event.type == StudentRegistered.eventType {
                student.registered = true
            } else {
                student.courses.insert(try event.decode(as: StudentEnrolledToCourse.self).courseId)
            }
            return student
        }
    }

    static func createCourse(_ courseId: String, capacity: Int, in store: some EventStore) async throws {
        try await store.append(
            CourseCreated(courseId: courseId, maxStudents: capacity).toEvent(tags: [courseTag(courseId)])
        )
    }

    static func registerStudents(_ studentIds: [String], in store: some EventStore) async throws {
        let events = try studentIds.map { try StudentRegistered(studentId: $0).toEvent(tags: [studentTag($0)]) }
        try await store.append(events)
    }

    /// Subscribes `studentId` to `courseId` if the course has a free seat, the student is
    /// registered, takes fewer than `maxCoursesPerStudent` courses and not this one.
    @discardableResult
    static func subscribe(
        _ studentId: String,
        to courseId: String,
        maxCoursesPerStudent: Int = 3,
        in store: some EventStore,
        retry: RetryPolicy = .default
    ) async throws -> DecisionOutcome<Void> {
        try await store.decide(seats(courseId), studentCourses(studentId), retry: retry) { _, seats, student in
            guard let capacity = seats.capacity else { throw Refusal.courseNotFound(courseId) }
            guard student.registered else { throw Refusal.studentNotRegistered(studentId) }
            guard !student.courses.contains(courseId) else {
                throw Refusal.alreadySubscribed(studentId, course: courseId)
            }
            guard student.courses.count < maxCoursesPerStudent else {
                throw Refusal.courseLimitReached(studentId, limit: maxCoursesPerStudent)
            }
            guard seats.taken < capacity else { throw Refusal.courseFull(courseId, capacity: capacity) }
            let enrolled = StudentEnrolledToCourse(studentId: studentId, courseId: courseId)
            return .append(try enrolled.toEvent(tags: [studentTag(studentId), courseTag(courseId)]))
        }
    }
}
