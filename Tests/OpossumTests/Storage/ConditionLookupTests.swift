import Foundation
import OpossumTestSupport
import Testing

@testable import Opossum

/// A condition on one tag is decided by a binary search of that tag's positions,
/// without a query plan: it must find what the plan finds, for every `after`.
@Suite("Condition lookup in the index")
struct ConditionLookupTests {
    private static let tags = (0..<6).map { Tag("order", "\($0)") }

    private func randomIndex(_ random: inout SeededRandom, events: Int) -> EventIndex {
        var index = EventIndex()
        index.startSegment()
        for number in 0..<events {
            let tags = Self.tags.filter { _ in Int.random(in: 0..<4, using: &random) == 0 }
            index.add(type: "OrderPlaced", tags: tags, offset: UInt64(number) * 100)
        }
        return index
    }

    @Test("one tag: the same first match as the query plan, after every position", arguments: 1...5)
    func oneTagMatchesThePlan(seed: UInt64) throws {
        var random = SeededRandom(state: seed)
        let index = randomIndex(&random, events: 300)
        // Tags the store has, and one it has never seen.
        for tag in Self.tags + [Tag("order", "none")] {
            let query = try Query.tags(tag)
            for after in [nil, UInt64.max, UInt64.max - 1] + (UInt64(0)...301).map(Optional.some) {
                let expected = index.plan(for: query).firstMatch(after: after)
                #expect(index.firstMatch(of: query, after: after) == expected, "\(tag), after \(after ?? 0)")
            }
        }
    }

    @Test("with hidden events, or other queries, the plan decides")
    func otherQueriesUseThePlan() throws {
        var random = SeededRandom(state: 9)
        var index = randomIndex(&random, events: 50)
        let tag = Self.tags[0]
        let first = try #require(index.tags[tag]?[0])
        // A `$hide` of the tag's first event: neither a read nor a condition sees it.
        index.add(type: "$hide", tags: [Tag(HiddenPositions.hideTagKey, "\(first)-\(first)")], offset: 50 * 100)
        #expect(!index.hidden.isEmpty)
        for after in [nil] + (UInt64(0)...51).map(Optional.some) {
            for query in [try Query.tags(tag), try Query.tags(tag, Self.tags[1]), try Query.types("OrderPlaced")] {
                #expect(index.firstMatch(of: query, after: after) == index.plan(for: query).firstMatch(after: after))
            }
            #expect(index.firstMatch(of: try .tags(tag), after: after) != first)
        }
    }
}
