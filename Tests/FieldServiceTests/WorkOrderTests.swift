import FieldService
import Foundation
import Opossum
import Testing

@Suite("Work orders")
struct WorkOrderTests {
    @Test("a work order is created, assigned and completed at the desk clock's time")
    func createAssignComplete() async throws {
        try await withDesk { desk, clock in
            try await desk.createWorkOrder("WO-1", summary: "Replace boiler valve")
            try await desk.assignTechnician("T-7", to: "WO-1")
            clock.advance(by: .seconds(3600))
            let outcome = try await desk.completeWorkOrder("WO-1")
            #expect(outcome.value == clock.now)
            #expect(outcome.lastPosition == Position(3))
            let workOrder = try await desk.workOrder("WO-1")
            #expect(workOrder.isCreated)
            #expect(workOrder.summary == "Replace boiler valve")
            #expect(workOrder.technicianId == "T-7")
            #expect(workOrder.completedAt == clock.now)
            let stored = try await desk.store.readAll(try .tags(.workOrder("WO-1")))
            #expect(stored.map(\.type) == ["WorkOrderCreated", "TechnicianAssigned", "WorkOrderCompleted"])
            #expect(try stored[2].decode(as: WorkOrderCompleted.self).technicianId == "T-7")
            #expect(stored[1].tags.contains(.technician("T-7")))
        }
    }

    @Test("a work order id is created only once")
    func createdOnce() async throws {
        try await withDesk { desk, _ in
            try await desk.createWorkOrder("WO-1", summary: "first")
            let error = await expectRefusal(.workOrderAlreadyExists) {
                try await desk.createWorkOrder("WO-1", summary: "second")
            }
            #expect(error?.message == "work order WO-1 already exists")
        }
    }

    @Test("a work order cannot be completed before it is created")
    func notCompletedBeforeCreated() async throws {
        try await withDesk { desk, _ in
            let error = await expectRefusal(.workOrderNotFound) { try await desk.completeWorkOrder("WO-9") }
            #expect(error?.message == "work order WO-9 does not exist")
            let stored = try await desk.store.readAll(.all)
            #expect(stored.isEmpty)
        }
    }

    @Test("a completed work order cannot be completed again or reassigned")
    func completedAtMostOnce() async throws {
        try await withDesk { desk, _ in
            try await desk.createWorkOrder("WO-1", summary: "fix")
            try await desk.completeWorkOrder("WO-1")
            let error = await expectRefusal(.workOrderCompleted) { try await desk.completeWorkOrder("WO-1") }
            #expect(error?.message.hasPrefix("work order WO-1 was already completed at 2025-06-15T") == true)
            await expectRefusal(.workOrderCompleted) { try await desk.assignTechnician("T-1", to: "WO-1") }
            #expect(try await desk.store.readAll(.all).count == 2)
        }
    }

    @Test("a second technician is refused until the first is unassigned")
    func oneTechnicianPerWorkOrder() async throws {
        try await withDesk { desk, _ in
            try await desk.createWorkOrder("WO-1", summary: "fix")
            try await desk.assignTechnician("T-1", to: "WO-1")
            let error = await expectRefusal(.technicianAlreadyAssigned) {
                try await desk.assignTechnician("T-2", to: "WO-1")
            }
            #expect(
                error?.message == "work order WO-1 is assigned to technician T-1; unassign them before assigning T-2"
            )
            // Assigning the same technician again is a no-op, not an error.
            let again = try await desk.assignTechnician("T-1", to: "WO-1")
            #expect(!again.didAppend)
            #expect(try await desk.unassignTechnician(from: "WO-1").value == "T-1")
            try await desk.assignTechnician("T-2", to: "WO-1")
            #expect(try await desk.workOrder("WO-1").technicianId == "T-2")
            await expectRefusal(.workOrderNotFound) { try await desk.assignTechnician("T-2", to: "WO-2") }
        }
    }

    @Test("unassigning needs a technician in charge")
    func unassignNeedsTechnician() async throws {
        try await withDesk { desk, _ in
            try await desk.createWorkOrder("WO-1", summary: "fix")
            let error = await expectRefusal(.noTechnicianAssigned) { try await desk.unassignTechnician(from: "WO-1") }
            #expect(error?.message == "work order WO-1 has no technician assigned")
        }
    }
}
