/// Reads the `condition` a batch's first segment line holds, in the JSON form
/// `Query+Codable.swift` defines and ``JSONWriter/appendConditionField(_:)`` writes:
///
/// ```
/// CONDITION = {"failIfEventsMatch": QUERY, "after": N}      ("after" optional)
/// QUERY     = "all" | {"items": [ITEM, ...]}
/// ITEM      = {"types": ["T", ...], "tags": ["key:value", ...]}
/// ```
///
/// Sync reads one for every batch it exports; `JSONDecoder` took a sixth of an
/// export's reading. The rules are the `Codable` forms' own: unknown keys are
/// stepped over, an item needs a type or a tag, and a tag needs its `key:`.
package enum ConditionText {
    /// Reads a condition from `scanner`.
    package static func read(_ scanner: inout JSONScanner) throws -> AppendCondition {
        var query: Query?
        var after: Position?
        try readObject(&scanner) { key, scanner in
            switch key {
            case "failIfEventsMatch": query = try readQuery(&scanner)
            case "after":
                if try scanner.peek() == UInt8(ascii: "n"), scanner.consumeLiteral("null") { break }
                after = Position(try scanner.readUInt64())
            default: _ = try scanner.skipValue()
            }
        }
        guard let query else { throw scanner.fail("a condition lacks failIfEventsMatch") }
        return AppendCondition(failIfEventsMatch: query, after: after)
    }

    private static func readQuery(_ scanner: inout JSONScanner) throws -> Query {
        if try scanner.peek() == UInt8(ascii: "\"") {
            let text = try scanner.readString()
            guard text == "all" else { throw scanner.fail("a query is \"all\" or {\"items\": [...]}") }
            return .all
        }
        var items: [QueryItem]?
        try readObject(&scanner) { key, scanner in
            guard key == "items" else {
                _ = try scanner.skipValue()
                return
            }
            var list: [QueryItem] = []
            try readArray(&scanner) { scanner in list.append(try readItem(&scanner)) }
            items = list
        }
        guard let items else { throw scanner.fail("a query lacks items") }
        return try Query(items: items)
    }

    private static func readItem(_ scanner: inout JSONScanner) throws -> QueryItem {
        var types: [String] = []
        var tags: [Tag] = []
        try readObject(&scanner) { key, scanner in
            switch key {
            case "types": try readArray(&scanner) { scanner in types.append(try scanner.readString()) }
            case "tags": try readArray(&scanner) { scanner in tags.append(try Tag(parsing: scanner.readString())) }
            default: _ = try scanner.skipValue()
            }
        }
        return try QueryItem(types: types, tags: tags)
    }

    /// Reads `{"key": value, ...}`, handing each key to `field`, which reads the value.
    package static func readObject(
        _ scanner: inout JSONScanner,
        _ field: (String, inout JSONScanner) throws -> Void
    ) throws {
        try scanner.expect(UInt8(ascii: "{"))
        if try scanner.consume(UInt8(ascii: "}")) { return }
        repeat {
            let key = try scanner.readString()
            try scanner.expect(UInt8(ascii: ":"))
            try field(key, &scanner)
        } while try scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"))
    }

    /// Reads `[value, ...]`, calling `element` to read each value.
    private static func readArray(_ scanner: inout JSONScanner, _ element: (inout JSONScanner) throws -> Void) throws {
        try scanner.expect(UInt8(ascii: "["))
        if try scanner.consume(UInt8(ascii: "]")) { return }
        repeat {
            try element(&scanner)
        } while try scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "]"))
    }
}
