import Foundation
import OpossumFuzzTargets
import Testing

/// Replays every input in `Fixtures/fuzz/TARGET/` through its fuzz harness: the
/// seeds, the corpus the fuzzer grew from them, and every input that once found a
/// bug (named `crash-…` after the fix), so that none comes back.
@Suite("Fuzz corpus", .serialized)
struct FuzzCorpusTests {
    static let corpusRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz")
        .path

    @Test("every input of the corpus passes its harness", arguments: FuzzTarget.allCases)
    func corpusPasses(_ target: FuzzTarget) async throws {
        let folder = Self.corpusRoot + "/\(target.rawValue)"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names.contains { $0.hasPrefix("seed-") }, "the corpus of \(target.rawValue) has no seeds")
        let failures = try await Self.failures(of: target, in: folder, names: names)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test("seeds made by this build pass their harnesses", arguments: FuzzTarget.allCases)
    func freshSeedsPass(_ target: FuzzTarget) async throws {
        let directory = NSTemporaryDirectory() + "opossum-fresh-seeds-\(target.rawValue)-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await FuzzSeeds.write(to: directory)
        let folder = directory + "/\(target.rawValue)"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(names.count >= 2)
        let failures = try await Self.failures(of: target, in: folder, names: names)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// Runs the inputs `names` in `folder` through `target`'s harness; one line per
    /// input that fails, naming it.
    private static func failures(of target: FuzzTarget, in folder: String, names: [String]) async throws -> [String] {
        try await offThePool {
            let harness = try target.makeHarness()
            return try names.compactMap { name -> String? in
                let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
                do {
                    try harness.run(Array(bytes))
                    return nil
                } catch {
                    return "\(name): \(error)"
                }
            }
        }
    }

    /// Runs `body` on a thread of its own: the harnesses block their thread while the
    /// stores' async work runs on the cooperative pool.
    private static func offThePool<Value: Sendable>(
        _ body: @escaping @Sendable () throws -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
