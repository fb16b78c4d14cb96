import Foundation
import Opossum
import Testing

/// How one contender's append ended.
private enum Outcome: Sendable {
    case committed(Position)
    case conflict(AppendConditionError)
    case failed(String)

    var committedPosition: Position? {
        if case .committed(let position) = self { return position }
        return nil
    }

    var conflict: AppendConditionError? {
        if case .conflict(let error) = self { return error }
        return nil
    }
}

/// Appends and reports how it ended instead of throwing, so a task group can count outcomes.
private func attempt(_ store: FileEventStore, _ events: [Event], _ condition: AppendCondition?) async -> Outcome {
    do {
        return .committed(try await store.append(events, condition: condition))
    } catch let error as AppendConditionError {
        return .conflict(error)
    } catch {
        return .failed("\(error)")
    }
}

@Suite("Concurrent appends and reads")
struct ConcurrencyTests {
    @Test("Eight contenders with the same condition from the same read: exactly one commits")
    func sameConditionRaceHasExactlyOneWinner() async throws {
        try await withStore(options: FileEventStore.Options(durability: .flush)) { store in
            for round in 1...3 {
                let course = "c\(round)"
                try await store.append(.courseCreated(course, maxStudents: 1))
                // Everyone reads first...
                let readPoints = try await withThrowingTaskGroup(of: Position.self) { group in
                    for _ in 0..<8 {
                        group.addTask { try await store.readAll(.course(course)).last?.position ?? .zero }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let head = try await store.status().head
                #expect(readPoints == Array(repeating: head, count: 8))
                // ...then everyone appends, deciding on that read.
                let outcomes = await withTaskGroup(of: Outcome.self) { group in
                    for (index, readPoint) in readPoints.enumerated() {
                        group.addTask {
                            let condition = AppendCondition(failIfEventsMatch: .course(course), after: readPoint)
                            return await attempt(store, [.studentEnrolled("s\(round)-\(index)", in: course)], condition)
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                let committed = outcomes.compactMap(\.committedPosition)
                let conflicts = outcomes.compactMap(\.conflict)
                #expect(committed == [head.next], "round \(round)")
                #expect(conflicts.count == 7, "round \(round): \(outcomes)")
                #expect(conflicts.allSatisfy { $0.conflictingPosition == head.next })
                #expect(try await store.readAll(.course(course)).count == 2)
                #expect(try await store.status().head == head.next)
            }
        }
    }

    @Test("Four disjoint boundaries with three contenders each: exactly four commit")
    func disjointBoundariesCommitOncePerBoundary() async throws {
        try await withStore { store in
            let courses = ["c1", "c2", "c3", "c4"]
            try await store.append(courses.map { Event.courseCreated($0, maxStudents: 1) })
            var readPoints: [String: Position] = [:]
            for course in courses {
                readPoints[course] = try await store.readAll(.course(course)).last?.position
            }
            let snapshot = readPoints
            let outcomes = await withTaskGroup(of: (String, Outcome).self) { group in
                for course in courses {
                    for contender in 0..<3 {
                        group.addTask {
                            let condition = AppendCondition(failIfEventsMatch: .course(course), after: snapshot[course])
                            let event = Event.studentEnrolled("s\(contender)", in: course)
                            return (course, await attempt(store, [event], condition))
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let committed = outcomes.filter { $0.1.committedPosition != nil }
            #expect(committed.count == 4, "\(outcomes)")
            #expect(Set(committed.map(\.0)) == Set(courses))
            #expect(outcomes.filter { $0.1.conflict != nil }.count == 8)
            #expect(Set(committed.compactMap(\.1.committedPosition)) == Set(positions(5...8)))
            for course in courses {
                #expect(try await store.readAll(.course(course)).count == 2, "\(course)")
            }
            #expect(positions(try await store.readAll(.all)) == positions(1...8))
        }
    }

    @Test("Eight unconditional two-event batches get dense positions and each stays together")
    func concurrentBatchesAreAtomicAndDense() async throws {
        try await withStore { store in
            let lastPositions = try await withThrowingTaskGroup(of: (Int, Position).self) { group in
                for batch in 0..<8 {
                    group.addTask {
                        let events = (1...2).map { part in
                            Event(type: "Part", data: json("\(part)")).tagged("batch", "\(batch)")
                        }
                        return (batch, try await store.append(events))
                    }
                }
                return try await group.reduce(into: [Int: Position]()) { $0[$1.0] = $1.1 }
            }
            #expect(Set(lastPositions.values) == Set(stride(from: 2, through: 16, by: 2).map { Position(UInt64($0)) }))
            let all = try await store.readAll(.all)
            #expect(positions(all) == positions(1...16))
            #expect(Set(all.map(\.eventId)).count == 16)
            for (batch, last) in lastPositions {
                let events = try await store.readAll(try .tags(Tag("batch", "\(batch)")))
                #expect(positions(events) == [Position(last.rawValue - 1), last], "batch \(batch)")
                #expect(events.map(\.data) == [json("1"), json("2")], "batch \(batch)")
            }
        }
    }

    @Test("Readers running during appends always see a dense prefix of whole batches")
    func readersNeverSeeAPartialBatch() async throws {
        try await withStore { store in
            let batches = 60
            let total = batches * 3
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for batch in 0..<batches {
                        try await store.append([
                            .courseCreated("c\(batch)"), .studentRegistered("s\(batch)"),
                            .studentEnrolled("s\(batch)", in: "c\(batch)"),
                        ])
                    }
                }
                for reader in 0..<3 {
                    group.addTask {
                        var reads = 0
                        while true {
                            try Task.checkCancellation()
                            reads += 1
                            let seen: Int
                            switch reader {
                            case 0:
                                let events = try await store.readAll(.all)
                                #expect(events.count % 3 == 0, "read \(events.count) events")
                                #expect(
                                    events.enumerated().allSatisfy {
                                        $0.element.position.rawValue == UInt64($0.offset) + 1
                                    }
                                )
                                seen = events.count
                            case 1:
                                var count = 0
                                for try await event in store.read(.all) {
                                    count += 1
                                    #expect(event.position.rawValue == UInt64(count))
                                }
                                #expect(count % 3 == 0, "streamed \(count) events")
                                seen = count
                            default:
                                // An indexed read must agree with the log: two of every three events.
                                let query = try Query.types(EventType.courseCreated, EventType.studentEnrolledToCourse)
                                let events = try await store.readAll(query)
                                #expect(events.count % 2 == 0, "read \(events.count) indexed events")
                                seen = events.count / 2 * 3
                            }
                            if seen == total || reads > 50_000 { break }
                            await Task.yield()
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.status().eventCount == UInt64(total))
        }
    }

    @Test("Conditional and unconditional appends interleave without losing or reordering events")
    func mixedAppendsStayConsistent() async throws {
        try await withStore { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for student in 0..<10 {
                    group.addTask {
                        // Unique e-mail: each student id registers with a condition on its own address.
                        let email = "s\(student)@example.com"
                        try await store.append(
                            .studentRegistered("s\(student)", email: email),
                            condition: AppendCondition(failIfEventsMatch: try .tags(.email(email)))
                        )
                    }
                    group.addTask {
                        try await store.append([.courseCreated("c\(student)"), .courseCreated("d\(student)")])
                    }
                }
                try await group.waitForAll()
            }
            let all = try await store.readAll(.all)
            #expect(positions(all) == positions(1...30))
            #expect(try await store.readAll(.type(EventType.studentRegistered)).count == 10)
            #expect(try await store.readAll(.type(EventType.courseCreated)).count == 20)
        }
    }
}
