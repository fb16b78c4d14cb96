import Foundation
import Opossum
import OpossumTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A writer process killed with SIGKILL at random moments loses nothing it
/// acknowledged, leaves no partial batch, and leaves a store that opens and checks clean.
@Suite("Crash safety", .serialized)
struct CrashTests {
    /// Rounds in CI; `OPOSSUM_CRASH_ROUNDS` asks for more.
    static let rounds = Int(ProcessInfo.processInfo.environment["OPOSSUM_CRASH_ROUNDS"] ?? "") ?? 100

    /// The crash writer built next to the test bundle.
    static var writerPath: String { BuiltProduct.path(of: "opossum-crash-writer") }

    /// One acknowledged batch, as the writer recorded it.
    struct Acknowledgement: Hashable {
        let last: UInt64
        let size: UInt64
        let batch: String
    }

    static func acknowledgements(_ path: String) throws -> [Acknowledgement] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 3, let last = UInt64(fields[0]), let size = UInt64(fields[1]) else { return nil }
            return Acknowledgement(last: last, size: size, batch: String(fields[2]))
        }
    }

    @Test("kill -9 at random moments loses no acknowledged batch and tears none")
    func killedWriterLosesNothingAcknowledged() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.writerPath), "build with --build-tests first")
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "crash")
            await store.close()
            let ackPath = temp.path(of: "acks.txt")
            var generator = SystemRandomNumberGenerator()
            var verified = 0
            for round in 0..<Self.rounds {
                let writer = try ChildProcess.spawn(Self.writerPath, [temp.storePath, ackPath, "4"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 20...120, using: &generator)))
                writer.kill()
                #expect(try await writer.wait() == .signalled(SIGKILL), "round \(round): the writer stopped on its own")

                let reopened = try await FileEventStore.open(at: temp.storePath)
                let acknowledged = try Self.acknowledgements(ackPath)
                for ack in acknowledged[verified...] {
                    let events = try await reopened.readAll(try .tags(Tag("batch", ack.batch)))
                    #expect(
                        events.map(\.position.rawValue) == Array((ack.last - ack.size + 1)...ack.last),
                        "round \(round): acknowledged batch \(ack.batch) is missing or moved"
                    )
                }
                verified = acknowledged.count
                await reopened.close()
                let report = try await FileEventStore.check(at: temp.storePath)
                #expect(report.isHealthy, "round \(round): \(report.problems)")
            }
            // The writer must have been caught mid-work, not before it started: on a slow
            // disk a round may end before the first flush, but not half of them.
            #expect(verified >= Self.rounds / 2, "only \(verified) batches were acknowledged in \(Self.rounds) rounds")
            try await verifyWholeLog(temp.storePath, acknowledged: verified)
        }
    }

    /// Positions are dense and every batch on disk is whole, acknowledged or not.
    private func verifyWholeLog(_ directory: String, acknowledged: Int) async throws {
        let store = try await FileEventStore.open(at: directory)
        let events = try await store.readAll(.all)
        #expect(
            events.map(\.position.rawValue) == Array(1...UInt64(max(events.count, 1))).prefix(events.count).map { $0 }
        )
        struct Payload: Decodable {
            let batch: String
            let index: Int
            let size: Int
        }
        var batches: [String: [Payload]] = [:]
        for event in events {
            let payload = try JSONDecoder().decode(Payload.self, from: event.data)
            batches[payload.batch, default: []].append(payload)
        }
        for (batch, payloads) in batches {
            #expect(payloads.map(\.index) == Array(0..<payloads[0].size), "batch \(batch) is partial")
        }
        #expect(batches.count >= acknowledged)
        await store.close()
    }
}
