import Foundation
import Opossum
import OpossumTestSupport
import Synchronization
import Testing

/// A course's state in the test projection: its capacity, the students it took,
/// and how many enrolments it saw.
struct CatalogEntry: Codable, Sendable, Equatable {
    var capacity: Int
    var students: [String]
    var enrolments: Int
}

/// Courses keyed by `courseId`, tagged `isFull:true|false` and `size:small|large`;
/// `CourseDeleted` removes a course. `failOn` makes `apply` throw for events carrying
/// that tag, and `delay` makes it slow, for the failure and rebuild tests.
struct CourseCatalog: ProjectionDefinition {
    struct Poisoned: Error, Equatable {
        let position: Position
    }

    var name = "Courses"
    var version = 1
    let eventTypes = [EventType.courseCreated, EventType.studentEnrolledToCourse, "CourseDeleted"]
    var failOn: Tag?
    var delay: Duration?

    func key(for event: SequencedEvent) -> String? {
        event.tags.first { $0.key == "courseId" }?.value
    }

    func apply(state: CatalogEntry?, event: SequencedEvent) throws -> CatalogEntry? {
        if let failOn, event.tags.contains(failOn) { throw Poisoned(position: event.position) }
        if let delay { Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18) }
        switch event.type {
        case EventType.courseCreated:
            let capacity = (try? JSONSerialization.jsonObject(with: event.data) as? [String: Any])?["maxStudents"]
            return CatalogEntry(capacity: capacity as? Int ?? 10, students: [], enrolments: 0)
        case "CourseDeleted":
            return nil
        default:
            guard var state, let student = event.tags.first(where: { $0.key == "studentId" })?.value else {
                return state
            }
            if state.students.count < state.capacity { state.students.append(student) }
            state.enrolments += version
            return state
        }
    }

    func tags(for state: CatalogEntry) -> [Tag] {
        [
            Tag("isFull", state.students.count >= state.capacity ? "true" : "false"),
            Tag("size", state.capacity > 5 ? "large" : "small"),
        ]
    }

    /// The states a full replay of `events` gives, folded here in memory.
    func fold(_ events: [SequencedEvent]) throws -> [String: CatalogEntry] {
        var states: [String: CatalogEntry] = [:]
        for event in events where eventTypes.contains(event.type) {
            guard let key = key(for: event) else { continue }
            states[key] = try apply(state: states[key], event: event)
        }
        return states
    }
}

/// The suite's repeatable generator: a failing run names the seed that replays it.
/// A random course log: creations, enrolments (some for unknown courses), deletions
/// and events of other types, in random batch sizes.
func randomCourseBatches(count: Int, seed: UInt64) -> [[Event]] {
    var random = SeededRandom(state: seed)
    var batches: [[Event]] = []
    var made = 0
    while made < count {
        let size = min(count - made, Int.random(in: 1...40, using: &random))
        batches.append(
            (0..<size).map { _ in
                let course = String(Int.random(in: 0..<300, using: &random))
                switch Int.random(in: 0..<100, using: &random) {
                case 0..<8: return .courseCreated(course, maxStudents: Int.random(in: 1...12, using: &random))
                case 8..<10: return Event(type: "CourseDeleted", tags: [.course(course)])
                case 10..<20: return .studentRegistered("s\(Int.random(in: 0..<1000, using: &random))")
                default: return .studentEnrolled("s\(Int.random(in: 0..<1000, using: &random))", in: course)
                }
            }
        )
        made += size
    }
    return batches
}

/// Appends a random log of `count` events, builds `definition` over it with a runner
/// of its own, stops the runner, and returns the states it reached.
func appendAndBuild(
    _ definition: CourseCatalog,
    in store: FileEventStore,
    count: Int,
    seed: UInt64
) async throws -> [String: CatalogEntry] {
    for batch in randomCourseBatches(count: count, seed: seed) {
        try await store.append(batch)
    }
    let runner = ProjectionRunner(store: store)
    let projection = try await runner.register(definition)
    try await waitUntilCaughtUp(projection, in: store)
    let states = try await projection.all()
    await runner.stop()
    return states
}

/// Waits until `condition` holds, checking every few milliseconds, for at most `seconds`.
func eventually(
    within seconds: Double = 20,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    Issue.record("the condition did not hold within \(seconds) s", sourceLocation: sourceLocation)
}

/// Waits until `projection` has applied everything up to the store's last event of its types.
func waitUntilCaughtUp<D: ProjectionDefinition>(
    _ projection: ProjectionStore<D>,
    in store: FileEventStore,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let last = try await store.readLast(try Query(items: [QueryItem(types: projection.definition.eventTypes)]))
    try await eventually(sourceLocation: sourceLocation) {
        try await projection.checkpoint >= last?.position ?? .zero
    }
}

/// Collects a runner's reports in the background, for tests to look at.
final class ReportLog: Sendable {
    private final class Storage: Sendable {
        let reports = Mutex<[ProjectionReport]>([])
    }

    private let storage: Storage
    private let task: Task<Void, Never>

    init(_ runner: ProjectionRunner) {
        let storage = Storage()
        self.storage = storage
        task = Task {
            for await report in runner.reports {
                storage.reports.withLock { $0.append(report) }
            }
        }
    }

    deinit { task.cancel() }

    var all: [ProjectionReport] { storage.reports.withLock { $0 } }

    var failures: [ProjectionError] {
        all.compactMap { if case .failed(let error) = $0 { error } else { nil } }
    }
}

/// Every file below a projection's folder, relative to `Projections/`.
func projectionFiles(in store: FileEventStore) throws -> [String] {
    try TemporaryDirectory.contents(of: store.directory + "/Projections")
}
