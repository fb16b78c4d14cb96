// A projection runner for the projection crash tests, run as a child process that
// the test kills with SIGKILL at a moment of its choosing.
//
// Usage: opossum-projection-worker STORE MODE VERSION
//   run     maintain the `CourseStats` projection built by VERSION (rebuilding it when
//           the version on disk differs) until killed
//   append  the same, while appending enrolment events as fast as it can
//   check   without taking the lock, read the projection and compare its state with
//           a fold of the log up to its checkpoint; exit 0 when equal
//   verify  take the lock, catch up with the whole log, compare with a fold of the
//           whole log and print `ok <keys> <checkpoint>`; exit 0 when equal
// The store must exist. Durability is `none`: a killed process loses nothing the
// page cache holds, and the test is about processes dying, not power cuts.

import Foundation
import Opossum

/// The state of one course: capacity, enrolled students, and how many enrolments it took.
struct CourseStats: Codable, Sendable, Equatable {
    var capacity: Int
    var students: [String]
    var enrolments: Int
}

/// Courses keyed by `courseId`, tagged `isFull`; a `CourseDeleted` event removes the key.
struct CourseStatsProjection: ProjectionDefinition {
    let name = "Course stats / by id"
    let version: Int
    let eventTypes = ["CourseCreated", "StudentEnrolledToCourse", "CourseDeleted"]

    func key(for event: SequencedEvent) -> String? {
        event.tags.first { $0.key == "courseId" }?.value
    }

    func apply(state: CourseStats?, event: SequencedEvent) throws -> CourseStats? {
        switch event.type {
        case "CourseCreated":
            return CourseStats(capacity: event.position.rawValue % 2 == 0 ? 5 : 50, students: [], enrolments: 0)
        case "CourseDeleted":
            return nil
        default:
            guard var state, let student = event.tags.first(where: { $0.key == "studentId" })?.value else {
                return state
            }
            if state.students.count < state.capacity { state.students.append(student) }
            state.enrolments += 1
            return state
        }
    }

    func tags(for state: CourseStats) -> [Tag] {
        [Tag("isFull", state.students.count >= state.capacity ? "true" : "false")]
    }
}

/// Folds the whole log (up to `through`) in memory, as a rebuild would.
func fold(
    _ store: FileEventStore,
    _ definition: CourseStatsProjection,
    through: Position?
) async throws
    -> [String: CourseStats]
{
    var states: [String: CourseStats] = [:]
    for try await event in store.read(try Query.types("CourseCreated", "StudentEnrolledToCourse", "CourseDeleted")) {
        if let through, event.position > through { break }
        guard let key = definition.key(for: event) else { continue }
        states[key] = try definition.apply(state: states[key], event: event)
    }
    return states
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let version = Int(arguments[3]) else {
    FileHandle.standardError.write(
        Data("usage: opossum-projection-worker STORE run|append|check|verify VERSION\n".utf8)
    )
    exit(2)
}
let definition = CourseStatsProjection(version: version)
let store = try await FileEventStore.open(at: arguments[1], options: .init(durability: .none))

switch arguments[2] {
case "run", "append":
    let runner = ProjectionRunner(store: store, options: .init(batchSize: 64, compactionThreshold: 64 << 10))
    _ = try await runner.register(definition)
    if arguments[2] == "append" {
        var number = 0
        while true {
            number += 1
            let course = String(number % 40)
            let event: Event
            switch number % 23 {
            case 0: event = Event(type: "CourseDeleted", tags: [Tag("courseId", course)])
            case 1...3: event = Event(type: "CourseCreated", tags: [Tag("courseId", course)])
            default:
                event = Event(
                    type: "StudentEnrolledToCourse",
                    tags: [Tag("courseId", course), Tag("studentId", "\(getpid())-\(number)")]
                )
            }
            try await store.append(event)
        }
    }
    while true { try await Task.sleep(for: .seconds(60)) }
case "check":
    let projection = try await ProjectionStore.reading(definition, in: store)
    let checkpoint = try await projection.checkpoint
    let expected = try await fold(store, definition, through: checkpoint)
    let actual = try await projection.all()
    print(actual == expected ? "ok \(actual.count) \(checkpoint)" : "mismatch at \(checkpoint)")
    exit(actual == expected ? 0 : 1)
case "verify":
    let runner = ProjectionRunner(store: store)
    let projection = try await runner.register(definition)
    let last = try await store.readLast(try Query.types("CourseCreated", "StudentEnrolledToCourse", "CourseDeleted"))
    // Caught up means following the log (any rebuild swapped in) and past its last event.
    while true {
        let phase = runner.status(of: definition.name)?.phase
        if case .failed(let error) = phase {
            print("failed: \(error)")
            exit(1)
        }
        if case .running = phase, try await projection.checkpoint >= last?.position ?? .zero { break }
        try await Task.sleep(for: .milliseconds(10))
    }
    await runner.stop()
    let expected = try await fold(store, definition, through: nil)
    let actual = try await projection.all()
    let full = try await projection.query(tags: Tag("isFull", "true"))
    let fullExpected = expected.filter { $0.value.students.count >= $0.value.capacity }
    let same = actual == expected && full == fullExpected
    print(same ? "ok \(actual.count) \(try await projection.checkpoint)" : "mismatch")
    exit(same ? 0 : 1)
default:
    exit(2)
}
