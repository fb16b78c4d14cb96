import Foundation
import Opossum
import Testing

@testable import opossum_example_worker

/// The invoice numbers in the order the log holds them.
private func invoiceNumbers(in store: FileEventStore) async throws -> [Int] {
    try await store.readAll(try .types(InvoiceNumbers.InvoiceCreated.eventType)).map {
        try $0.decode(as: InvoiceNumbers.InvoiceCreated.self).number
    }
}

@Suite("Example: gapless invoice numbers")
struct InvoiceNumberExampleTests {
    @Test("invoices are numbered 1, 2, 3 and dated by the decision clock")
    func numbersFollowOnAndAreDated() async throws {
        try await withStore { store in
            let clock = ManualDecisionClock(now: Date(timeIntervalSince1970: 1_767_225_600))
            for expected in 1...3 {
                let outcome = try await InvoiceNumbers.create(for: "acme", in: store, clock: clock)
                #expect(outcome.value == expected)
                // Unrelated events between invoices change nothing.
                try await store.append(.studentRegistered("s\(expected)"))
            }
            #expect(try await invoiceNumbers(in: store) == [1, 2, 3])
            let first = try await store.readAll(try .types(InvoiceNumbers.InvoiceCreated.eventType))[0]
            #expect(try first.decode(as: InvoiceNumbers.InvoiceCreated.self).issuedAt == clock.now)
        }
    }

    @Test("24 invoices created at once are numbered 1...24 with no gap or duplicate, in log order")
    func concurrentCreationIsGapless() async throws {
        try await withStore { store in
            let results = await raceTasks(24) { _ in
                try await InvoiceNumbers.create(for: "acme", in: store, retry: contendedRetry).value
            }
            #expect(results.compactMap(\.success).sorted() == Array(1...24))
            let logged = try await invoiceNumbers(in: store)
            #expect(logged == Array(1...24))
        }
    }

    @Test("4 processes creating 6 invoices each: numbers 1...24, gapless")
    func gaplessAcrossProcesses() async throws {
        try await withStoreAndDirectory { store, directory in
            let results = try await ExampleWorkerProcess.race(
                (0..<4).map { ["create-invoice", "customer-\($0)"] },
                attempts: 6,
                on: directory.storePath
            )
            #expect(results.with(.ok).compactMap { $0.value.flatMap(Int.init) }.sorted() == Array(1...24))
            #expect(try await invoiceNumbers(in: store) == Array(1...24))
        }
    }
}
