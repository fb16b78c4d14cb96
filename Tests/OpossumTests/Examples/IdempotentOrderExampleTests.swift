import Foundation
import Opossum
import Testing

@testable import opossum_example_worker

@Suite("Example: idempotent order submission")
struct IdempotentOrderExampleTests {
    @Test("re-submitting with the same token returns the first order and places no second one")
    func resubmissionReturnsFirstOrder() async throws {
        try await withStore { store in
            let first = try await OrderSubmissions.submit(["widget"], idempotencyToken: "k-1", in: store)
            let again = try await OrderSubmissions.submit(["widget"], idempotencyToken: "k-1", in: store)
            let other = try await OrderSubmissions.submit(["gadget"], idempotencyToken: "k-2", in: store)
            #expect(first.didAppend)
            #expect(!again.didAppend)
            #expect(again.value == first.value)
            #expect(other.didAppend)
            #expect(other.value != first.value)
            #expect(try await store.readAll(try .types(OrderSubmissions.OrderPlaced.eventType)).count == 2)
        }
    }

    @Test("16 tasks submitting with one token at once all get the same single order")
    func concurrentSubmissionsPlaceOneOrder() async throws {
        try await withStore { store in
            let results = await raceTasks(16) { _ in
                try await OrderSubmissions.submit(["widget"], idempotencyToken: "k-1", in: store, retry: contendedRetry)
            }
            let outcomes = results.compactMap(\.success)
            #expect(outcomes.count == 16)
            #expect(Set(outcomes.map(\.value)).count == 1)
            #expect(outcomes.filter(\.didAppend).count == 1)
            let placed = try await store.readAll(try .types(OrderSubmissions.OrderPlaced.eventType))
            #expect(placed.count == 1)
        }
    }

    @Test("4 processes submitting with one token 4 times each place one order")
    func concurrentSubmissionsAcrossProcesses() async throws {
        try await withStoreAndDirectory { store, directory in
            let results = try await ExampleWorkerProcess.race(
                Array(repeating: ["submit-order", "k-1"], count: 4),
                attempts: 4,
                on: directory.storePath
            )
            #expect(results.with(.ok).count == 16)
            #expect(Set(results.map(\.value)).count == 1)
            #expect(results.filter { $0.appended == true }.count == 1)
            let placed = try await store.readAll(try .types(OrderSubmissions.OrderPlaced.eventType))
            #expect(placed.count == 1)
            #expect(try placed[0].decode(as: OrderSubmissions.OrderPlaced.self).orderId == results[0].value)
        }
    }
}
