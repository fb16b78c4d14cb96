/// Which events a read or an append condition is about: every event, or those
/// matching at least one of a list of ``QueryItem``s.
public struct Query: Hashable, Sendable {
    enum Selection: Hashable, Sendable {
        case all
        case items([QueryItem])
    }

    let selection: Selection

    /// Every event in the store.
    public static let all = Query(selection: .all)

    private init(selection: Selection) {
        self.selection = selection
    }

    /// A query matching events that match any of the given items.
    public init(_ first: QueryItem, _ more: QueryItem...) {
        self.selection = .items(more.isEmpty ? [first] : [first] + more)
    }

    /// A query matching events that match any of the given items.
    ///
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/invalidQuery``
    ///   when `items` is empty: use ``all`` to mean every event.
    public init(items: [QueryItem]) throws(EventStoreError) {
        guard !items.isEmpty else {
            throw EventStoreError(.invalidQuery, "a query needs at least one item; use Query.all to match every event")
        }
        self.selection = .items(items)
    }

    /// A query for events of any of the given types.
    public static func types(_ first: String, _ more: String...) throws(EventStoreError) -> Query {
        Query(try QueryItem(types: more.isEmpty ? [first] : [first] + more))
    }

    /// A query for events carrying all of the given tags.
    public static func tags(_ first: Tag, _ more: Tag...) throws(EventStoreError) -> Query {
        Query(try QueryItem(tags: more.isEmpty ? [first] : [first] + more))
    }

    /// Whether this is ``all``.
    public var isAll: Bool { selection == .all }

    /// The items of the query; empty for ``all``.
    public var items: [QueryItem] {
        if case .items(let items) = selection { return items }
        return []
    }

    /// Whether an event matches the query.
    public func matches(_ event: Event) -> Bool {
        switch selection {
        case .all: return true
        case .items(let items): return items.contains { $0.matches(event) }
        }
    }
}
