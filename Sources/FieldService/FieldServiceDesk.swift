public import Foundation
public import Opossum

/// The commands of the field-service domain, each a decision on an event store.
///
/// Every command reads the state its rules need through decision projections, checks
/// the rules, and appends under a condition covering what it read, retrying when
/// another writer got there first. The rules therefore hold across tasks, processes
/// and (once synced) sites:
///
/// - a work order is created once, completed at most once, and not before it exists;
/// - a work order has at most one technician; assigning another needs an unassign first;
/// - reserving a part never takes a depot's available stock below zero.
///
/// A rule that refuses throws ``FieldServiceError``; the outcome of a command that
/// went through says where its events landed and after how many attempts.
public struct FieldServiceDesk<Store: EventStore>: Sendable {
    /// The store the commands decide on.
    public let store: Store
    /// How commands retry after a conflict.
    public var retry: RetryPolicy
    /// The time commands record, such as a completion time.
    public var clock: any DecisionClock

    /// Creates a desk over `store`.
    public init(store: Store, retry: RetryPolicy = .default, clock: any DecisionClock = SystemDecisionClock()) {
        self.store = store
        self.retry = retry
        self.clock = clock
    }

    /// Opens work order `id`.
    ///
    /// - Throws: ``FieldServiceError/Code/workOrderAlreadyExists`` if the id is taken.
    @discardableResult
    public func createWorkOrder(_ id: String, summary: String) async throws -> DecisionOutcome<Void> {
        try await store.decide(WorkOrder.projection(id), retry: retry, clock: clock) { context, workOrder in
            guard !workOrder.isCreated else {
                throw FieldServiceError(.workOrderAlreadyExists, "work order \(id) already exists")
            }
            return .append(try WorkOrderCreated(workOrderId: id, summary: summary, createdAt: context.now).event())
        }
    }

    /// Puts technician `technicianId` in charge of work order `workOrderId`.
    ///
    /// Assigning the technician already in charge changes nothing and appends nothing.
    ///
    /// - Throws: ``FieldServiceError`` with ``FieldServiceError/Code/workOrderNotFound``,
    ///   ``FieldServiceError/Code/workOrderCompleted`` or, when someone else is in
    ///   charge, ``FieldServiceError/Code/technicianAlreadyAssigned``.
    @discardableResult
    public func assignTechnician(_ technicianId: String, to workOrderId: String) async throws -> DecisionOutcome<Void> {
        try await store.decide(WorkOrder.projection(workOrderId), retry: retry, clock: clock) { _, workOrder in
            try Self.requireOpen(workOrder)
            if let current = workOrder.technicianId {
                guard current == technicianId else {
                    throw FieldServiceError(
                        .technicianAlreadyAssigned,
                        "work order \(workOrderId) is assigned to technician \(current); unassign them before assigning \(technicianId)"
                    )
                }
                return .nothing
            }
            return .append(try TechnicianAssigned(workOrderId: workOrderId, technicianId: technicianId).event())
        }
    }

    /// Takes the technician in charge off work order `workOrderId`.
    ///
    /// - Returns: The outcome, whose value is the technician who was in charge.
    /// - Throws: ``FieldServiceError`` with ``FieldServiceError/Code/workOrderNotFound``,
    ///   ``FieldServiceError/Code/workOrderCompleted`` or ``FieldServiceError/Code/noTechnicianAssigned``.
    @discardableResult
    public func unassignTechnician(from workOrderId: String) async throws -> DecisionOutcome<String> {
        try await store.decide(WorkOrder.projection(workOrderId), retry: retry, clock: clock) { _, workOrder in
            try Self.requireOpen(workOrder)
            guard let technicianId = workOrder.technicianId else {
                throw FieldServiceError(.noTechnicianAssigned, "work order \(workOrderId) has no technician assigned")
            }
            let event = try TechnicianUnassigned(workOrderId: workOrderId, technicianId: technicianId).event()
            return Decision(append: [event], returning: technicianId)
        }
    }

    /// Records that work order `workOrderId` is done, at the desk clock's time.
    ///
    /// - Returns: The outcome, whose value is the completion time recorded.
    /// - Throws: ``FieldServiceError`` with ``FieldServiceError/Code/workOrderNotFound``
    ///   before the work order is created, or ``FieldServiceError/Code/workOrderCompleted``
    ///   when it was already completed.
    @discardableResult
    public func completeWorkOrder(_ workOrderId: String) async throws -> DecisionOutcome<Date> {
        try await store.decide(WorkOrder.projection(workOrderId), retry: retry, clock: clock) { context, workOrder in
            try Self.requireOpen(workOrder)
            let completed = WorkOrderCompleted(
                workOrderId: workOrderId,
                technicianId: workOrder.technicianId,
                completedAt: context.now
            )
            return Decision(append: [try completed.event()], returning: context.now)
        }
    }

    /// The work order `id` as of now, for display; decisions read their own.
    public func workOrder(_ id: String) async throws -> WorkOrder {
        try await store.decide(WorkOrder.projection(id)) { _, workOrder in .nothing(returning: workOrder) }.value
    }

    /// Refuses a request about a work order that does not exist or is done.
    static func requireOpen(_ workOrder: WorkOrder) throws(FieldServiceError) {
        guard workOrder.isCreated else {
            throw FieldServiceError(.workOrderNotFound, "work order \(workOrder.id) does not exist")
        }
        if let completedAt = workOrder.completedAt {
            throw FieldServiceError(
                .workOrderCompleted,
                "work order \(workOrder.id) was already completed at \(completedAt.formatted(.iso8601))"
            )
        }
    }
}
