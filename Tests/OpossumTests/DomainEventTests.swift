import Foundation
import Opossum
import Testing

// The seed's events as typed domain events.

struct StudentRegistered: DomainEvent, Equatable {
    static let eventType = "StudentRegistered"
    var studentId: UUID
    var firstName: String
    var lastName: String
    var email: String
}

struct CourseCreated: DomainEvent, Equatable {
    static let eventType = "CourseCreated"
    var courseId: UUID
    var name: String
    var maxStudents: Int
}

struct StudentEnrolledToCourse: DomainEvent, Equatable {
    static let eventType = "StudentEnrolledToCourse"
    var studentId: UUID
    var courseId: UUID
    var enrolledAt: Date
}

@Suite("Typed domain events")
struct DomainEventTests {
    let student = StudentRegistered(
        studentId: UUID(),
        firstName: "Émile",
        lastName: "Zola 🦫",
        email: "emile@example.com"
    )
    let course = CourseCreated(courseId: UUID(), name: "Naturalism / 101", maxStudents: 30)

    var enrolment: StudentEnrolledToCourse {
        StudentEnrolledToCourse(
            studentId: student.studentId,
            courseId: course.courseId,
            enrolledAt: Date(timeIntervalSince1970: 1_700_000_000)
        )
    }

    var studentTags: [Tag] { [.student(student.studentId.uuidString), .email(student.email)] }

    @Test("A domain event becomes an Event with its type name, tags and JSON payload")
    func domainEventBecomesEvent() throws {
        let event = try Event(student, tags: studentTags)
        #expect(event.type == StudentRegistered.eventType)
        #expect(event.tags == studentTags)
        let object = try #require(try JSONSerialization.jsonObject(with: event.data) as? [String: Any])
        #expect(object["email"] as? String == "emile@example.com")
        #expect(object["firstName"] as? String == "Émile")
        #expect(try event.decode(as: StudentRegistered.self) == student)
    }

    @Test("toEvent() is the same as Event(_:tags:metadata:)")
    func toEventMatchesInitialiser() throws {
        let metadata = EventMetadata(correlationId: "flow-1")
        #expect(
            try course.toEvent(tags: [.course("x")], metadata: metadata)
                == Event(course, tags: [.course("x")], metadata: metadata)
        )
        #expect(try course.toEvent().type == CourseCreated.eventType)
        #expect(try course.toEvent().tags.isEmpty)
    }

    @Test("The same domain event always encodes to the same bytes")
    func encodingIsDeterministic() throws {
        #expect(try Event(student).data == Event(student).data)
    }

    @Test("Domain events are appended, read back and decoded to equal values, also after re-opening")
    func domainEventsRoundTripThroughTheStore() async throws {
        try await withStoreAndDirectory { store, directory in
            let courseTag = Tag.course(course.courseId.uuidString)
            let studentTag = Tag.student(student.studentId.uuidString)
            try await store.append([
                try Event(course, tags: [courseTag]),
                try Event(student, tags: studentTags),
                try enrolment.toEvent(tags: [studentTag, courseTag]).correlated(with: "enrol-1"),
            ])
            func check(_ store: FileEventStore) async throws {
                let read = try await store.readAll(.all)
                try #require(read.count == 3)
                #expect(try read[0].decode(as: CourseCreated.self) == course)
                #expect(try read[1].decode(as: StudentRegistered.self) == student)
                #expect(try read[2].decode(as: StudentEnrolledToCourse.self) == enrolment)
                #expect(read[2].event.metadata.correlationId == "enrol-1")
                #expect(read[2].tags == [studentTag, courseTag])

                let registrations = try await store.readAll(.type(StudentRegistered.eventType))
                #expect(try registrations.map { try $0.decode(as: StudentRegistered.self) } == [student])
                let enrolments = try await store.readAll(
                    Query(try QueryItem(types: [StudentEnrolledToCourse.eventType], tags: [courseTag]))
                )
                #expect(try enrolments.map { try $0.decode(as: StudentEnrolledToCourse.self) } == [enrolment])
            }
            try await check(store)
            await store.close()
            try await withReopenedStore(in: directory) { reopened in try await check(reopened) }
        }
    }

    @Test("Decoding as the wrong type is refused with invalidEvent")
    func decodeAsWrongTypeFails() async throws {
        try await withStore { store in
            try await store.append(try Event(student, tags: studentTags))
            let read = try #require(try await store.readLast(.all))
            let error = await expectStoreError(.invalidEvent) { try read.decode(as: CourseCreated.self) }
            #expect(error?.message.contains(CourseCreated.eventType) == true)
            await expectStoreError(.invalidEvent) { try read.event.decode(as: StudentEnrolledToCourse.self) }
        }
    }

    @Test("Decoding a payload that does not fit the type is refused with invalidEvent")
    func decodeBadPayloadFails() async throws {
        try await withStore { store in
            try await store.append([
                Event(type: StudentRegistered.eventType, data: json(#"{"nope": 1}"#)),
                Event(type: StudentRegistered.eventType),
                Event(
                    type: CourseCreated.eventType,
                    data: json(#"{"courseId": "not-a-uuid", "name": "x", "maxStudents": 1}"#)
                ),
            ])
            let read = try await store.readAll(.all)
            await expectStoreError(.invalidEvent) { try read[0].decode(as: StudentRegistered.self) }
            await expectStoreError(.invalidEvent) { try read[1].decode(as: StudentRegistered.self) }
            await expectStoreError(.invalidEvent) { try read[2].decode(as: CourseCreated.self) }
        }
    }

    @Test("A decision over typed events: the unique e-mail rule")
    func uniqueEmailWithDomainEvents() async throws {
        try await withStore { store in
            let emailQuery = try Query.tags(.email(student.email))
            let register = { (registration: StudentRegistered) in
                try await store.append(
                    try registration.toEvent(tags: [
                        .student(registration.studentId.uuidString), .email(registration.email),
                    ]),
                    condition: AppendCondition(failIfEventsMatch: emailQuery)
                )
            }
            #expect(try await register(student) == 1)
            var twin = student
            twin.studentId = UUID()
            await expectConditionFailure { try await register(twin) }
            #expect(try await store.readAll(emailQuery).map { try $0.decode(as: StudentRegistered.self) } == [student])
        }
    }
}
