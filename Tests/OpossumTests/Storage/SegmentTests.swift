import Foundation
import Opossum
import Testing

/// The log rolls over to new segment files and reads across them as one log.
@Suite("Segments")
struct SegmentTests {
    @Test("small segments roll over at commit boundaries and read back as one log")
    func rollOverKeepsOneLog() async throws {
        try await withTemporaryDirectory { temp in
            let options = FileEventStore.Options(durability: .none, segmentSize: 1_000)
            let store = try await FileEventStore.create(at: temp.storePath, name: "site", options: options)
            var expected: [String] = []
            for course in 0..<20 {
                let events = courseEvents(course, students: course % 3)
                expected += events.map(\.type)
                try await store.append(events)
            }
            let status = try await store.status()
            #expect(status.segmentCount > 5)
            #expect(status.head == Position(UInt64(expected.count)))
            #expect(try await snapshot(store).map(\.type) == expected)
            #expect(try await store.readAll(try .tags(Tag("course", "19"))).count == 2)
            await store.close()

            // Every segment is named by its first position and starts with a whole commit.
            let names = try FileManager.default.contentsOfDirectory(atPath: temp.storePath + "/Events").sorted()
            #expect(names.count == status.segmentCount)
            for name in names {
                let text = try String(contentsOfFile: temp.storePath + "/Events/" + name, encoding: .utf8)
                let first = UInt64(name.prefix(10))!
                #expect(text.hasPrefix("{\"position\":\(first),\"commit\":[\(first),"))
            }

            let reopened = try await FileEventStore.open(at: temp.storePath, options: options)
            #expect(try await snapshot(reopened).map(\.type) == expected)
            #expect(
                try await reopened.readAll(.all, options: ReadOptions(from: 30, backwards: true, limit: 4))
                    .map(\.position.rawValue) == [30, 29, 28, 27]
            )
            await reopened.close()
            #expect(try await FileEventStore.check(at: temp.storePath).isHealthy)
        }
    }

    @Test("each line is plain JSON with its payload nested, readable by any JSON tool")
    func linesArePlainJSON() async throws {
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "site", options: unflushed)
            try await store.append(
                Event(
                    type: "CourseDefined",
                    data: Data(#"{"name":"Algebra","seats":[1,2]}"#.utf8),
                    tags: [Tag("course", "7")]
                )
            )
            await store.close()
            let bytes = try StoreFiles(directory: temp.storePath).segment()
            let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            #expect(object["position"] as? Int == 1)
            #expect(object["type"] as? String == "CourseDefined")
            #expect(object["tags"] as? [String] == ["course:7"])
            #expect((object["data"] as? [String: Any])?["name"] as? String == "Algebra")
            #expect((object["crc"] as? String)?.count == 8)
        }
    }
}

/// Logs longer than one read of the scanner still open from scratch.
@Suite("Large logs")
struct LargeLogTests {
    @Test("a log of several megabytes is rebuilt from scratch when the checkpoint is gone")
    func largeLogRebuilds() async throws {
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "site", options: unflushed)
            for start in stride(from: 0, to: 9_000, by: 500) {
                try await store.append(
                    (start..<start + 500).map { number in
                        Event(
                            type: "StudentRegistered",
                            data: Data(
                                #"{"n":\#(number),"pad":"\#(String(repeating: "p", count: number % 700))"}"#.utf8
                            ),
                            tags: [Tag("student", String(number))]
                        )
                    }
                )
            }
            await store.close()
            StoreFiles(directory: temp.storePath).removeCheckpoint()
            let reopened = try await FileEventStore.open(at: temp.storePath, options: unflushed)
            #expect(try await reopened.status().head == Position(9_000))
            #expect(try await reopened.readAll(try .tags(Tag("student", "8999"))).map(\.position.rawValue) == [9_000])
            await reopened.close()
            #expect(try await FileEventStore.check(at: temp.storePath).isHealthy)
        }
    }
}
