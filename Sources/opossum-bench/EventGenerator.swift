import Foundation
import Opossum

/// Makes realistic events: a course-registration domain, ~200-byte JSON payloads, and
/// one or two tags drawn from a fixed number of distinct tag values.
///
/// A tenth of the distinct values are courses, the rest students. Every event names a
/// course and half of them a student too, so a course tag has about
/// `events × 10 / distinctTagValues` events: 100 in a 10⁶-event store with 10⁵ values.
struct EventGenerator: Sendable {
    private static let types = [
        "CourseDefined", "CourseCapacityChanged", "StudentRegistered", "StudentSubscribedToCourse",
        "StudentUnsubscribedFromCourse", "GradeRecorded",
    ]
    private static let terms = ["2026-spring", "2026-autumn", "2027-spring"]

    /// How many distinct course tag values events use.
    let courseCount: Int
    /// How many distinct student tag values events use.
    let studentCount: Int
    private var random: SplitMix64

    /// A generator whose events carry `distinctTagValues` different tag values in all.
    init(distinctTagValues: Int, seed: UInt64 = 42) {
        courseCount = max(1, distinctTagValues / 10)
        studentCount = max(1, distinctTagValues - courseCount)
        random = SplitMix64(seed: seed)
    }

    /// The tag of course number `number`.
    static func courseTag(_ number: Int) -> Tag {
        Tag("course", "c\(number)")
    }

    /// A course tag chosen at random.
    mutating func randomCourseTag() -> Tag {
        Self.courseTag(Int.random(in: 0..<courseCount, using: &random))
    }

    /// An event about a random course and, half the time, a random student.
    mutating func next() -> Event {
        let course = Int.random(in: 0..<courseCount, using: &random)
        let student = Int.random(in: 0..<studentCount, using: &random)
        var tags = [Self.courseTag(course)]
        if Bool.random(using: &random) { tags.append(Tag("student", "s\(student)")) }
        return Event(
            type: Self.types.randomElement(using: &random)!,
            data: payload(course: course, student: student),
            tags: tags
        )
    }

    /// An event of `next()`'s kind, tagged with `tag` instead of its own tags.
    mutating func next(taggedOnly tag: Tag) -> Event {
        var event = next()
        event.tags = [tag]
        return event
    }

    /// A ~200-byte JSON object, like a typical domain event's.
    private mutating func payload(course: Int, student: Int) -> Data {
        let grade = Int.random(in: 1...6, using: &random)
        let seat = Int.random(in: 1...400, using: &random)
        let term = Self.terms.randomElement(using: &random)!
        var json = """
            {"courseId":"c\(course)","studentId":"s\(student)","term":"\(term)","credits":5,\
            "grade":\(grade),"seat":\(seat),"recordedBy":"registrar-\(seat % 12)","note":"
            """
        let filler = "subscribed after the waiting list moved; confirmed by e-mail and by the course office. "
        json += filler.prefix(max(0, 198 - json.utf8.count))
        json += "\"}"
        return Data(json.utf8)
    }
}
