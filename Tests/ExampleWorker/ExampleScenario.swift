import FieldService
import Foundation
import Opossum

/// One named request the worker can make of a store, with its arguments.
///
/// Each is a single decision of one of the examples; tests set the store up, start
/// several workers on it at once, and check the example's rule on the log.
enum ExampleScenario: Sendable {
    case subscribe(student: String, course: String)
    case register(account: String, username: String)
    case createInvoice(customer: String)
    case confirmOptIn(token: String)
    case submitOrder(idempotencyToken: String)
    case reservePart(depot: String, sku: String, workOrder: String)
    case completeWorkOrder(String)
    case assignTechnician(String, workOrder: String)

    /// The usage line for each scenario.
    static let usage = """
        subscribe STUDENT COURSE | register ACCOUNT USERNAME | create-invoice CUSTOMER |
        confirm-opt-in TOKEN | submit-order TOKEN | reserve-part DEPOT SKU WORK_ORDER |
        complete-work-order WORK_ORDER | assign-technician TECHNICIAN WORK_ORDER
        """

    /// Parses `name` and its arguments; `nil` when they do not fit.
    init?(name: String, arguments: [String]) {
        switch (name, arguments.count) {
        case ("subscribe", 2): self = .subscribe(student: arguments[0], course: arguments[1])
        case ("register", 2): self = .register(account: arguments[0], username: arguments[1])
        case ("create-invoice", 1): self = .createInvoice(customer: arguments[0])
        case ("confirm-opt-in", 1): self = .confirmOptIn(token: arguments[0])
        case ("submit-order", 1): self = .submitOrder(idempotencyToken: arguments[0])
        case ("reserve-part", 3): self = .reservePart(depot: arguments[0], sku: arguments[1], workOrder: arguments[2])
        case ("complete-work-order", 1): self = .completeWorkOrder(arguments[0])
        case ("assign-technician", 2): self = .assignTechnician(arguments[0], workOrder: arguments[1])
        default: return nil
        }
    }

    /// Makes the request once against `store`, retrying conflicts under `retry`.
    func run(on store: some EventStore, retry: RetryPolicy) async -> WorkerResult {
        let desk = FieldServiceDesk(store: store, retry: retry)
        return await WorkerResult.of {
            switch self {
            case .subscribe(let student, let course):
                try await CourseSubscriptions.subscribe(student, to: course, in: store, retry: retry).described
            case .register(let account, let username):
                try await UniqueUsernames.register(account, username: username, in: store, retry: retry).described
            case .createInvoice(let customer):
                try await InvoiceNumbers.create(for: customer, in: store, retry: retry).described
            case .confirmOptIn(let token):
                try await OptInTokens.confirm(token, in: store, retry: retry).described
            case .submitOrder(let token):
                try await OrderSubmissions.submit(["widget"], idempotencyToken: token, in: store, retry: retry)
                    .described
            case .reservePart(let depot, let sku, let workOrder):
                try await desk.reservePart(sku, at: depot, for: workOrder).described
            case .completeWorkOrder(let workOrder):
                try await desk.completeWorkOrder(workOrder).described
            case .assignTechnician(let technician, let workOrder):
                try await desk.assignTechnician(technician, to: workOrder).described
            }
        }
    }
}
