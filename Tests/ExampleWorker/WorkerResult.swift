import FieldService
import Foundation
import Opossum

/// An error an example's rule throws to refuse a request: an expected answer, not a failure.
protocol DomainRefusal: Error, CustomStringConvertible {}

extension FieldServiceError: DomainRefusal {}

/// How one attempt of a scenario ended, as the worker prints it: one JSON object a line.
struct WorkerResult: Codable, Hashable, Sendable {
    enum Status: String, Codable, Sendable {
        /// The decision went through (it may have had nothing to append).
        case ok
        /// A domain rule refused.
        case refused
        /// Every retry conflicted.
        case gaveUp
        /// Anything else: a storage error, a bug.
        case failed
    }

    var status: Status
    /// The decision's value, as text.
    var value: String?
    /// The refusal or error, for people.
    var message: String?
    /// How many attempts the decision took.
    var attempts: Int?
    /// Whether the decision appended events.
    var appended: Bool?

    /// Runs `body` and classifies how it ended.
    static func of(_ body: () async throws -> DecisionOutcome<String>) async -> WorkerResult {
        do {
            let outcome = try await body()
            return WorkerResult(
                status: .ok,
                value: outcome.value,
                attempts: outcome.attempts,
                appended: outcome.didAppend
            )
        } catch let refusal as any DomainRefusal {
            return WorkerResult(status: .refused, message: refusal.description)
        } catch let conflict as DecisionConflictError {
            return WorkerResult(status: .gaveUp, message: conflict.description, attempts: conflict.attempts)
        } catch {
            return WorkerResult(status: .failed, message: "\(error)")
        }
    }

    /// The result as one line of JSON.
    var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

extension DecisionOutcome where Value == Void {
    /// The outcome with a text value, for decisions that report nothing.
    var described: DecisionOutcome<String> {
        DecisionOutcome<String>(value: "", eventCount: eventCount, lastPosition: lastPosition, attempts: attempts)
    }
}

extension DecisionOutcome where Value: CustomStringConvertible {
    /// The outcome with its value as text.
    var described: DecisionOutcome<String> {
        DecisionOutcome<String>(
            value: value.description,
            eventCount: eventCount,
            lastPosition: lastPosition,
            attempts: attempts
        )
    }
}
