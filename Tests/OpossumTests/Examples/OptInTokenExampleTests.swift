import Foundation
import Opossum
import Testing

@testable import opossum_example_worker

private typealias Refusal = OptInTokens.Refusal

@Suite("Example: single-use opt-in token")
struct OptInTokenExampleTests {
    @Test("a token confirms once; the second use and an unknown token are refused")
    func tokenWorksOnce() async throws {
        try await withStore { store in
            try await OptInTokens.request("ada@example.com", token: "t-1", in: store)
            #expect(try await OptInTokens.confirm("t-1", in: store).value == "ada@example.com")
            await #expect(throws: Refusal.tokenUsed("t-1")) { try await OptInTokens.confirm("t-1", in: store) }
            await #expect(throws: Refusal.unknownToken("t-2")) { try await OptInTokens.confirm("t-2", in: store) }
            #expect(Refusal.tokenUsed("t-1").description == "opt-in token t-1 was already used")
        }
    }

    @Test("one token used by 16 tasks at once confirms exactly once")
    func concurrentUseConfirmsOnce() async throws {
        try await withStore { store in
            try await OptInTokens.request("ada@example.com", token: "t-1", in: store)
            let results = await raceTasks(16) { _ in
                try await OptInTokens.confirm("t-1", in: store, retry: contendedRetry)
            }
            #expect(results.compactMap(\.success).count == 1)
            let refusals = results.compactMap { $0.failure as? Refusal }
            #expect(refusals == Array(repeating: .tokenUsed("t-1"), count: 15))
        }
    }

    @Test("one token used by 4 processes 4 times each confirms exactly once")
    func concurrentUseAcrossProcesses() async throws {
        try await withStoreAndDirectory { store, directory in
            try await OptInTokens.request("ada@example.com", token: "t-1", in: store)
            let results = try await ExampleWorkerProcess.race(
                Array(repeating: ["confirm-opt-in", "t-1"], count: 4),
                attempts: 4,
                on: directory.storePath
            )
            #expect(results.with(.ok).map(\.value) == ["ada@example.com"])
            #expect(results.with(.refused).count == 15)
            #expect(try await store.readAll(try .types(OptInTokens.OptInConfirmed.eventType)).count == 1)
        }
    }
}
