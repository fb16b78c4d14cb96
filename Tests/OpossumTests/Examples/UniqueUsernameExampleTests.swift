import Foundation
import Opossum
import Testing

@testable import opossum_example_worker

private typealias Refusal = UniqueUsernames.Refusal

@Suite("Example: unique usernames")
struct UniqueUsernameExampleTests {
    @Test("a taken name is refused until its account closes, then it can be claimed again")
    func closingReleasesTheName() async throws {
        try await withStore { store in
            try await UniqueUsernames.register("a1", username: "alice", in: store)
            await #expect(throws: Refusal.usernameTaken("alice", byAccount: "a1")) {
                try await UniqueUsernames.register("a2", username: "alice", in: store)
            }
            await #expect(throws: Refusal.accountExists("a1")) {
                try await UniqueUsernames.register("a1", username: "alicia", in: store)
            }
            try await UniqueUsernames.close("a1", in: store)
            await #expect(throws: Refusal.accountClosed("a1")) { try await UniqueUsernames.close("a1", in: store) }
            await #expect(throws: Refusal.accountNotFound("a9")) { try await UniqueUsernames.close("a9", in: store) }
            let second = try await UniqueUsernames.register("a2", username: "alice", in: store)
            #expect(second.didAppend)
            #expect(
                Refusal.usernameTaken("alice", byAccount: "a1").description == "username alice is taken by account a1"
            )
        }
    }

    @Test("with a retention period a released name stays reserved until the period has passed")
    func retainedNameIsRefusedUntilPeriodEnds() async throws {
        try await withStore { store in
            let clock = ManualDecisionClock(now: Date(timeIntervalSince1970: 1_767_225_600))
            let retention = Duration.seconds(3 * 24 * 3600)
            try await UniqueUsernames.register("a1", username: "alice", in: store, clock: clock)
            try await UniqueUsernames.close("a1", in: store, clock: clock)
            let until = clock.now.addingTimeInterval(3 * 24 * 3600)
            clock.advance(by: .seconds(24 * 3600))
            let refusal = await #expect(throws: Refusal.usernameRetained("alice", until: until)) {
                try await UniqueUsernames.register(
                    "a2",
                    username: "alice",
                    retention: retention,
                    in: store,
                    clock: clock
                )
            }
            #expect(refusal?.description == "username alice is retained until 2026-01-04T00:00:00Z")
            clock.advance(by: .seconds(2 * 24 * 3600))
            let registered = try await UniqueUsernames.register(
                "a2",
                username: "alice",
                retention: retention,
                in: store,
                clock: clock
            )
            #expect(registered.didAppend)
        }
    }

    @Test("16 accounts registering the same name at once: exactly one gets it")
    func sameNameRaceHasOneWinner() async throws {
        try await withStore { store in
            let results = await raceTasks(16) { index in
                try await UniqueUsernames.register("a\(index)", username: "alice", in: store, retry: contendedRetry)
            }
            #expect(results.compactMap(\.success).count == 1)
            let refusals = results.compactMap { $0.failure as? Refusal }
            #expect(refusals.count == 15)
            let claims = try await store.readAll(try .tags(UniqueUsernames.usernameTag("alice")))
            #expect(claims.count == 1)
        }
    }

    @Test("16 different names registered at once never conflict with each other")
    func differentNamesDoNotConflict() async throws {
        try await withStore { store in
            let results = await raceTasks(16) { index in
                try await UniqueUsernames.register("a\(index)", username: "user\(index)", in: store, retry: .never)
            }
            #expect(results.compactMap(\.success).map(\.attempts) == Array(repeating: 1, count: 16))
        }
    }

    @Test("4 processes registering the same name 4 times each: exactly one succeeds")
    func sameNameAcrossProcesses() async throws {
        try await withStoreAndDirectory { store, directory in
            let results = try await ExampleWorkerProcess.race(
                (0..<4).map { ["register", "p\($0)-a{i}", "bob"] },
                attempts: 4,
                on: directory.storePath
            )
            #expect(results.with(.ok).count == 1)
            #expect(results.with(.refused).count == 15)
            let claims = try await store.readAll(try .tags(UniqueUsernames.usernameTag("bob")))
            #expect(claims.count == 1)
        }
    }
}
