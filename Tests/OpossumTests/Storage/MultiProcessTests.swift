import Foundation
import Opossum
import Testing

/// Two stores opened on one directory behave like two processes: each holds its own
/// descriptors and index, and they coordinate only through the files and the lock.
@Suite("Shared directory")
struct MultiProcessTests {
    @Test("a store sees appends another opener of the directory committed")
    func readerSeesOtherWritersCommits() async throws {
        try await withTemporaryDirectory { temp in
            let app = try await FileEventStore.create(at: temp.storePath, name: "site", options: unflushed)
            let agent = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            try await app.append(courseEvents(1, students: 2))
            #expect(try await agent.readAll(try .tags(Tag("course", "1"))).count == 3)
            try await agent.append(courseEvents(2, students: 1))
            #expect(try await app.readAll(.all).map(\.position.rawValue) == [1, 2, 3, 4, 5])
            #expect(try await app.status().head == Position(5))
            await app.close()
            await agent.close()
        }
    }

    @Test("conditions see what another opener committed: exactly one of two racing decisions wins")
    func conditionsSeeOtherWriters() async throws {
        try await withTemporaryDirectory { temp in
            let first = try await FileEventStore.create(at: temp.storePath, name: "site", options: unflushed)
            let second = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            let username = try Query.tags(Tag("username", "alice"))
            let claim = Event(type: "UsernameClaimed", tags: [Tag("username", "alice")])
            async let a: Position? = try? first.append(claim, condition: AppendCondition(failIfEventsMatch: username))
            async let b: Position? = try? second.append(claim, condition: AppendCondition(failIfEventsMatch: username))
            let results = await [a, b]
            #expect(results.compactMap { $0 } == [Position(1)])
            #expect(try await first.readAll(username).count == 1)
            await first.close()
            await second.close()
        }
    }
}
