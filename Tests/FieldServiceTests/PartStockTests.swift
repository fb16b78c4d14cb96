import FieldService
import Foundation
import Opossum
import Testing

@Suite("Parts stock")
struct PartStockTests {
    @Test("reserving takes stock, releasing gives it back")
    func reserveAndRelease() async throws {
        try await withDesk { desk, _ in
            try await desk.createWorkOrder("WO-1", summary: "fix")
            try await desk.receiveStock(3, of: "P-100", at: "north")
            let reservation = try await desk.reservePart("P-100", quantity: 2, at: "north", for: "WO-1")
            #expect(try await desk.stock(of: "P-100", at: "north").available == 1)
            try await desk.releaseReservation(reservation.value)
            let stock = try await desk.stock(of: "P-100", at: "north")
            #expect(stock.available == 3)
            #expect(stock.received == 3)
            #expect(stock.reserved == 0)
        }
    }

    @Test("reserving more than is available is refused with the depot, part and counts")
    func insufficientStockIsRefused() async throws {
        try await withDesk { desk, _ in
            try await desk.createWorkOrder("WO-1", summary: "fix")
            let error = await expectRefusal(.insufficientStock) {
                try await desk.reservePart("P-100", at: "north", for: "WO-1")
            }
            #expect(error?.message == "part P-100 at depot north: 0 in stock, 1 requested")
            try await desk.receiveStock(2, of: "P-100", at: "north")
            // Stock at another depot, or of another part, does not count.
            try await desk.receiveStock(5, of: "P-100", at: "south")
            try await desk.receiveStock(5, of: "P-200", at: "north")
            let more = await expectRefusal(.insufficientStock) {
                try await desk.reservePart("P-100", quantity: 3, at: "north", for: "WO-1")
            }
            #expect(more?.message == "part P-100 at depot north: 2 in stock, 3 requested")
        }
    }

    @Test("parts are reserved only for an open work order")
    func reservationNeedsOpenWorkOrder() async throws {
        try await withDesk { desk, _ in
            try await desk.receiveStock(2, of: "P-100", at: "north")
            await expectRefusal(.workOrderNotFound) { try await desk.reservePart("P-100", at: "north", for: "WO-1") }
            try await desk.createWorkOrder("WO-1", summary: "fix")
            try await desk.completeWorkOrder("WO-1")
            await expectRefusal(.workOrderCompleted) { try await desk.reservePart("P-100", at: "north", for: "WO-1") }
            #expect(try await desk.stock(of: "P-100", at: "north").available == 2)
        }
    }

    @Test("repeating a reservation with its id changes nothing; reusing the id for another is refused")
    func reservationIdIsIdempotent() async throws {
        try await withDesk { desk, _ in
            try await desk.createWorkOrder("WO-1", summary: "fix")
            try await desk.receiveStock(5, of: "P-100", at: "north")
            let first = try await desk.reservePart("P-100", at: "north", for: "WO-1", reservationId: "R-1")
            let again = try await desk.reservePart("P-100", at: "north", for: "WO-1", reservationId: "R-1")
            #expect(first.didAppend)
            #expect(!again.didAppend)
            #expect(again.value == "R-1")
            #expect(try await desk.stock(of: "P-100", at: "north").available == 4)
            await expectRefusal(.reservationConflict) {
                try await desk.reservePart("P-100", quantity: 2, at: "north", for: "WO-1", reservationId: "R-1")
            }
        }
    }

    @Test("a reservation is released once, and an unknown one not at all")
    func releasedOnce() async throws {
        try await withDesk { desk, _ in
            try await desk.createWorkOrder("WO-1", summary: "fix")
            try await desk.receiveStock(1, of: "P-100", at: "north")
            try await desk.reservePart("P-100", at: "north", for: "WO-1", reservationId: "R-1")
            try await desk.releaseReservation("R-1")
            await expectRefusal(.reservationReleased) { try await desk.releaseReservation("R-1") }
            await expectRefusal(.reservationNotFound) { try await desk.releaseReservation("R-2") }
            #expect(try await desk.stock(of: "P-100", at: "north").available == 1)
        }
    }

    @Test("quantities must be positive", arguments: [0, -1])
    func quantitiesMustBePositive(quantity: Int) async throws {
        try await withDesk { desk, _ in
            await expectRefusal(.invalidQuantity) { try await desk.receiveStock(quantity, of: "P-100", at: "north") }
            await expectRefusal(.invalidQuantity) {
                try await desk.reservePart("P-100", quantity: quantity, at: "north", for: "WO-1")
            }
            let stored = try await desk.store.readAll(.all)
            #expect(stored.isEmpty)
        }
    }
}
