import Foundation
import Testing

@Suite("opossum append")
struct AppendCommandTests {
    /// Non-ASCII text, nested values, escapes and odd spacing: all must come back byte for byte.
    static let data =
        #"{ "name" : "Zoë 🦫 \u00e9", "nested": {"list": [1, 2.50, -3e2, {"deep": [true, false, null]}], "#
        + #""empty": {}}, "quote": "a\"b\\c" }"#

    @Test func appendedEventReadsBackWithTagsAndDataByteForByte() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            let result = try await store.run([
                "append", "--type", "StudentSubscribed", "--tag", "student:42", "--tag", "course:7/ä:b",
                "--data", Self.data,
            ])
            #expect(result.exitCode == 0)
            #expect(result.stdout == "{\"position\": 1}\n")
            #expect(result.stderr.isEmpty)

            let lines = try await store.read()
            try #require(lines.count == 1)
            let prefix =
                #"{"position":1,"type":"StudentSubscribed","tags":["student:42","course:7/ä:b"],"data":"#
                + Self.data + #","metadata":{"timestamp":""#
            #expect(lines[0].hasPrefix(prefix), "\(lines[0])")
            let metadata = lines[0].dropFirst(prefix.count)
            let timestampAndId =
                #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z","eventId":"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"}}/#
            #expect(metadata.wholeMatch(of: timestampAndId) != nil, "\(metadata)")
        }
    }

    @Test func eventWithoutDataReadsBackAsNull() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            #expect(try await store.append(type: "Pinged") == 1)
            #expect(try await store.append(type: "Pinged", data: "42") == 2)
            let lines = try await store.read()
            #expect(lines.count == 2)
            #expect(lines.first?.hasPrefix(#"{"position":1,"type":"Pinged","tags":[],"data":null,"metadata":"#) == true)
            #expect(lines.last?.hasPrefix(#"{"position":2,"type":"Pinged","tags":[],"data":42,"metadata":"#) == true)
        }
    }

    @Test func batchFromAFileIsAppendedAsOneUnit() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            try await store.append(type: "Before")
            let batch = """
                {"type": "CourseDefined", "tags": ["course:7"], "data": {"capacity": 2}}

                {"type": "StudentSubscribed", "tags": ["course:7", "student:1"], "data": "Zoë"}
                   \r
                {"type": "StudentSubscribed", "tags": ["course:7", "student:2"]}

                """
            let file = directory.appending("batch.jsonl")
            try Data(batch.utf8).write(to: URL(fileURLWithPath: file))
            let result = try await store.run(["append", "--batch", file])
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout == "{\"position\": 4}\n")
            let lines = try await store.read(["--from", "2"])
            #expect(lines.count == 3)
            #expect(
                lines[0].hasPrefix(#"{"position":2,"type":"CourseDefined","tags":["course:7"],"data":{"capacity": 2},"#)
            )
            #expect(
                lines[1].hasPrefix(
                    #"{"position":3,"type":"StudentSubscribed","tags":["course:7","student:1"],"data":"Zoë","#
                )
            )
            #expect(
                lines[2].hasPrefix(
                    #"{"position":4,"type":"StudentSubscribed","tags":["course:7","student:2"],"data":null,"#
                )
            )
        }
    }

    @Test func batchFromStandardInputCopiesAnotherStoresEventsWithTheirIds() async throws {
        try await TemporaryDirectory.with { directory in
            let source = try await TestStore.create(in: directory)
            try await source.append(type: "A", tags: ["k:1"], data: Self.data)
            try await source.append(type: "B", tags: ["k:2"], data: "[1, 2]")
            let exported = try await source.read()

            let target = TestStore(path: directory.appending("target"))
            #expect(try await OpossumCLI.run(["init", "--store", target.path]).exitCode == 0)
            try await target.append(type: "Local")
            let input = Data(exported.joined(separator: "\n").utf8)
            let result = try await target.run(["append", "--batch", "-"], stdin: input)
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout == "{\"position\": 3}\n")
            // Same events, ids and timestamps; only the positions are the target's own.
            let copied = try await target.read(["--from", "2"])
            #expect(copied.count == 2)
            for (original, copy) in zip(exported, copied) {
                #expect(original.drop { $0 != "," } == copy.drop { $0 != "," })
            }
        }
    }

    @Test func batchWithABadLineNamesTheLineAndWritesNothing() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            try await store.append(type: "Before")
            let before = try store.segmentFiles()
            let input = """
                {"type": "Good"}

                {"type": "AlsoGood", "data": {"a": 1}}
                {"type": "Bad", "data": {"a": }}
                {"type": "Fine"}
                """
            let result = try await store.run(["append", "--batch", "-"], stdin: Data(input.utf8))
            #expect(result.exitCode == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.hasPrefix("opossum: standard input line 4: "), "\(result)")
            #expect(try store.segmentFiles() == before)
            #expect(try await store.readPositions() == [1])
        }
    }

    @Test func failedConditionExitsWithThreeAndWritesNothing() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            try await store.append(type: "UsernameClaimed", tags: ["username:alice"])
            try await store.append(type: "UsernameClaimed", tags: ["username:bob"])
            let before = try store.segmentFiles()
            let condition = #"{"failIfEventsMatch": {"items": [{"tags": ["username:alice"]}]}}"#
            let single = try await store.run([
                "append", "--type", "UsernameClaimed", "--tag", "username:alice", "--condition", condition,
            ])
            #expect(single.exitCode == 3)
            #expect(single.stdout.isEmpty)
            #expect(single.stderrLines.count == 1)
            #expect(single.stderr.hasPrefix("opossum: "))
            #expect(single.stderr.contains("position 1"), "\(single)")
            #expect(single.stderr.contains("nothing was written"))

            let batch = Data("{\"type\": \"X\"}\n{\"type\": \"Y\", \"tags\": [\"username:alice\"]}\n".utf8)
            let batched = try await store.run(["append", "--batch", "-", "--condition", condition], stdin: batch)
            #expect(batched.exitCode == 3)
            #expect(try store.segmentFiles() == before)
            #expect(try await store.readPositions() == [1, 2])
        }
    }

    @Test func conditionAfterTheLastMatchSucceeds() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            try await store.append(type: "InvoiceCreated", tags: ["invoice:1"])
            try await store.append(type: "Unrelated")
            let condition = #"{"failIfEventsMatch": {"items": [{"types": ["InvoiceCreated"]}]}, "after": 1}"#
            let result = try await store.run(["append", "--type", "InvoiceCreated", "--condition", condition])
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout == "{\"position\": 3}\n")
            let stale = try await store.run(["append", "--type", "InvoiceCreated", "--condition", condition])
            #expect(stale.exitCode == 3)
            #expect(stale.stderr.contains("position 3"), "\(stale)")
        }
    }
}
