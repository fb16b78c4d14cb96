// The JSON forms of queries and conditions, shared by the command-line tool, scripts
// and sync bundles:
//   QUERY     = "all" | {"items": [ITEM, ...]}
//   ITEM      = {"types": ["T", ...], "tags": ["key:value", ...]}   (either may be absent)
//   CONDITION = {"failIfEventsMatch": QUERY, "after": N}            ("after" optional)

extension QueryItem: Codable {
    private enum CodingKeys: String, CodingKey {
        case types, tags
    }

    /// Decodes `{"types": [...], "tags": ["key:value", ...]}`; either may be absent, not both.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let types = try container.decodeIfPresent([String].self, forKey: .types) ?? []
        let tags = try container.decodeIfPresent([Tag].self, forKey: .tags) ?? []
        try self.init(types: types, tags: tags)
    }

    /// Encodes the item, leaving out an empty `types` or `tags`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !types.isEmpty { try container.encode(types, forKey: .types) }
        if !tags.isEmpty { try container.encode(tags, forKey: .tags) }
    }
}

extension Query: Codable {
    private enum CodingKeys: String, CodingKey {
        case items
    }

    /// Decodes `"all"` or `{"items": [...]}`.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            guard text == "all" else {
                throw EventStoreError(
                    .invalidQuery,
                    "a query is \"all\" or {\"items\": [...]}, not \(text.debugDescription)"
                )
            }
            self = .all
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(items: try container.decode([QueryItem].self, forKey: .items))
    }

    /// Encodes `"all"` or `{"items": [...]}`.
    public func encode(to encoder: any Encoder) throws {
        switch selection {
        case .all:
            var container = encoder.singleValueContainer()
            try container.encode("all")
        case .items(let items):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
        }
    }
}

extension AppendCondition: Codable {
    private enum CodingKeys: String, CodingKey {
        case failIfEventsMatch, after
    }

    /// Decodes `{"failIfEventsMatch": QUERY, "after": N}`; `after` may be absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            failIfEventsMatch: try container.decode(Query.self, forKey: .failIfEventsMatch),
            after: try container.decodeIfPresent(Position.self, forKey: .after)
        )
    }

    /// Encodes the condition, leaving out an absent `after`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(failIfEventsMatch, forKey: .failIfEventsMatch)
        try container.encodeIfPresent(after, forKey: .after)
    }
}
