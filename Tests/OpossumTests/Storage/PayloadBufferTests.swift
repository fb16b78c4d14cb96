import Foundation
import Testing

@testable import Opossum

/// A read copies the payloads of a chunk's events into one allocation that their
/// `data` slices share: every payload must still read back exactly, for as long as
/// any event holds it, whatever its size or form.
@Suite("Shared payload buffers")
struct PayloadBufferTests {
    @Test("payloads share one allocation while it has room; the rest get their own")
    func payloadsShareTheBufferWhileItHasRoom() {
        var buffer = PayloadBuffer(capacity: 100)
        let first = Data(repeating: 1, count: 40)
        let second = Data(repeating: 2, count: 40)
        let third = Data(repeating: 3, count: 40)
        let small = Data(repeating: 4, count: 14)
        let copies = [first, second, third, small].map { payload in
            payload.withUnsafeBytes { buffer.data(copying: $0) }
        }
        #expect(copies == [first, second, third, small])
        // The first two lie next to each other in the buffer; the third did not fit.
        #expect(copies[0].startIndex == 0 && copies[1].startIndex == 40)
        #expect(copies[2].startIndex == 0)
        let addresses = copies.map { copy in copy.withUnsafeBytes { Int(bitPattern: $0.baseAddress) } }
        #expect(addresses[1] == addresses[0] + 40)
        #expect(addresses[2] != addresses[0] + 80)
    }

    @Test("a buffer's capacity comes from its lines, less what every line spends on its other fields")
    func capacityComesFromTheLines() throws {
        var writer = JSONWriter()
        let payload = Data(#"{"a":1}"#.utf8)
        let event = Event(
            type: "x",
            data: payload,
            metadata: EventMetadata(timestamp: Date(timeIntervalSince1970: 0), eventId: UUID())
        )
        let framing = LineFraming(commitFirst: 1, commitCount: 1, batchFirst: 1, batchCount: 1)
        SegmentLine.encode(event, position: 1, framing: framing, origin: nil, to: &writer)
        // The shortest line Opossum writes is exactly its payload and the envelope.
        #expect(writer.bytes.count == payload.count + SegmentLine.shortestEnvelopeLength)
    }

    @Test("events read in chunks keep payloads of every size and form, in order both ways, after the read")
    func readEventsKeepTheirPayloads() async throws {
        try await withTemporaryDirectory { temp in
            let store = try await FileEventStore.create(at: temp.storePath, name: "site", options: unflushed)
            // Enough events for the stream's largest chunks, decoded in halves.
            let payloads: [Data] = (0..<5_000).map { index in
                switch index % 5 {
                case 0: return Data()
                case 1: return Data("\(index)".utf8)
                case 2: return Data("{\"text\":\"\(String(repeating: "é", count: index % 300))\"}".utf8)
                case 3: return Data("{\n  \"lines\": \(index)\n}".utf8)
                default: return Data("[\(String(repeating: "\(index),", count: index % 40))0]".utf8)
                }
            }
            for start in stride(from: 0, to: payloads.count, by: 500) {
                try await store.append(
                    payloads[start..<(start + 500)].map { Event(type: "Sized", data: $0, tags: [Tag("k", "v")]) }
                )
            }
            let forwards = try await store.readAll(.all)
            let backwards = try await store.readAll(.all, options: ReadOptions(backwards: true))
            await store.close()
            // Other allocations may now reuse freed memory: a payload freed too early shows.
            let noise = (0..<10_000).map { Data(repeating: UInt8($0 % 251), count: 64 + $0 % 500) }
            #expect(noise.count == 10_000)
            #expect(forwards.map(\.position.rawValue) == Array(1...UInt64(payloads.count)))
            #expect(backwards.map(\.position.rawValue) == Array((1...UInt64(payloads.count)).reversed()))
            #expect(forwards.map(\.data) == payloads)
            #expect(backwards.reversed().map(\.data) == payloads)
            // A copy is compact, starting at index zero.
            let copies = forwards.map { Data($0.data) }
            #expect(copies == payloads)
            #expect(copies.allSatisfy { $0.startIndex == 0 })
        }
    }
}
