public import Foundation
public import Opossum

/// A work order was opened: a job to be done at a customer's site.
public struct WorkOrderCreated: FieldServiceEvent {
    /// The stored type name.
    public static let eventType = "WorkOrderCreated"
    /// The work order's id, unique in the store.
    public var workOrderId: String
    /// What is to be done, for people.
    public var summary: String
    /// When the work order was opened.
    public var createdAt: Date

    /// Creates the event.
    public init(workOrderId: String, summary: String, createdAt: Date) {
        self.workOrderId = workOrderId
        self.summary = summary
        self.createdAt = createdAt
    }

    /// Filed under the work order.
    public var tags: [Tag] { [.workOrder(workOrderId)] }
}

/// A technician was put in charge of a work order.
public struct TechnicianAssigned: FieldServiceEvent {
    /// The stored type name.
    public static let eventType = "TechnicianAssigned"
    /// The work order.
    public var workOrderId: String
    /// The technician now in charge.
    public var technicianId: String

    /// Creates the event.
    public init(workOrderId: String, technicianId: String) {
        self.workOrderId = workOrderId
        self.technicianId = technicianId
    }

    /// Filed under the work order and the technician.
    public var tags: [Tag] { [.workOrder(workOrderId), .technician(technicianId)] }
}

/// A technician was taken off a work order, which then has none.
public struct TechnicianUnassigned: FieldServiceEvent {
    /// The stored type name.
    public static let eventType = "TechnicianUnassigned"
    /// The work order.
    public var workOrderId: String
    /// The technician who was in charge.
    public var technicianId: String

    /// Creates the event.
    public init(workOrderId: String, technicianId: String) {
        self.workOrderId = workOrderId
        self.technicianId = technicianId
    }

    /// Filed under the work order and the technician.
    public var tags: [Tag] { [.workOrder(workOrderId), .technician(technicianId)] }
}

/// A work order's job was done; a work order is completed at most once.
public struct WorkOrderCompleted: FieldServiceEvent {
    /// The stored type name.
    public static let eventType = "WorkOrderCompleted"
    /// The work order.
    public var workOrderId: String
    /// The technician in charge at completion, if any.
    public var technicianId: String?
    /// When the job was done, from the desk's clock.
    public var completedAt: Date

    /// Creates the event.
    public init(workOrderId: String, technicianId: String?, completedAt: Date) {
        self.workOrderId = workOrderId
        self.technicianId = technicianId
        self.completedAt = completedAt
    }

    /// Filed under the work order.
    public var tags: [Tag] { [.workOrder(workOrderId)] }
}
