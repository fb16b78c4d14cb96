import Foundation
import Testing

@Suite("opossum append and the store's limits")
struct LimitsTests {
    @Test func appendOverALimitFailsWithOneLineAndWritesNothing() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await TestStore.create(in: directory)
            try await store.append(type: "First")
            let files = try store.segmentFiles()

            let huge = String(repeating: "x", count: 1 << 20)
            let line = #"{"type":"Big","data":"\#(huge)"}"#
            let tooLarge = try await store.run(["append", "--batch", "-"], stdin: Data(line.utf8))
            #expect(tooLarge.exitCode == 1)
            #expect(tooLarge.stdout.isEmpty)
            #expect(
                tooLarge.stderr
                    == "opossum: event 1 (\"Big\") is 1048581 bytes (type, data, tags and ids), over the store's limit "
                    + "of 1048576 bytes per event (Limits.maximumEventSize); nothing was written\n",
                "\(tooLarge)"
            )

            let tags = (0..<65).flatMap { ["--tag", "k\($0):v"] }
            let tooManyTags = try await store.run(["append", "--type", "Tagged"] + tags)
            #expect(tooManyTags.exitCode == 1)
            #expect(tooManyTags.stderr.hasPrefix("opossum: event 1 (\"Tagged\") has 65 tags"), "\(tooManyTags)")
            #expect(tooManyTags.stderr.split(separator: "\n").count == 1)

            let batch = (0...10_000).map { #"{"type":"Bulk","data":\#($0)}"# }.joined(separator: "\n")
            let tooMany = try await store.run(["append", "--batch", "-"], stdin: Data(batch.utf8))
            #expect(tooMany.exitCode == 1)
            #expect(tooMany.stderr.hasPrefix("opossum: the batch has 10001 events"), "\(tooMany)")

            #expect(try store.segmentFiles() == files)
            #expect(try await store.readPositions() == [1])
        }
    }
}
