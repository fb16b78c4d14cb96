/// A field-service rule refused a request; nothing was appended.
public struct FieldServiceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which rule refused, as a closed set programs can switch over.
    public enum Code: String, Hashable, Sendable {
        /// The work order does not exist (yet).
        case workOrderNotFound
        /// A work order with this id already exists.
        case workOrderAlreadyExists
        /// The work order is completed; it cannot be completed again or changed.
        case workOrderCompleted
        /// Another technician is in charge; unassign them first.
        case technicianAlreadyAssigned
        /// No technician is in charge.
        case noTechnicianAssigned
        /// The depot has fewer of the part available than requested.
        case insufficientStock
        /// A quantity is zero or negative.
        case invalidQuantity
        /// The reservation does not exist.
        case reservationNotFound
        /// The reservation was already released.
        case reservationReleased
        /// A different reservation with this id already exists.
        case reservationConflict
    }

    /// Which rule refused.
    public let code: Code
    /// A sentence naming the work order, technician, depot or part involved.
    public let message: String

    /// Creates the error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
