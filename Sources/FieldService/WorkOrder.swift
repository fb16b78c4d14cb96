public import Foundation
public import Opossum

/// What the desk knows about one work order when it decides: whether it exists, who
/// is in charge, and whether it is done.
public struct WorkOrder: Hashable, Sendable {
    /// The work order's id.
    public let id: String
    /// Whether a ``WorkOrderCreated`` was seen.
    public var isCreated = false
    /// What is to be done.
    public var summary: String?
    /// The technician in charge, if any.
    public var technicianId: String?
    /// When the job was done, if it was.
    public var completedAt: Date?

    /// A work order nothing is known about yet.
    public init(id: String) {
        self.id = id
    }

    /// Whether the job was done.
    public var isCompleted: Bool { completedAt != nil }

    /// The decision projection for the work order `id`.
    public static func projection(_ id: String) -> Projection {
        Projection(workOrderId: id)
    }

    /// Folds the events of one work order into a ``WorkOrder``.
    public struct Projection: DecisionProjectionProtocol {
        /// The work order.
        public let workOrderId: String

        /// A work order nothing is known about.
        public var initialState: WorkOrder { WorkOrder(id: workOrderId) }

        /// Creation, assignment and completion events tagged with the work order.
        public var query: Query {
            .fieldService(
                types: [
                    WorkOrderCreated.self, TechnicianAssigned.self, TechnicianUnassigned.self,
                    WorkOrderCompleted.self,
                ],
                tags: [.workOrder(workOrderId)]
            )
        }

        /// The work order after `event`.
        public func apply(_ state: WorkOrder, _ event: SequencedEvent) throws -> WorkOrder {
            var state = state
            switch event.type {
            case WorkOrderCreated.eventType:
                state.isCreated = true
                state.summary = try event.decode(as: WorkOrderCreated.self).summary
            case TechnicianAssigned.eventType:
                state.technicianId = try event.decode(as: TechnicianAssigned.self).technicianId
            case TechnicianUnassigned.eventType:
                state.technicianId = nil
            case WorkOrderCompleted.eventType:
                state.completedAt = try event.decode(as: WorkOrderCompleted.self).completedAt
            default:
                break
            }
            return state
        }
    }
}

extension Query {
    /// The events of any of `types` that carry all of `tags`.
    static func fieldService(types: [any FieldServiceEvent.Type], tags: [Tag]) -> Query {
        // The type names and tag keys are constants of this module, never empty and
        // without ':', so building the item cannot fail.
        try! Query(QueryItem(types: types.map { $0.eventType }, tags: tags))
    }
}
