import Foundation
import Opossum
import Testing

@testable import opossum_example_worker

private typealias Refusal = CourseSubscriptions.Refusal

@Suite("Example: course subscriptions")
struct CourseSubscriptionExampleTests {
    @Test("a subscription is refused when the course is full, unknown, already taken or the student unregistered")
    func rulesRefuseWithReasons() async throws {
        try await withStore { store in
            try await CourseSubscriptions.createCourse("c1", capacity: 1, in: store)
            try await CourseSubscriptions.registerStudents(["s1", "s2"], in: store)
            try await CourseSubscriptions.subscribe("s1", to: "c1", in: store)
            await #expect(throws: Refusal.alreadySubscribed("s1", course: "c1")) {
                try await CourseSubscriptions.subscribe("s1", to: "c1", in: store)
            }
            await #expect(throws: Refusal.courseFull("c1", capacity: 1)) {
                try await CourseSubscriptions.subscribe("s2", to: "c1", in: store)
            }
            await #expect(throws: Refusal.courseNotFound("c9")) {
                try await CourseSubscriptions.subscribe("s2", to: "c9", in: store)
            }
            await #expect(throws: Refusal.studentNotRegistered("s9")) {
                try await CourseSubscriptions.subscribe("s9", to: "c1", in: store)
            }
            #expect(Refusal.courseFull("c1", capacity: 1).description == "course c1 is full: 1 of 1 seats taken")
            #expect(try await store.readAll(.type(EventType.studentEnrolledToCourse)).count == 1)
        }
    }

    @Test("24 registered students racing for 5 seats on a flushed store: exactly 5 get one")
    func capacityHoldsUnderConcurrentTasks() async throws {
        try await withStore(options: FileEventStore.Options()) { store in
            try await CourseSubscriptions.createCourse("c1", capacity: 5, in: store)
            try await CourseSubscriptions.registerStudents((0..<24).map { "s\($0)" }, in: store)
            let results = await raceTasks(24) { index in
                try await CourseSubscriptions.subscribe("s\(index)", to: "c1", in: store, retry: contendedRetry)
            }
            #expect(results.compactMap(\.success).count == 5)
            let refusals = results.compactMap { $0.failure as? Refusal }
            #expect(refusals == Array(repeating: .courseFull("c1", capacity: 5), count: 19))
            #expect(try await store.readAll(.course("c1")).count == 6)
        }
    }

    @Test("one student subscribing to 8 courses at once gets no more than the limit of 3")
    func studentLimitHoldsUnderConcurrentTasks() async throws {
        try await withStore { store in
            for course in 0..<8 { try await CourseSubscriptions.createCourse("c\(course)", capacity: 10, in: store) }
            try await CourseSubscriptions.registerStudents(["s1"], in: store)
            let results = await raceTasks(8) { course in
                try await CourseSubscriptions.subscribe("s1", to: "c\(course)", in: store, retry: contendedRetry)
            }
            #expect(results.compactMap(\.success).count == 3)
            let refusals = results.compactMap { $0.failure as? Refusal }
            #expect(refusals == Array(repeating: .courseLimitReached("s1", limit: 3), count: 5))
            #expect(try await store.readAll(.student("s1")).count == 4)
        }
    }

    @Test("the same subscription made 8 times at once is recorded once")
    func duplicateSubscriptionRecordedOnce() async throws {
        try await withStore { store in
            try await CourseSubscriptions.createCourse("c1", capacity: 10, in: store)
            try await CourseSubscriptions.registerStudents(["s1"], in: store)
            let results = await raceTasks(8) { _ in
                try await CourseSubscriptions.subscribe("s1", to: "c1", in: store, retry: contendedRetry)
            }
            #expect(results.compactMap(\.success).count == 1)
            let refusals = results.compactMap { $0.failure as? Refusal }
            #expect(refusals == Array(repeating: .alreadySubscribed("s1", course: "c1"), count: 7))
        }
    }

    @Test("4 processes with 4 students each racing for 6 seats: exactly 6 get one")
    func capacityHoldsAcrossProcesses() async throws {
        try await withStoreAndDirectory { store, directory in
            try await CourseSubscriptions.createCourse("c1", capacity: 6, in: store)
            let students = (0..<4).flatMap { process in (0..<4).map { "p\(process)-s\($0)" } }
            try await CourseSubscriptions.registerStudents(students, in: store)
            let results = try await ExampleWorkerProcess.race(
                (0..<4).map { ["subscribe", "p\($0)-s{i}", "c1"] },
                attempts: 4,
                on: directory.storePath
            )
            #expect(results.count == 16)
            #expect(results.with(.ok).count == 6)
            #expect(
                results.with(.refused).map(\.message)
                    == Array(repeating: "course c1 is full: 6 of 6 seats taken", count: 10)
            )
            #expect(try await store.readAll(.type(EventType.studentEnrolledToCourse)).count == 6)
        }
    }

    @Test("4 processes subscribing one student to 8 courses at once: no more than the limit of 3")
    func studentLimitHoldsAcrossProcesses() async throws {
        try await withStoreAndDirectory { store, directory in
            let courses = (0..<4).flatMap { process in (0..<2).map { "p\(process)-c\($0)" } }
            for course in courses { try await CourseSubscriptions.createCourse(course, capacity: 10, in: store) }
            try await CourseSubscriptions.registerStudents(["s1"], in: store)
            let results = try await ExampleWorkerProcess.race(
                (0..<4).map { ["subscribe", "s1", "p\($0)-c{i}"] },
                attempts: 2,
                on: directory.storePath
            )
            #expect(results.count == 8)
            #expect(results.with(.ok).count == 3)
            #expect(
                results.with(.refused).map(\.message)
                    == Array(repeating: "student s1 already takes 3 courses", count: 5)
            )
            #expect(try await store.readAll(.type(EventType.studentEnrolledToCourse)).count == 3)
        }
    }

    @Test("4 processes making the same subscription at once: it is recorded once")
    func duplicateSubscriptionRecordedOnceAcrossProcesses() async throws {
        try await withStoreAndDirectory { store, directory in
            try await CourseSubscriptions.createCourse("c1", capacity: 10, in: store)
            try await CourseSubscriptions.registerStudents(["s1"], in: store)
            let results = try await ExampleWorkerProcess.race(
                Array(repeating: ["subscribe", "s1", "c1"], count: 4),
                attempts: 2,
                on: directory.storePath
            )
            #expect(results.with(.ok).count == 1)
            #expect(
                results.with(.refused).map(\.message)
                    == Array(repeating: "student s1 already takes course c1", count: 7)
            )
            #expect(try await store.readAll(.type(EventType.studentEnrolledToCourse)).count == 1)
        }
    }
}
