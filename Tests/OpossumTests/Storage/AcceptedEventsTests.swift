import Foundation
import OpossumTestSupport
import Testing

@testable import Opossum

/// A condition later in a commit group sees the events accepted earlier in it through
/// ``AcceptedEvents``, looked up by tag and type: it must find exactly what checking
/// every accepted event with `Query.matches` finds.
@Suite("Accepted events of a commit group")
struct AcceptedEventsTests {
    /// Types that collide under Unicode canonical equivalence ("é" composed and
    /// decomposed) but not as bytes, and a reserved one that conditions never see.
    static let types = ["A", "B", "caf\u{E9}", "cafe\u{301}", "$hide"]
    static let tags = (0..<3).flatMap { key in (0..<3).map { Tag("k\(key)", "v\($0)") } } + [Tag("k", "\u{E9}")]

    /// What a condition sees of the batches, by the definition: the first visible event
    /// after `after` that the query matches.
    private func definition(_ batches: [(first: UInt64, events: [Event])], _ query: Query, after: UInt64) -> UInt64? {
        for (first, events) in batches {
            for (offset, event) in events.enumerated()
            where first + UInt64(offset) > after && !HiddenPositions.isReserved(event.type) && query.matches(event) {
                return first + UInt64(offset)
            }
        }
        return nil
    }

    private func randomQuery(_ random: inout SeededRandom) throws -> Query {
        if Int.random(in: 0..<10, using: &random) == 0 { return .all }
        let items = try (0..<Int.random(in: 1...3, using: &random)).map { _ in
            let types = Self.types.filter { _ in Int.random(in: 0..<3, using: &random) == 0 }
            let tags = Self.tags.filter { _ in Int.random(in: 0..<5, using: &random) == 0 }
            if types.isEmpty && tags.isEmpty { return try QueryItem(tags: [Self.tags.randomElement(using: &random)!]) }
            return try QueryItem(types: types, tags: tags)
        }
        return try Query(items: items)
    }

    @Test("finds what checking every accepted event finds", arguments: 1...10)
    func matchesTheDefinition(seed: UInt64) throws {
        var random = SeededRandom(state: seed)
        var accepted = AcceptedEvents()
        var batches: [(first: UInt64, events: [Event])] = []
        // Positions start past a committed head, as a group's do.
        var next = UInt64.random(in: 1...1000, using: &random)
        var checked = 0
        var found = 0
        for _ in 0..<60 {
            let events = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                // Sometimes a tag twice: the event is still one match.
                let tags = Self.tags.filter { _ in Int.random(in: 0..<4, using: &random) == 0 }
                return Event(type: Self.types.randomElement(using: &random)!, tags: tags + tags.prefix(1))
            }
            accepted.add(events, from: next)
            batches.append((next, events))
            next += UInt64(events.count)
            for _ in 0..<20 {
                let query = try randomQuery(&random)
                let after = UInt64.random(in: 0...next, using: &random)
                let expected = definition(batches, query, after: after)
                #expect(accepted.firstMatch(of: query, after: after) == expected, "query \(query), after \(after)")
                checked += 1
                if expected != nil { found += 1 }
            }
        }
        // The random queries both hit and miss, often.
        #expect(found > checked / 10 && found < checked * 9 / 10)
    }

    @Test("system events are never a conflict, and nothing accepted is none")
    func systemEventsAreInvisible() throws {
        var accepted = AcceptedEvents()
        #expect(accepted.firstMatch(of: .all, after: 0) == nil)
        accepted.add([Event(type: "$hide", tags: [Tag("order", "1")])], from: 5)
        #expect(accepted.isEmpty)
        #expect(accepted.firstMatch(of: .all, after: 0) == nil)
        #expect(accepted.firstMatch(of: try .tags(Tag("order", "1")), after: 0) == nil)
        accepted.add([Event(type: "OrderPlaced", tags: [Tag("order", "1")])], from: 6)
        #expect(accepted.firstMatch(of: try .tags(Tag("order", "1")), after: 0) == 6)
        #expect(accepted.firstMatch(of: try .tags(Tag("order", "1")), after: 6) == nil)
        #expect(accepted.firstMatch(of: try .types("OrderPlaced"), after: 5) == 6)
    }
}
