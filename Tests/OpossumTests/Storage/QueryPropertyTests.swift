import Foundation
import Opossum
import OpossumTestSupport
import Testing

/// Reads and conditions through the index agree with a plain filter over every
/// event, for random stores, queries and read options.
@Suite("Query properties")
struct QueryPropertyTests {
    static let types = ["A", "B", "C", "D"]
    static let tags = (0..<4).flatMap { key in (0..<3).map { Tag("k\(key)", "v\($0)") } }

    static func randomItem(_ random: inout SeededRandom) throws -> QueryItem {
        let types = Self.types.filter { _ in Int.random(in: 0..<3, using: &random) == 0 }
        let tags = Self.tags.filter { _ in Int.random(in: 0..<6, using: &random) == 0 }
        if types.isEmpty && tags.isEmpty { return try QueryItem(types: [Self.types.randomElement(using: &random)!]) }
        return try QueryItem(types: types, tags: tags)
    }

    @Test("indexed reads match a full filter", arguments: 1...12)
    func indexedReadsMatchFilter(seed: UInt64) async throws {
        var random = SeededRandom(state: seed)
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "site", options: unflushed)
            var all: [Event] = []
            for _ in 0..<40 {
                let batch = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                    Event(
                        type: Self.types.randomElement(using: &random)!,
                        tags: Self.tags.filter { _ in Int.random(in: 0..<4, using: &random) == 0 }
                    )
                }
                all += batch
                try await store.append(batch)
            }
            for _ in 0..<60 {
                let query =
                    Int.random(in: 0..<8, using: &random) == 0
                    ? Query.all
                    : try Query(
                        items: (0..<Int.random(in: 1...3, using: &random)).map { _ in try Self.randomItem(&random) }
                    )
                let options = ReadOptions(
                    from: Bool.random(using: &random)
                        ? Position(UInt64.random(in: 0...UInt64(all.count + 3), using: &random)) : nil,
                    backwards: Bool.random(using: &random),
                    limit: Bool.random(using: &random) ? Int.random(in: 0...6, using: &random) : nil
                )
                var expected = all.indices.map { UInt64($0 + 1) }.filter { query.matches(all[Int($0 - 1)]) }
                if let from = options.from?.rawValue {
                    expected = expected.filter { options.backwards ? $0 <= from : $0 >= from }
                }
                if options.backwards { expected.reverse() }
                if let limit = options.limit { expected = Array(expected.prefix(limit)) }
                let actual = try await store.readAll(query, options: options).map(\.position.rawValue)
                #expect(actual == expected, "seed \(seed): \(query) \(options)")

                // A condition fails exactly when a matching event lies after `after`.
                let after = UInt64.random(in: 0...UInt64(all.count + 1), using: &random)
                let conflict = all.indices.map { UInt64($0 + 1) }.first {
                    $0 > after && query.matches(all[Int($0 - 1)])
                }
                let head = try await store.status().head
                let condition = AppendCondition(failIfEventsMatch: query, after: Position(after))
                do {
                    // A type no query uses, so the store's content stays what `all` says.
                    _ = try await store.append(Event(type: "Probe"), condition: condition)
                    #expect(conflict == nil, "seed \(seed): condition after \(after) should have failed")
                    all.append(Event(type: "Probe"))
                } catch let error as AppendConditionError {
                    #expect(error.conflictingPosition.rawValue == conflict, "seed \(seed)")
                    #expect(try await store.status().head == head)
                }
            }
            await store.close()
        }
    }
}
