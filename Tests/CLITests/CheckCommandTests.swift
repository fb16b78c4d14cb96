import Foundation
import Testing

@Suite("opossum check")
struct CheckCommandTests {
    /// A store with three batches of two events, each appended by its own `opossum append`.
    static func makeStore(in directory: TemporaryDirectory) async throws -> TestStore {
        let store = try await TestStore.create(in: directory)
        for batch in 1...3 {
            let lines =
                #"{"type":"FirstType","tags":["batch:\#(batch)"],"data":{"n":\#(batch)}}"#
                + "\n" + #"{"type":"SecondType","tags":["batch:\#(batch)"]}"#
            let result = try await store.run(["append", "--batch", "-"], stdin: Data(lines.utf8))
            try #require(result.exitCode == 0, "\(result)")
        }
        return store
    }

    @Test func checkPassesOnAHealthyStore() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await Self.makeStore(in: directory)
            let result = try await store.run(["check"])
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stderr.isEmpty)
            #expect(result.stdout == "checked 6 events in 1 segment: no problems found\n")
        }
    }

    @Test func checkPassesOnAnEmptyStore() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            let result = try await store.run(["check"])
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout.hasPrefix("checked 0 events in "))
        }
    }

    @Test func checkFailsNamingFileAndOffsetWhenAByteInTheMiddleIsFlipped() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await Self.makeStore(in: directory)
            let segment = URL(fileURLWithPath: store.path + "/Events/0000000001.jsonl")
            var bytes = try Data(contentsOf: segment)
            // Damage the first line's type, so that complete batches follow the damage:
            // mid-log corruption, not a torn tail that recovery may cut off.
            let firstLineEnd = try #require(bytes.firstIndex(of: UInt8(ascii: "\n")))
            let typeRange = try #require(bytes[..<firstLineEnd].firstRange(of: Data("FirstType".utf8)))
            let flipped = typeRange.lowerBound + 2
            bytes[flipped] ^= 0x01  // "FirstType" becomes "FhrstType": still valid JSON.
            try bytes.write(to: segment)

            let result = try await store.run(["check"])
            #expect(result.exitCode != 0)
            #expect(result.exitCode == 1)
            #expect(!result.stderrLines.isEmpty)
            #expect(result.stderrLines.allSatisfy { $0.hasPrefix("opossum: ") }, "\(result)")
            let problem = try #require(result.stderrLines.first { $0.contains("0000000001.jsonl") }, "\(result)")
            let offset = try #require(problem.firstMatch(of: #/byte (\d+)/#).flatMap { Int($0.1) }, "\(problem)")
            #expect(offset <= flipped)
            #expect(result.stdout.hasPrefix("checked "))

            // Reading refuses the damaged store rather than cutting off the batches after the damage.
            let read = try await store.run(["read"])
            #expect(read.exitCode == 1)
            #expect(read.stderrLines.count == 1)
            #expect(read.stderr.hasPrefix("opossum: "))
            #expect(try Data(contentsOf: segment) == bytes)
        }
    }
}
