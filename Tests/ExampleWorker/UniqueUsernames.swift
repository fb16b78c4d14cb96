import Foundation
import Opossum

/// The DCB website's unique username: an account claims a name that no open account
/// holds, and closing the account releases the name for someone else — at once, or
/// after a retention period during which nobody else may take it (a time rule: the
/// decision compares the release time with its clock's `now`).
///
/// The decision reads only the events tagged with the name, so registrations of
/// different names never conflict with each other.
enum UniqueUsernames {
    struct AccountRegistered: DomainEvent, Hashable {
        static let eventType = "AccountRegistered"
        var accountId: String
        var username: String
    }

    struct AccountClosed: DomainEvent, Hashable {
        static let eventType = "AccountClosed"
        var accountId: String
        var username: String
        var closedAt: Date
    }

    enum Refusal: DomainRefusal, Equatable {
        case usernameTaken(String, byAccount: String)
        case usernameRetained(String, until: Date)
        case accountExists(String)
        case accountNotFound(String)
        case accountClosed(String)

        var description: String {
            switch self {
            case .usernameTaken(let name, let account): "username \(name) is taken by account \(account)"
            case .usernameRetained(let name, let until):
                "username \(name) is retained until \(until.formatted(.iso8601))"
            case .accountExists(let account): "account \(account) already exists"
            case .accountNotFound(let account): "account \(account) does not exist"
            case .accountClosed(let account): "account \(account) is already closed"
            }
        }
    }

    static func usernameTag(_ name: String) -> Tag { Tag("username", name) }
    static func accountTag(_ id: String) -> Tag { Tag("account", id) }

    private static let types = [AccountRegistered.eventType, AccountClosed.eventType]

    /// Who holds a name: nobody, an open account, or nobody since a closing.
    enum Holder: Sendable, Equatable {
        case nobody
        case account(String)
        case releasedAt(Date)
    }

    static func holder(of username: String) -> DecisionProjection<Holder> {
        let query = try! Query(QueryItem(types: types, tags: [usernameTag(username)]))
        return DecisionProjection(initialState: .nobody, query: query) { _, event in
            if event.type == AccountRegistered.eventType {
                return .account(try event.decode(as: AccountRegistered.self).accountId)
            }
            return .releasedAt(try event.decode(as: AccountClosed.self).closedAt)
        }
    }

    /// An account's name, and whether it is still open.
    struct Account: Sendable, Equatable {
        var username: String?
        var isOpen = false
    }

    static func account(_ accountId: String) -> DecisionProjection<Account> {
        let query = try! Query(QueryItem(types: types, tags: [accountTag(accountId)]))
        return DecisionProjection(initialState: Account(), query: query) { account, event in
            if event.type == AccountRegistered.eventType {
                return Account(username: try event.decode(as: AccountRegistered.self).username, isOpen: true)
            }
            return Account(username: account.username, isOpen: false)
        }
    }

    /// Opens account `accountId` under `username`, if no open account holds the name
    /// and it was released at least `retention` ago.
    @discardableResult
    static func register(
        _ accountId: String,
        username: String,
        retention: Duration = .zero,
        in store: some EventStore,
        retry: RetryPolicy = .default,
        clock: any DecisionClock = SystemDecisionClock()
    ) async throws -> DecisionOutcome<Void> {
        let name = holder(of: username)
        let owner = account(accountId)
        return try await store.decide(name, owner, retry: retry, clock: clock) { context, holder, account in
            switch holder {
            case .nobody: break
            case .account(let holder): throw Refusal.usernameTaken(username, byAccount: holder)
            case .releasedAt(let releasedAt):
                let until = releasedAt.addingTimeInterval(Double(retention.components.seconds))
                if context.now < until { throw Refusal.usernameRetained(username, until: until) }
            }
            guard account.username == nil else { throw Refusal.accountExists(accountId) }
            let event = AccountRegistered(accountId: accountId, username: username)
            return .append(try event.toEvent(tags: [accountTag(accountId), usernameTag(username)]))
        }
    }

    /// Closes account `accountId`, releasing its username.
    @discardableResult
    static func close(
        _ accountId: String,
        in store: some EventStore,
        retry: RetryPolicy = .default,
        clock: any DecisionClock = SystemDecisionClock()
    ) async throws -> DecisionOutcome<Void> {
        try await store.decide(account(accountId), retry: retry, clock: clock) { context, account in
            guard let username = account.username else { throw Refusal.accountNotFound(accountId) }
            guard account.isOpen else { throw Refusal.accountClosed(accountId) }
            // Tagged with the name too, so the name's own projection sees it released.
            let event = AccountClosed(accountId: accountId, username: username, closedAt: context.now)
            return .append(try event.toEvent(tags: [accountTag(accountId), usernameTag(username)]))
        }
    }
}
