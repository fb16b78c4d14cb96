import Foundation
import Opossum

/// Direct access to a store's files, for tests that damage them on purpose.
struct StoreFiles {
    let directory: String

    /// The path of the segment starting at `firstPosition`.
    func segmentPath(_ firstPosition: UInt64 = 1) -> String {
        let digits = String(firstPosition)
        return directory + "/Events/" + String(repeating: "0", count: max(0, 10 - digits.count)) + digits + ".jsonl"
    }

    /// The bytes of the segment starting at `firstPosition`.
    func segment(_ firstPosition: UInt64 = 1) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: segmentPath(firstPosition))))
    }

    /// The written bytes of the segment starting at `firstPosition`: without the zeros
    /// a durable writer keeps written ahead while the store is open. Anything else after
    /// the last line, such as part of a batch, stays.
    func lines(_ firstPosition: UInt64 = 1) throws -> [UInt8] {
        let bytes = try segment(firstPosition)
        return Array(bytes[..<((bytes.lastIndex { $0 != 0 } ?? -1) + 1)])
    }

    /// Replaces the segment starting at `firstPosition` with `bytes`.
    func writeSegment(_ bytes: [UInt8], _ firstPosition: UInt64 = 1) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: segmentPath(firstPosition)))
    }

    /// The byte offset where each line of `bytes` starts.
    static func lineStarts(_ bytes: [UInt8]) -> [Int] {
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == 0x0A && offset + 1 < bytes.count {
            starts.append(offset + 1)
        }
        return starts
    }

    /// The path of the index checkpoint.
    var checkpointPath: String { directory + "/Indices/index.checkpoint" }

    /// Removes the index checkpoint.
    func removeCheckpoint() {
        try? FileManager.default.removeItem(atPath: checkpointPath)
    }

    /// Every file name in `Recovered/`.
    func recoveredFiles() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory + "/Recovered")) ?? []
    }
}

/// A store's whole observable content: every event, in order.
func snapshot(_ store: FileEventStore) async throws -> [SequencedEvent] {
    try await store.readAll(.all)
}

/// Events of the test vocabulary: one course and its subscriptions.
func courseEvents(_ course: Int, students: Int) -> [Event] {
    [Event(type: "CourseDefined", data: Data(#"{"capacity":10}"#.utf8), tags: [Tag("course", String(course))])]
        + (0..<students).map { student in
            Event(
                type: "StudentSubscribedToCourse",
                data: Data(#"{"note":"ünïcode ✓"}"#.utf8),
                tags: [Tag("course", String(course)), Tag("student", String(student))]
            )
        }
}

/// Options for tests whose crashes are simulated by editing files, not by power cuts.
let unflushed = FileEventStore.Options(durability: .none)
