import Foundation
import Testing

@testable import Opossum

@Suite("Union of decision queries")
struct QueryUnionTests {
    @Test("the union keeps every item once, in order")
    func unionKeepsEveryItemOnce() throws {
        let course = try QueryItem.tags(Tag("courseId", "c1"))
        let student = try QueryItem(types: ["StudentRegistered"], tags: [Tag("studentId", "s1")])
        let union = Query.union([Query(course), Query(student, course)])
        #expect(union?.items == [course, student])
    }

    @Test("any Query.all makes the union Query.all")
    func anyAllMakesUnionAll() throws {
        let course = Query(try QueryItem.tags(Tag("courseId", "c1")))
        #expect(Query.union([course, .all])?.isAll == true)
        #expect(Query.union([.all])?.isAll == true)
        #expect(Query.union([course])?.isAll == false)
    }

    @Test("no queries give no union")
    func noQueriesGiveNoUnion() {
        #expect(Query.union([]) == nil)
    }

    @Test("the union matches exactly what one of its parts matches")
    func unionMatchesWhatAPartMatches() throws {
        let parts = [Query.course("c1"), Query.student("s1"), Query.type(EventType.studentRegistered)]
        let union = try #require(Query.union(parts))
        let events: [Event] = [
            .courseCreated("c1"), .courseCreated("c2"), .studentEnrolled("s1", in: "c2"),
            .studentEnrolled("s2", in: "c3"), .studentRegistered("s9"), Event(type: "Other"),
        ]
        for event in events {
            #expect(union.matches(event) == parts.contains { $0.matches(event) }, "\(event.type) \(event.tags)")
        }
    }
}
