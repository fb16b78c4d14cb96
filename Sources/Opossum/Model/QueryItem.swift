/// One alternative of a ``Query``: events of any of `types` that carry all of `tags`.
///
/// Types are OR-ed: an event matches if its type is one of them (or if `types` is
/// empty). Tags are AND-ed: the event's tags must include every one of them (or
/// `tags` is empty). An item with neither types nor tags would match everything by
/// accident; it cannot be built — use ``Query/all`` to mean everything.
public struct QueryItem: Hashable, Sendable {
    /// The event types this item accepts; empty means any type.
    public let types: [String]
    /// The tags an event must all carry; empty means no tag requirement.
    public let tags: [Tag]

    /// Creates an item from types and tags.
    ///
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/invalidQuery``
    ///   when both `types` and `tags` are empty, or a type is empty, or a tag is invalid.
    public init(types: [String] = [], tags: [Tag] = []) throws(EventStoreError) {
        guard !types.isEmpty || !tags.isEmpty else {
            throw EventStoreError(
                .invalidQuery,
                "a query item needs at least one type or one tag; use Query.all to match every event"
            )
        }
        if types.contains(where: \.isEmpty) {
            throw EventStoreError(.invalidQuery, "a query item names an empty event type")
        }
        for tag in tags {
            do {
                try tag.validate()
            } catch {
                throw EventStoreError(.invalidQuery, "a query item has an invalid tag: \(error.message)")
            }
        }
        self.types = types
        self.tags = tags
    }

    /// An item matching events of any of the given types.
    public static func types(_ first: String, _ more: String...) throws(EventStoreError) -> QueryItem {
        try QueryItem(types: more.isEmpty ? [first] : [first] + more)
    }

    /// An item matching events that carry all of the given tags.
    public static func tags(_ first: Tag, _ more: Tag...) throws(EventStoreError) -> QueryItem {
        try QueryItem(tags: more.isEmpty ? [first] : [first] + more)
    }

    /// Whether an event matches this item.
    public func matches(_ event: Event) -> Bool {
        if !types.isEmpty && !types.contains(where: { $0.hasSameBytes(as: event.type) }) {
            return false
        }
        return tags.allSatisfy { event.tags.contains($0) }
    }
}
