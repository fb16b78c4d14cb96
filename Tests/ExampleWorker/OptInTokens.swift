import Foundation
import Opossum

/// The DCB website's single-use opt-in token: an e-mail confirmation link works once.
enum OptInTokens {
    struct OptInRequested: DomainEvent, Hashable {
        static let eventType = "OptInRequested"
        var email: String
        var token: String
    }

    struct OptInConfirmed: DomainEvent, Hashable {
        static let eventType = "OptInConfirmed"
        var email: String
        var token: String
    }

    enum Refusal: DomainRefusal, Equatable {
        case unknownToken(String)
        case tokenUsed(String)

        var description: String {
            switch self {
            case .unknownToken(let token): "opt-in token \(token) was never issued"
            case .tokenUsed(let token): "opt-in token \(token) was already used"
            }
        }
    }

    static func tokenTag(_ token: String) -> Tag { Tag("optInToken", token) }
    static func emailTag(_ email: String) -> Tag { Tag("email", email) }

    /// The address a token was issued for, and whether it was used.
    struct Token: Sendable, Equatable {
        var email: String?
        var used = false
    }

    static func token(_ token: String) -> DecisionProjection<Token> {
        let query = try! Query(
            QueryItem(types: [OptInRequested.eventType, OptInConfirmed.eventType], tags: [tokenTag(token)])
        )
        return DecisionProjection(initialState: Token(), query: query) { state, event in
            if event.type == OptInRequested.eventType {
                return Token(email: try event.decode(as: OptInRequested.self).email, used: state.used)
            }
            return Token(email: state.email, used: true)
        }
    }

    static func request(_ email: String, token: String, in store: some EventStore) async throws {
        let event = OptInRequested(email: email, token: token)
        try await store.append(event.toEvent(tags: [emailTag(email), tokenTag(token)]))
    }

    /// Confirms the opt-in behind `token`, once.
    ///
    /// - Returns: The outcome, whose value is the confirmed address.
    @discardableResult
    static func confirm(
        _ token: String,
        in store: some EventStore,
        retry: RetryPolicy = .default
    ) async throws -> DecisionOutcome<String> {
        try await store.decide(self.token(token), retry: retry) { _, state in
            guard let email = state.email else { throw Refusal.unknownToken(token) }
            guard !state.used else { throw Refusal.tokenUsed(token) }
            let event = OptInConfirmed(email: email, token: token)
            return Decision(append: [try event.toEvent(tags: [emailTag(email), tokenTag(token)])], returning: email)
        }
    }
}
