import Foundation
import Opossum
import Testing

@Suite("DCB reads")
struct DCBReadTests {
    @Test("An empty store reads nothing and has no last event")
    func emptyStoreReadsNothing() async throws {
        try await withStore { store in
            #expect(try await store.readAll(.all).isEmpty)
            #expect(try await store.readAll(.student("s1")).isEmpty)
            #expect(try await store.readAll(.all, options: ReadOptions(backwards: true)).isEmpty)
            #expect(try await store.readLast(.all) == nil)
            #expect(try await store.readLast(.type(EventType.courseCreated)) == nil)
            let status = try await store.status()
            #expect(status.head == .zero)
            #expect(status.eventCount == 0)
        }
    }

    @Test("Query.all reads every event in position order")
    func queryAllReadsEverythingInOrder() async throws {
        try await withStore { store in
            let events: [Event] = [.courseCreated("c1"), .studentRegistered("s1"), .studentEnrolled("s1", in: "c1")]
            try await store.append(events)
            let read = try await store.readAll(.all)
            #expect(positions(read) == positions(1...3))
            #expect(read.map(\.type) == events.map(\.type))
            #expect(read.map(\.tags) == events.map(\.tags))
        }
    }

    @Test("Reading by type returns events of any of the types")
    func readByTypesIsOred() async throws {
        try await withStore { store in
            try await store.append([
                .courseCreated("c1"), .studentRegistered("s1"), .studentEnrolled("s1", in: "c1"),
                .studentRegistered("s2"),
            ])
            let registered = try await store.readAll(.type(EventType.studentRegistered))
            #expect(positions(registered) == [2, 4])
            let either = try await store.readAll(try .types(EventType.studentRegistered, EventType.courseCreated))
            #expect(positions(either) == [1, 2, 4])
            #expect(try await store.readAll(.type("NoSuchType")).isEmpty)
        }
    }

    @Test("Reading by tags returns events carrying all of them, and more")
    func readByTagsIsAndedWithSuperset() async throws {
        try await withStore { store in
            try await store.append([
                .studentEnrolled("s1", in: "c1"),
                .studentEnrolled("s1", in: "c2"),
                .studentEnrolled("s2", in: "c1"),
                .studentRegistered("s1"),
            ])
            #expect(positions(try await store.readAll(try .tags(.student("s1"), .course("c1")))) == [1])
            #expect(positions(try await store.readAll(.student("s1"))) == [1, 2, 4])
            #expect(positions(try await store.readAll(try .tags(.course("c1")))) == [1, 3])
            #expect(try await store.readAll(try .tags(.student("s2"), .course("c2"))).isEmpty)
        }
    }

    @Test("A tag value matches exactly: baz:foos does not read baz:foosnot")
    func tagValueMatchIsExactNotPrefix() async throws {
        try await withStore { store in
            try await store.append([
                Event(type: "T").tagged("baz", "foos"),
                Event(type: "T").tagged("baz", "foosnot"),
                Event(type: "T").tagged("baz", "foo"),
            ])
            #expect(positions(try await store.readAll(try .tags(Tag("baz", "foos")))) == [1])
            #expect(positions(try await store.readAll(try .tags(Tag("baz", "foosnot")))) == [2])
            #expect(positions(try await store.readAll(try .tags(Tag("baz", "foo")))) == [3])
        }
    }

    @Test("Several items are OR-ed; an event matching two items is read once, in position order")
    func severalItemsAreOredWithoutDuplicates() async throws {
        try await withStore { store in
            try await store.append([
                .studentRegistered("s1"),  // 1: both items
                .courseCreated("c1"),  // 2: neither
                .studentRegistered("s2"),  // 3: first item
                .studentEnrolled("s1", in: "c1"),  // 4: second item
                .studentRegistered("s1", email: "other@example.com"),  // 5: both items
            ])
            let query = Query(try .types(EventType.studentRegistered), try .tags(.student("s1")))
            let read = try await store.readAll(query)
            #expect(positions(read) == [1, 3, 4, 5])
            let backwards = try await store.readAll(query, options: ReadOptions(backwards: true))
            #expect(positions(backwards) == [5, 4, 3, 1])
        }
    }

    @Test("readLast returns the matching event with the highest position")
    func readLastReturnsHighestMatch() async throws {
        try await withStore { store in
            try await store.append([
                .studentRegistered("s1"), .studentEnrolled("s1", in: "c1"), .courseCreated("c2"),
                .studentEnrolled("s2", in: "c1"),
            ])
            #expect(try await store.readLast(.student("s1"))?.position == 2)
            #expect(try await store.readLast(.all)?.position == 4)
            #expect(try await store.readLast(.type(EventType.courseCreated))?.type == EventType.courseCreated)
            #expect(try await store.readLast(.student("nobody")) == nil)
        }
    }

    @Test("Reading stops early without harm and a new read starts over")
    func streamingReadCanStopEarly() async throws {
        try await withStore { store in
            try await store.append((1...50).map { Event.studentRegistered("s\($0)") })
            var seen: [Position] = []
            for try await event in store.read(.all) {
                seen.append(event.position)
                if seen.count == 3 { break }
            }
            #expect(seen == [1, 2, 3])
            #expect(try await store.readAll(.all).count == 50)
        }
    }
}

@Suite("DCB appends")
struct DCBAppendTests {
    @Test("append returns the position of the batch's last event; positions are dense from 1")
    func appendReturnsLastPositionOfBatch() async throws {
        try await withStore { store in
            #expect(try await store.append([.courseCreated("c1"), .courseCreated("c2"), .courseCreated("c3")]) == 3)
            #expect(try await store.append(.studentRegistered("s1")) == 4)
            #expect(try await store.append([.studentRegistered("s2"), .studentEnrolled("s2", in: "c1")]) == 6)
            #expect(try await store.append([.studentRegistered("s3")], condition: nil) == 7)
            #expect(positions(try await store.readAll(.all)) == positions(1...7))
            let status = try await store.status()
            #expect(status.head == 7)
            #expect(status.eventCount == 7)
        }
    }

    @Test("A condition fails when a matching event is after its position")
    func appendFailsWhenMatchingEventAfterPosition() async throws {
        try await withStore { store in
            try await store.append([.courseCreated("c1"), .studentEnrolled("s1", in: "c1")])
            let condition = AppendCondition(failIfEventsMatch: .course("c1"), after: 1)
            let error = await expectConditionFailure {
                try await store.append(.studentEnrolled("s2", in: "c1"), condition: condition)
            }
            #expect(error?.conflictingPosition == 2)
            #expect(error?.condition == condition)
        }
    }

    @Test("after is exclusive: a matching event exactly at after does not fail the append")
    func matchingEventAtAfterDoesNotFail() async throws {
        try await withStore { store in
            try await store.append([.courseCreated("c1"), .studentEnrolled("s1", in: "c1"), .courseCreated("c2")])
            let condition = AppendCondition(failIfEventsMatch: .course("c1"), after: 2)
            #expect(try await store.append(.studentEnrolled("s2", in: "c1"), condition: condition) == 4)
        }
    }

    @Test("A condition passes when nothing after its position matches")
    func appendSucceedsWhenOnlyEarlierOrOtherEventsMatch() async throws {
        try await withStore { store in
            try await store.append([.courseCreated("c1"), .courseCreated("c2"), .studentEnrolled("s1", in: "c2")])
            let condition = AppendCondition(failIfEventsMatch: .course("c1"), after: 1)
            #expect(try await store.append(.studentEnrolled("s2", in: "c1"), condition: condition) == 4)
        }
    }

    @Test("after beyond the head never fails")
    func afterBeyondHeadNeverFails() async throws {
        try await withStore { store in
            try await store.append([.courseCreated("c1"), .studentEnrolled("s1", in: "c1")])
            for after: Position in [3, 100, Position(UInt64.max)] {
                let condition = AppendCondition(failIfEventsMatch: .all, after: after)
                try await store.append(.studentEnrolled("s\(after)", in: "c1"), condition: condition)
            }
            #expect(try await store.status().head == 5)
        }
    }

    @Test("Without after, a condition fails if any event matches, naming the first")
    func conditionWithoutAfterFailsOnAnyMatch() async throws {
        try await withStore { store in
            try await store.append([
                .courseCreated("c1"), .studentRegistered("s1", email: "ada@example.com"), .courseCreated("c2"),
                .studentRegistered("s2", email: "ada@example.com"),
            ])
            let condition = AppendCondition(failIfEventsMatch: try .tags(.email("ada@example.com")))
            let error = await expectConditionFailure {
                try await store.append(.studentRegistered("s3", email: "ada@example.com"), condition: condition)
            }
            #expect(error?.conflictingPosition == 2)
        }
    }

    @Test("Without after, a condition passes when no event matches")
    func conditionWithoutAfterPassesWhenNothingMatches() async throws {
        try await withStore { store in
            try await store.append([.courseCreated("c1"), .studentRegistered("s1", email: "ada@example.com")])
            let condition = AppendCondition(failIfEventsMatch: try .tags(.email("grace@example.com")))
            #expect(
                try await store.append(.studentRegistered("s2", email: "grace@example.com"), condition: condition) == 3
            )
        }
    }

    @Test("Query.all without after fails on a non-empty store")
    func queryAllWithoutAfterFailsOnNonEmptyStore() async throws {
        try await withStore { store in
            try await store.append([.courseCreated("c1"), .courseCreated("c2")])
            let error = await expectConditionFailure {
                try await store.append(.courseCreated("c3"), condition: AppendCondition(failIfEventsMatch: .all))
            }
            #expect(error?.conflictingPosition == 1)
            #expect(try await store.status().head == 2)
        }
    }

    @Test("Query.all without after passes on an empty store")
    func queryAllWithoutAfterPassesOnEmptyStore() async throws {
        try await withStore { store throws in
            let condition = AppendCondition(failIfEventsMatch: .all)
            #expect(try await store.append([.courseCreated("c1"), .courseCreated("c2")], condition: condition) == 2)
        }
    }

    @Test("Query.all with after fails only on events after it")
    func queryAllWithAfterFailsOnlyOnLaterEvents() async throws {
        try await withStore { store throws in
            try await store.append([.courseCreated("c1"), .courseCreated("c2"), .courseCreated("c3")])
            #expect(
                try await store.append(
                    .courseCreated("c4"),
                    condition: AppendCondition(failIfEventsMatch: .all, after: 3)
                ) == 4
            )
            let error = await expectConditionFailure {
                try await store.append(
                    .courseCreated("c5"),
                    condition: AppendCondition(failIfEventsMatch: .all, after: 2)
                )
            }
            #expect(error?.conflictingPosition == 3)
        }
    }

    @Test("A batch is never checked against its own events")
    func batchIsNotCheckedAgainstItsOwnEvents() async throws {
        try await withStore { store throws in
            let condition = AppendCondition(failIfEventsMatch: .type(EventType.studentRegistered))
            let batch: [Event] = [.studentRegistered("s1"), .studentRegistered("s2")]
            #expect(try await store.append(batch, condition: condition) == 2)
            let afterHead = AppendCondition(failIfEventsMatch: .all, after: 2)
            #expect(try await store.append([.courseCreated("c1"), .courseCreated("c2")], condition: afterHead) == 4)
        }
    }

    @Test("An empty batch is refused before its condition is evaluated")
    func emptyBatchIsRefusedBeforeCondition() async throws {
        try await withStore { store in
            try await store.append(.courseCreated("c1"))
            let before = try await store.snapshot()
            // This condition would fail; the error must still be the empty-batch one.
            let failing = AppendCondition(failIfEventsMatch: .all)
            await expectStoreError(.invalidEvent) { try await store.append([], condition: failing) }
            await expectStoreError(.invalidEvent) { try await store.append([Event]()) }
            #expect(try await store.snapshot() == before)
        }
    }

    @Test("An empty batch is refused on an empty store too")
    func emptyBatchIsRefusedOnEmptyStore() async throws {
        try await withStore { store throws in
            await expectStoreError(.invalidEvent) { try await store.append([], condition: nil) }
            #expect(try await store.status().head == .zero)
        }
    }

    @Test("A failed condition writes nothing and names the lowest conflicting position after `after`")
    func failedConditionWritesNothing() async throws {
        try await withStore { store in
            try await store.append([
                .courseCreated("c1"),  // 1
                .studentEnrolled("s1", in: "c1"),  // 2
                .courseCreated("c2"),  // 3
                .studentEnrolled("s2", in: "c1"),  // 4
                .studentEnrolled("s3", in: "c2"),  // 5
            ])
            let before = try await store.snapshot()
            for (after, conflict) in [(nil, 1), (0, 1), (1, 2), (2, 4), (3, 4)] as [(Position?, Position)] {
                let condition = AppendCondition(failIfEventsMatch: .course("c1"), after: after)
                let error = await expectConditionFailure {
                    try await store.append(
                        [.studentEnrolled("s9", in: "c1"), .studentEnrolled("s9", in: "c2")],
                        condition: condition
                    )
                }
                #expect(error?.conflictingPosition == conflict, "after \(String(describing: after))")
                #expect(error?.condition == condition)
            }
            #expect(try await store.snapshot() == before)
            // The next successful append continues right after the head.
            #expect(try await store.append(.courseCreated("c3")) == 6)
        }
    }

    @Test("A condition on one boundary ignores events of another")
    func conditionIgnoresOtherBoundaries() async throws {
        try await withStore { store in
            try await store.append(.courseCreated("c1"))
            let readPoint = try await store.status().head
            try await store.append([.studentEnrolled("s1", in: "c2"), .studentRegistered("s2")])
            let condition = AppendCondition(failIfEventsMatch: .course("c1"), after: readPoint)
            #expect(try await store.append(.studentEnrolled("s3", in: "c1"), condition: condition) == 4)
        }
    }
}

@Suite("Events are kept exactly")
struct EventPreservationTests {
    static let payloads: [String] = [
        "",
        "{}",
        "null",
        "42",
        "\"just a string\"",
        "[1, 2.5, -3e10, true, false, null]",
        #"{"name":"Émile","emoji":"🦫🎓","cjk":"学生"}"#,
        "{ \"spaced\" :  [ 1 ,2 ] ,\"tab\":\t\"x\" }",
        #"{"escaped":"line\nbreak \"quoted\" \\ \u0000 \ud83e\udda6"}"#,
        #"{"deep":{"a":[{"b":{"c":[[[]]]}}],"empty":{}}}"#,
        "{\n  \"pretty\": true,\n  \"list\": [\n    1,\n    2\n  ]\n}\n",
        "\r\n{\"crlf\": 1}\r\n",
        "   1",
        "\t[\"tab first\"] ",
    ]

    @Test("Payloads are stored and read back byte for byte, also after re-opening", arguments: payloads)
    func payloadIsPreservedByteForByte(payload: String) async throws {
        try await withStoreAndDirectory { store, directory in
            let data = json(payload)
            try await store.append([Event(type: "T", data: data), .courseCreated("c1")])
            #expect(try await store.readAll(.all).first?.data == data)
            await store.close()
            try await withReopenedStore(in: directory) { reopened throws in
                #expect(try await reopened.readAll(.all).first?.data == data)
                #expect(try await reopened.readLast(.type("T"))?.data == data)
            }
        }
    }

    @Test("Tags are stored and read back byte for byte, in order, repeated keys included")
    func tagsArePreservedByteForByte() async throws {
        try await withStoreAndDirectory { store, directory in
            let tags = [
                Tag("k", "a"), Tag("k", "b"), Tag("k", "a"),
                Tag("name", "\u{E9}"), Tag("name", "e\u{301}"),
                Tag("emoji", "🦫🎓"), Tag("nul", "a\u{0}b"), Tag("empty", ""),
                Tag("colon", "a:b:c"), Tag("quote", "\"\\\n\t"), Tag("Case", "X"),
            ]
            try await store.append(Event(type: "T", data: json("{}"), tags: tags))
            #expect(try await store.readAll(.all).first?.tags == tags)
            #expect(positions(try await store.readAll(try .tags(Tag("k", "a"), Tag("k", "b")))) == [1])
            #expect(positions(try await store.readAll(try .tags(Tag("nul", "a\u{0}b")))) == [1])
            #expect(try await store.readAll(try .tags(Tag("nul", "a"))).isEmpty)
            await store.close()
            try await withReopenedStore(in: directory) { reopened in
                let read = try await reopened.readAll(.all)
                #expect(read.first?.tags == tags)
                for tag in Set(tags) {
                    #expect(positions(try await reopened.readAll(try .tags(tag))) == [1], "\(tag)")
                }
                #expect(try await reopened.readAll(try .tags(Tag("name", "e"))).isEmpty)
            }
        }
    }

    @Test("Event types are kept byte for byte")
    func typesArePreservedByteForByte() async throws {
        try await withStore { store in
            let types = ["caf\u{E9}", "cafe\u{301}", "Thing", "thing", "a/b", "..", "🦫"]
            try await store.append(types.map { Event(type: $0) })
            #expect(try await store.readAll(.all).map(\.type) == types)
            for (index, type) in types.enumerated() {
                #expect(positions(try await store.readAll(.type(type))) == [Position(UInt64(index) + 1)], "\(type)")
            }
        }
    }

    @Test("Given metadata is kept: timestamp, event id, correlation and causation")
    func givenMetadataIsKept() async throws {
        try await withStoreAndDirectory { store, directory in
            let id = UUID()
            let time = Date(timeIntervalSince1970: 1_600_000_000.25)
            let event = Event(
                type: "T",
                metadata: EventMetadata(timestamp: time, eventId: id, correlationId: "flow-1", causationId: "cmd-1")
            )
            try await store.append(event)
            func check(_ read: SequencedEvent?) throws {
                let read = try #require(read)
                #expect(read.eventId == id)
                #expect(abs(read.timestamp.timeIntervalSince(time)) < 0.000_001)
                #expect(read.event.metadata.correlationId == "flow-1")
                #expect(read.event.metadata.causationId == "cmd-1")
            }
            try check(try await store.readLast(.all))
            await store.close()
            try await withReopenedStore(in: directory) { reopened in
                try check(try await reopened.readLast(.all))
            }
        }
    }

    @Test("A given timestamp keeps microseconds")
    func timestampKeepsMicroseconds() async throws {
        try await withStore { store in
            let time = Date(timeIntervalSince1970: 1_700_000_000.123456)
            try await store.append(Event(type: "T").timestamped(time))
            let read = try #require(try await store.readLast(.all))
            #expect(abs(read.timestamp.timeIntervalSince1970 - 1_700_000_000.123456) < 0.000_001_5)
        }
    }

    @Test("Event ids and timestamps are assigned when missing; ids are distinct and stable")
    func missingIdsAndTimestampsAreAssigned() async throws {
        try await withStoreAndDirectory { store, directory in
            let start = Date()
            try await store.append((1...20).map { Event.studentRegistered("s\($0)") })
            try await store.append(.courseCreated("c1"))
            let end = Date()
            let read = try await store.readAll(.all)
            #expect(Set(read.map(\.eventId)).count == 21)
            for event in read {
                #expect(event.event.metadata.eventId != nil)
                #expect(event.event.metadata.timestamp != nil)
                #expect(event.timestamp >= start.addingTimeInterval(-0.001))
                #expect(event.timestamp <= end.addingTimeInterval(0.001))
                #expect(event.origin == nil)
                #expect(event.event.metadata.correlationId == nil)
                #expect(event.event.metadata.causationId == nil)
            }
            // A second read, and a read after re-opening, see the same ids.
            #expect(try await store.readAll(.all).map(\.eventId) == read.map(\.eventId))
            await store.close()
            try await withReopenedStore(in: directory) { reopened in
                let again = try await reopened.readAll(.all)
                #expect(again.map(\.eventId) == read.map(\.eventId))
                #expect(again.map(\.timestamp) == read.map(\.timestamp))
            }
        }
    }

    @Test("An event's JSON line parses back to the same event")
    func jsonLineParsesBack() async throws {
        try await withStore { store in
            let event = Event(
                type: "T",
                data: json(#"{"a": [1, "é🦫"]}"#),
                tags: [Tag("k", "a:b"), Tag("nul", "\u{0}")]
            )
            .correlated(with: "flow")
            .caused(by: "cause")
            try await store.append(event)
            let read = try #require(try await store.readLast(.all))
            #expect(!read.jsonLine.contains("\n"))
            let parsed = try Event(json: Array(read.jsonLine.utf8))
            #expect(parsed == read.event)
        }
    }
}

@Suite("A store re-opened from disk")
struct ReopenTests {
    @Test("Everything holds after close and open: events, positions, queries, conditions")
    func everythingHoldsAfterReopen() async throws {
        try await withStoreAndDirectory { store, directory in
            try await store.append([.courseCreated("c1", maxStudents: 2), .studentRegistered("s1")])
            try await store.append(.studentEnrolled("s1", in: "c1"))
            try await store.append([.studentRegistered("s2"), .studentEnrolled("s2", in: "c1")])
            let before = try await store.snapshot()
            let courseBefore = try await store.readAll(.course("c1"))
            await store.close()

            try await withReopenedStore(in: directory) { reopened throws in
                #expect(try await reopened.snapshot() == before)
                #expect(try await reopened.readAll(.course("c1")) == courseBefore)
                #expect(try await reopened.readLast(.student("s1"))?.position == 3)
                #expect(
                    positions(
                        try await reopened.readAll(.all, options: ReadOptions(from: 4, backwards: true, limit: 2))
                    )
                        == [4, 3]
                )
                // Conditions are evaluated against what is on disk.
                let stale = AppendCondition(failIfEventsMatch: .course("c1"), after: 3)
                let error = await expectConditionFailure {
                    try await reopened.append(.studentEnrolled("s3", in: "c1"), condition: stale)
                }
                #expect(error?.conflictingPosition == 5)
                let unique = AppendCondition(failIfEventsMatch: try .tags(.email("s1@example.com")))
                await expectConditionFailure { try await reopened.append(.studentRegistered("s1"), condition: unique) }
                // New appends continue after the old head.
                #expect(try await reopened.append(.courseCreated("c2")) == 6)
            }
            try await withReopenedStore(in: directory) { again throws in
                #expect(positions(try await again.readAll(.all)) == positions(1...6))
                #expect(try await again.status().eventCount == 6)
            }
        }
    }

    @Test("A store with durability flush reads the same after re-opening")
    func durableStoreReopens() async throws {
        try await withStoreAndDirectory(options: FileEventStore.Options(durability: .flush)) { store, directory in
            for index in 1...5 {
                try await store.append([.studentRegistered("s\(index)"), .studentEnrolled("s\(index)", in: "c1")])
            }
            let before = try await store.snapshot()
            await store.close()
            try await withReopenedStore(in: directory, options: FileEventStore.Options(durability: .flush)) {
                reopened throws in
                #expect(try await reopened.snapshot() == before)
            }
        }
    }
}

@Suite("The DCB website's scenarios")
struct DCBScenarioTests {
    /// Enrols a student in a course if the course has room, the DCB way: read the
    /// boundary, decide, append with a condition built from what was read.
    private func enrol(_ student: String, in course: String, store: FileEventStore) async throws -> Bool {
        let query = Query.course(course)
        var capacity = 0
        var enrolled = 0
        var lastSeen = Position.zero
        for try await event in store.read(query) {
            lastSeen = event.position
            if event.type == EventType.courseCreated {
                let object = try JSONSerialization.jsonObject(with: event.data) as? [String: Any]
                capacity = object?["maxStudents"] as? Int ?? 0
            } else {
                enrolled += 1
            }
        }
        guard enrolled < capacity else { return false }
        try await store.append(
            .studentEnrolled(student, in: course),
            condition: AppendCondition(failIfEventsMatch: query, after: lastSeen)
        )
        return true
    }

    @Test("Course capacity: enrolments stop when the course is full")
    func courseCapacityIsEnforced() async throws {
        try await withStore { store in
            try await store.append([.courseCreated("c1", maxStudents: 2), .courseCreated("c2", maxStudents: 5)])
            #expect(try await enrol("s1", in: "c1", store: store))
            try await store.append(.studentEnrolled("s9", in: "c2"))
            #expect(try await enrol("s2", in: "c1", store: store))
            #expect(try await enrol("s3", in: "c1", store: store) == false)
            #expect(try await store.readAll(.course("c1")).count == 3)
        }
    }

    @Test("Course capacity: a decision made on a stale read is refused")
    func staleCapacityDecisionIsRefused() async throws {
        try await withStore { store in
            try await store.append(.courseCreated("c1", maxStudents: 1))
            let readPoint = try await store.readAll(.course("c1")).last?.position
            try await store.append(.studentEnrolled("s1", in: "c1"))
            await expectConditionFailure {
                try await store.append(
                    .studentEnrolled("s2", in: "c1"),
                    condition: AppendCondition(failIfEventsMatch: .course("c1"), after: readPoint)
                )
            }
            #expect(try await store.readAll(.course("c1")).count == 2)
        }
    }

    @Test("Unique e-mail: a second registration with the same address is refused")
    func uniqueEmailIsEnforced() async throws {
        try await withStore { store in
            let unique = { (email: String) in AppendCondition(failIfEventsMatch: try! .tags(.email(email))) }
            try await store.append(
                .studentRegistered("s1", email: "ada@example.com"),
                condition: unique("ada@example.com")
            )
            try await store.append(
                .studentRegistered("s2", email: "Ada@example.com"),
                condition: unique("Ada@example.com")
            )
            let error = await expectConditionFailure {
                try await store.append(
                    .studentRegistered("s3", email: "ada@example.com"),
                    condition: unique("ada@example.com")
                )
            }
            #expect(error?.conflictingPosition == 1)
        }
    }

    @Test("Idempotent submission: the same order id is accepted once")
    func idempotentSubmissionIsAcceptedOnce() async throws {
        try await withStore { store in
            let order = Event(type: "OrderSubmitted", data: json(#"{"orderId":"o-1"}"#)).tagged("orderId", "o-1")
            let once = AppendCondition(
                failIfEventsMatch: Query(try QueryItem(types: ["OrderSubmitted"], tags: [Tag("orderId", "o-1")]))
            )
            #expect(try await store.append(order, condition: once) == 1)
            await expectConditionFailure { try await store.append(order, condition: once) }
            #expect(try await store.status().eventCount == 1)
        }
    }

    @Test("Gapless invoice numbers: the next number is decided from the last invoice")
    func gaplessInvoiceNumbers() async throws {
        try await withStore { store in
            let invoices = Query.type("InvoiceCreated")
            for _ in 1...3 {
                let last = try await store.readLast(invoices)
                let number = last.map { Int(String(decoding: $0.data, as: UTF8.self))! + 1 } ?? 1
                try await store.append(
                    Event(type: "InvoiceCreated", data: json("\(number)")),
                    condition: AppendCondition(failIfEventsMatch: invoices, after: last?.position)
                )
            }
            #expect(
                try await store.readAll(invoices).map { String(decoding: $0.data, as: UTF8.self) } == ["1", "2", "3"]
            )
        }
    }
}
