import Foundation
import Opossum
import Testing

/// Stores written by earlier versions of Opossum keep opening and reading the same.
///
/// `Fixtures/stores/v<N>-courses/` holds a store of format version N (its
/// `store.json` and `Events/` only: the index is derived). Set
/// `OPOSSUM_RECORD_FIXTURES=1` to write the current version's fixture anew; never
/// rewrite an older version's.
@Suite("Golden stores")
struct GoldenStoreTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/stores")

    /// The events every version's fixture holds, with fixed ids and times.
    static let events: [[Event]] = {
        func event(_ number: Int, _ type: String, _ data: String, _ tags: [Tag]) -> Event {
            Event(
                type: type,
                data: Data(data.utf8),
                tags: tags,
                metadata: EventMetadata(
                    timestamp: Date(timeIntervalSince1970: 1_764_406_177.123456 + Double(number)),
                    eventId: UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", number))!,
                    correlationId: number == 3 ? "enrolment-7" : nil,
                    causationId: number == 3 ? "command-9" : nil
                )
            )
        }
        return [
            [event(1, "CourseCreated", #"{"courseId":"c-1","name":"Algèbre","capacity":2}"#, [Tag("courseId", "c-1")])],
            [
                event(
                    2,
                    "StudentRegistered",
                    #"{"studentId":"s-1","email":"ana@example.com"}"#,
                    [Tag("studentId", "s-1"), Tag("studentEmail", "ana@example.com")]
                ),
                event(
                    3,
                    "StudentEnrolledToCourse",
                    "{\n  \"studentId\": \"s-1\",\n  \"courseId\": \"c-1\"\n}",
                    [Tag("studentId", "s-1"), Tag("courseId", "c-1")]
                ),
            ],
            [
                event(
                    4,
                    "Note",
                    "",
                    [Tag("path", "../../etc/passwd"), Tag("nul", "a\u{0}b"), Tag("Name", "x"), Tag("name", "x")]
                )
            ],
        ]
    }()

    @Test("a format-1 store opens and reads back every event exactly")
    func formatOneStoreReads() async throws {
        let fixture = Self.fixtures.appendingPathComponent("v1-courses")
        if ProcessInfo.processInfo.environment["OPOSSUM_RECORD_FIXTURES"] == "1" {
            try await record(into: fixture)
        }
        try await withTemporaryDirectory { temp in
            try FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: temp.storePath).deletingLastPathComponent().path,
                withIntermediateDirectories: true
            )
            try FileManager.default.copyItem(atPath: fixture.path, toPath: temp.storePath)
            let store = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            #expect(store.identity.formatVersion == 1)
            #expect(store.identity.name == "golden")
            let read = try await store.readAll(.all)
            #expect(read.map(\.event) == Self.events.flatMap { $0 })
            #expect(read.map(\.position.rawValue) == [1, 2, 3, 4])
            #expect(try await store.readAll(try .tags(Tag("name", "x"))).map(\.position.rawValue) == [4])
            #expect(try await store.readAll(try .tags(Tag("courseId", "c-1"))).map(\.position.rawValue) == [1, 3])
            await store.close()
            #expect(try await FileEventStore.check(at: temp.storePath).isHealthy)
        }
    }

    /// Writes the current format's fixture.
    private func record(into fixture: URL) async throws {
        try? FileManager.default.removeItem(at: fixture)
        let store = try await FileEventStore.create(at: fixture.path, name: "golden", options: unflushed)
        for batch in Self.events { try await store.append(batch) }
        await store.close()
        for derived in ["Indices", ".ledger", ".lock"] {
            try? FileManager.default.removeItem(at: fixture.appendingPathComponent(derived))
        }
    }
}
