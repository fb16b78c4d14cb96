import FieldService
import Foundation
import Opossum
import Testing

@testable import opossum_example_worker

/// The field-service rules with many tasks, then several processes, racing on one
/// store: the decisions' conditions, not luck, keep them.
@Suite("Example: field service")
struct FieldServiceExampleTests {
    @Test("24 tasks reserving the last part in stock: exactly one gets it")
    func lastPartGoesToExactlyOne() async throws {
        try await withStore { store in
            let desk = FieldServiceDesk(store: store, retry: contendedRetry)
            try await desk.receiveStock(1, of: "P-100", at: "north")
            for index in 0..<24 { try await desk.createWorkOrder("WO-\(index)", summary: "fix") }
            let results = await raceTasks(24) { index in
                try await desk.reservePart("P-100", at: "north", for: "WO-\(index)").value
            }
            #expect(results.filter { (try? $0.get()) != nil }.count == 1)
            let refusals = results.compactMap { $0.failure as? FieldServiceError }
            #expect(refusals.count == 23)
            #expect(refusals.allSatisfy { $0.message == "part P-100 at depot north: 0 in stock, 1 requested" })
            #expect(try await desk.stock(of: "P-100", at: "north").available == 0)
            #expect(try await desk.store.readAll(try .types(PartReserved.eventType)).count == 1)
        }
    }

    @Test("32 tasks reserving from a stock of 5: exactly 5 succeed and stock never goes below zero")
    func stockNeverBelowZero() async throws {
        try await withStore { store in
            let desk = FieldServiceDesk(store: store, retry: contendedRetry)
            try await desk.createWorkOrder("WO-1", summary: "fix")
            try await desk.receiveStock(5, of: "P-100", at: "north")
            let results = await raceTasks(32) { _ in try await desk.reservePart("P-100", at: "north", for: "WO-1").value
            }
            #expect(results.filter { (try? $0.get()) != nil }.count == 5)
            #expect(results.compactMap { $0.failure as? FieldServiceError }.count == 27)
            // Replaying the log, availability never dips below zero at any point.
            var available = 0
            for event in try await desk.store.readAll(.all) {
                switch event.type {
                case StockReceived.eventType: available += try event.decode(as: StockReceived.self).quantity
                case PartReserved.eventType: available -= try event.decode(as: PartReserved.self).quantity
                default: break
                }
                #expect(available >= 0, "stock below zero at position \(event.position)")
            }
            #expect(available == 0)
        }
    }

    @Test("16 tasks completing one work order: it is completed exactly once")
    func completedExactlyOnce() async throws {
        try await withStore { store in
            let desk = FieldServiceDesk(store: store, retry: contendedRetry)
            try await desk.createWorkOrder("WO-1", summary: "fix")
            let results = await raceTasks(16) { _ in try await desk.completeWorkOrder("WO-1").value }
            #expect(results.filter { (try? $0.get()) != nil }.count == 1)
            let refusals = results.compactMap { $0.failure as? FieldServiceError }
            #expect(refusals.map(\.code) == Array(repeating: .workOrderCompleted, count: 15))
            #expect(try await desk.store.readAll(try .types(WorkOrderCompleted.eventType)).count == 1)
        }
    }

    @Test("16 technicians assigned to one work order at once: exactly one is in charge")
    func oneTechnicianWinsTheRace() async throws {
        try await withStore { store in
            let desk = FieldServiceDesk(store: store, retry: contendedRetry)
            try await desk.createWorkOrder("WO-1", summary: "fix")
            let results = await raceTasks(16) { index in
                try await desk.assignTechnician("T-\(index)", to: "WO-1").didAppend
            }
            #expect(results.filter { (try? $0.get()) == true }.count == 1)
            let refusals = results.compactMap { $0.failure as? FieldServiceError }
            #expect(refusals.map(\.code) == Array(repeating: .technicianAlreadyAssigned, count: 15))
            let assigned = try await desk.store.readAll(try .types(TechnicianAssigned.eventType))
            #expect(assigned.count == 1)
            let winner = try assigned[0].decode(as: TechnicianAssigned.self).technicianId
            #expect(try await desk.workOrder("WO-1").technicianId == winner)
        }
    }

    @Test("4 processes reserving the last part 4 times each: exactly one reservation")
    func lastPartAcrossProcesses() async throws {
        try await withStoreAndDirectory { store, directory in
            let desk = FieldServiceDesk(store: store)
            try await desk.createWorkOrder("WO-1", summary: "fix")
            try await desk.receiveStock(1, of: "P-100", at: "north")
            let results = try await ExampleWorkerProcess.race(
                Array(repeating: ["reserve-part", "north", "P-100", "WO-1"], count: 4),
                attempts: 4,
                on: directory.storePath
            )
            #expect(results.with(.ok).count == 1)
            #expect(
                results.with(.refused).map(\.message)
                    == Array(repeating: "part P-100 at depot north: 0 in stock, 1 requested", count: 15)
            )
            #expect(try await desk.stock(of: "P-100", at: "north").available == 0)
        }
    }

    @Test("4 processes completing one work order 4 times each: completed once")
    func completedOnceAcrossProcesses() async throws {
        try await withStoreAndDirectory { store, directory in
            try await FieldServiceDesk(store: store).createWorkOrder("WO-1", summary: "fix")
            let results = try await ExampleWorkerProcess.race(
                Array(repeating: ["complete-work-order", "WO-1"], count: 4),
                attempts: 4,
                on: directory.storePath
            )
            #expect(results.with(.ok).count == 1)
            #expect(results.with(.refused).count == 15)
            #expect(try await store.readAll(try .types(WorkOrderCompleted.eventType)).count == 1)
        }
    }

    @Test("16 technicians from 4 processes assigned to one work order: one is in charge")
    func oneTechnicianAcrossProcesses() async throws {
        try await withStoreAndDirectory { store, directory in
            let desk = FieldServiceDesk(store: store)
            try await desk.createWorkOrder("WO-1", summary: "fix")
            let results = try await ExampleWorkerProcess.race(
                (0..<4).map { ["assign-technician", "T-\($0)-{i}", "WO-1"] },
                attempts: 4,
                on: directory.storePath
            )
            #expect(results.with(.ok).count == 1)
            #expect(results.with(.refused).count == 15)
            let assigned = try await store.readAll(try .types(TechnicianAssigned.eventType))
            #expect(assigned.count == 1)
            #expect(
                try await desk.workOrder("WO-1").technicianId
                    == assigned[0].decode(as: TechnicianAssigned.self).technicianId
            )
        }
    }
}
