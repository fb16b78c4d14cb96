/// The JSON forms of queries and conditions (see `Query+Codable.swift`), written
/// straight into a segment line without going through `JSONEncoder`.
extension JSONWriter {
    /// Appends `"all"` or `{"items":[{"types":[...],"tags":[...]},...]}`.
    mutating func appendQuery(_ query: Query) {
        guard case .items(let items) = query.selection else {
            append("\"all\"")
            return
        }
        append("{\"items\":[")
        for (index, item) in items.enumerated() {
            if index > 0 { append(",") }
            append("{")
            if !item.types.isEmpty {
                append("\"types\":[")
                for (number, type) in item.types.enumerated() {
                    if number > 0 { append(",") }
                    appendString(type)
                }
                append("]")
            }
            if !item.tags.isEmpty {
                if !item.types.isEmpty { append(",") }
                appendTagsField(item.tags)
            }
            append("}")
        }
        append("]}")
    }

    /// Appends `,"condition":{"failIfEventsMatch":…,"after":N}` where there is a condition.
    mutating func appendConditionField(_ condition: AppendCondition?) {
        guard let condition else { return }
        append(",\"condition\":")
        appendCondition(condition)
    }

    /// Appends `{"failIfEventsMatch":…,"after":N}`, the form ``ConditionText`` reads.
    package mutating func appendCondition(_ condition: AppendCondition) {
        append("{\"failIfEventsMatch\":")
        appendQuery(condition.failIfEventsMatch)
        if let after = condition.after {
            append(",\"after\":")
            append(after.rawValue)
        }
        append("}")
    }
}
