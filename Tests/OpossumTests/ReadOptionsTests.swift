import Foundation
import Opossum
import Testing

/// Read options with a name for test output.
struct NamedOptions: Sendable, CustomTestStringConvertible {
    let options: ReadOptions

    var testDescription: String {
        let from = options.from.map { "from \($0)" } ?? "from start"
        let limit = options.limit.map { "limit \($0)" } ?? "no limit"
        return "\(from), \(options.backwards ? "backwards" : "forwards"), \(limit)"
    }
}

@Suite("Read options")
struct ReadOptionsTests {
    /// The log every read test reads: ten events, three kinds of tags.
    ///
    ///     1 CourseCreated c1          6 StudentEnrolled s2 c1
    ///     2 StudentRegistered s1      7 CourseCreated c2
    ///     3 StudentEnrolled s1 c1     8 StudentEnrolled s1 c2
    ///     4 StudentRegistered s2      9 StudentRegistered s3
    ///     5 StudentRegistered s4     10 StudentEnrolled s3 c1
    static let log: [Event] = [
        .courseCreated("c1"), .studentRegistered("s1"), .studentEnrolled("s1", in: "c1"), .studentRegistered("s2"),
        .studentRegistered("s4"), .studentEnrolled("s2", in: "c1"), .courseCreated("c2"),
        .studentEnrolled("s1", in: "c2"), .studentRegistered("s3"), .studentEnrolled("s3", in: "c1"),
    ]

    static let queries: [NamedQuery] = [
        NamedQuery(name: "all", query: .all),
        NamedQuery(name: "registrations", query: .type(EventType.studentRegistered)),
        NamedQuery(name: "course c1", query: .course("c1")),
        NamedQuery(
            name: "student s1 or courses",
            query: Query(try! .tags(.student("s1")), try! .types(EventType.courseCreated))
        ),
    ]

    static let options: [NamedOptions] = {
        var all: [NamedOptions] = []
        for from in [nil, 0, 1, 3, 6, 10, 11, 1_000] as [Position?] {
            for backwards in [false, true] {
                for limit in [nil, 0, 1, 2, 4, 100] as [Int?] {
                    all.append(NamedOptions(options: ReadOptions(from: from, backwards: backwards, limit: limit)))
                }
            }
        }
        return all
    }()

    /// What a read must return, by the definition: `from` (inclusive), then direction, then limit.
    static func reference(_ query: Query, _ options: ReadOptions) -> [Position] {
        var matching = log.enumerated()
            .filter { query.matches($0.element) }
            .map { Position(UInt64($0.offset) + 1) }
        if let from = options.from {
            matching = matching.filter { options.backwards ? $0 <= from : $0 >= from }
        }
        if options.backwards { matching.reverse() }
        if let limit = options.limit { matching = Array(matching.prefix(limit)) }
        return matching
    }

    @Test("Every combination of from, direction and limit returns what the definition says")
    func readOptionsCombinationsMatchTheDefinition() async throws {
        // One store for the whole table; each combination is checked on its own.
        try await withStore { store in
            try await store.append(Array(Self.log[0..<4]))
            try await store.append(Array(Self.log[4..<7]))
            try await store.append(Array(Self.log[7...]))
            for named in Self.queries {
                for option in Self.options {
                    let read = try await store.readAll(named.query, options: option.options)
                    #expect(
                        positions(read) == Self.reference(named.query, option.options),
                        "\(named.name): \(option.testDescription)"
                    )
                    #expect(read.allSatisfy { named.query.matches($0.event) })
                }
            }
        }
    }

    @Test("Streaming reads give the definition's answer", arguments: options)
    func streamingReadMatchesTheDefinition(option: NamedOptions) async throws {
        try await withStore { store in
            try await store.append(Self.log)
            for named in Self.queries {
                let streamed = try await collect(store.read(named.query, options: option.options))
                #expect(positions(streamed) == Self.reference(named.query, option.options), "\(named.name)")
            }
        }
    }

    @Test(
        "Hand-checked reads",
        arguments: [
            (ReadOptions(from: 5, limit: 2), [5, 6]),
            (ReadOptions(from: 5, backwards: true, limit: 2), [5, 4]),
            (ReadOptions(backwards: true, limit: 3), [10, 9, 8]),
            (ReadOptions(limit: 3), [1, 2, 3]),
            (ReadOptions(limit: 0), []),
            (ReadOptions(from: 11), []),
            (ReadOptions(from: 11, backwards: true, limit: 1), [10]),
            (ReadOptions(from: 0, backwards: true), []),
            (ReadOptions(from: 1, backwards: true), [1]),
            (ReadOptions(from: 10), [10]),
        ] as [(ReadOptions, [Position])]
    )
    func handCheckedReads(options: ReadOptions, expected: [Position]) async throws {
        try await withStore { store in
            try await store.append(Self.log)
            #expect(positions(try await store.readAll(.all, options: options)) == expected)
            #expect(Self.reference(.all, options) == expected)
        }
    }

    @Test("from is a position, not a count of matches")
    func fromIsAPositionNotAnOrdinal() async throws {
        try await withStore { store in
            try await store.append(Self.log)
            let registrations = Query.type(EventType.studentRegistered)
            #expect(positions(try await store.readAll(registrations, options: ReadOptions(from: 3))) == [4, 5, 9])
            #expect(positions(try await store.readAll(registrations, options: ReadOptions(from: 4))) == [4, 5, 9])
            #expect(
                positions(try await store.readAll(registrations, options: ReadOptions(from: 8, backwards: true))) == [
                    5, 4, 2,
                ]
            )
        }
    }

    @Test("A limit of zero returns nothing, even on a full store")
    func limitZeroReturnsNothing() async throws {
        try await withStore { store in
            try await store.append(Self.log)
            #expect(try await store.readAll(.all, options: ReadOptions(limit: 0)).isEmpty)
            #expect(try await store.readAll(.all, options: ReadOptions(backwards: true, limit: 0)).isEmpty)
        }
    }

    @Test("A negative limit is refused", arguments: [-1, -100, Int.min])
    func negativeLimitIsRefused(limit: Int) async throws {
        try await withStore { store in
            try await store.append(Self.log)
            await expectStoreError(.invalidQuery) {
                try await store.readAll(.all, options: ReadOptions(limit: limit))
            }
            await expectStoreError(.invalidQuery) {
                try await store.readAll(.course("c1"), options: ReadOptions(backwards: true, limit: limit))
            }
        }
    }

    @Test("A long read streams every event in order")
    func longReadStreamsInOrder() async throws {
        try await withStore { store in
            let count = 3_000
            for start in stride(from: 0, to: count, by: 500) {
                try await store.append((start..<start + 500).map { Event.studentRegistered("s\($0)") })
            }
            var expected: UInt64 = 1
            for try await event in store.read(.all) {
                #expect(event.position == Position(expected))
                expected += 1
            }
            #expect(expected == UInt64(count) + 1)
            var backwards = UInt64(count)
            for try await event in store.read(.type(EventType.studentRegistered), options: ReadOptions(backwards: true))
            {
                #expect(event.position == Position(backwards))
                backwards -= 1
            }
            #expect(backwards == 0)
        }
    }
}

/// Collects an asynchronous sequence of events into an array.
private func collect(_ events: some AsyncSequence<SequencedEvent, any Error>) async throws -> [SequencedEvent] {
    var collected: [SequencedEvent] = []
    for try await event in events {
        collected.append(event)
    }
    return collected
}
