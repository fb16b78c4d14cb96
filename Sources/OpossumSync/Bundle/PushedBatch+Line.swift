import Opossum

/// A pushed batch's header line, written and read without Foundation's JSON coders:
/// a push holds one per decision, and `JSONEncoder` and `JSONDecoder` took a tenth of
/// an export and an import between them.
///
/// ```
/// {"batch":{"afterHub":N,"condition":CONDITION,"count":N,"originFirst":N,"ownKnown":N,"verdictsSeen":N}}
/// ```
/// Keys may come in any order and unknown keys are stepped over, as the `Codable`
/// form allows; `condition` is left out when the batch has none. CONDITION is the
/// form a segment line holds (`ConditionText`).
extension BundleLine.PushedBatch {
    /// The header's line, without a newline.
    var line: [UInt8] {
        var writer = JSONWriter()
        writer.append("{\"batch\":{\"afterHub\":")
        writer.append(afterHub)
        if let condition {
            writer.append(",\"condition\":")
            writer.appendCondition(condition)
        }
        writer.append(",\"count\":")
        writer.append(UInt64(count))
        writer.append(",\"originFirst\":")
        writer.append(originFirst.rawValue)
        writer.append(",\"ownKnown\":")
        writer.append(ownKnown)
        writer.append(",\"verdictsSeen\":")
        writer.append(verdictsSeen)
        writer.append("}}")
        return writer.bytes
    }

    /// Reads a header line, `{"batch":{...}}`, of the bundle at `path`.
    init(line: ArraySlice<UInt8>, path: String) throws {
        var fields: (afterHub: UInt64?, count: UInt64?, originFirst: UInt64?, ownKnown: UInt64?, verdicts: UInt64?)
        var condition: AppendCondition?
        var isBatch = false
        try line.withUnsafeBytes { bytes in
            var scanner = JSONScanner(bytes)
            try ConditionText.readObject(&scanner) { key, scanner in
                guard key == "batch" else {
                    _ = try scanner.skipValue()
                    return
                }
                isBatch = true
                try ConditionText.readObject(&scanner) { key, scanner in
                    switch key {
                    case "afterHub": fields.afterHub = try scanner.readUInt64()
                    case "condition": condition = try Self.readCondition(&scanner)
                    case "count": fields.count = try scanner.readUInt64()
                    case "originFirst": fields.originFirst = try scanner.readUInt64()
                    case "ownKnown": fields.ownKnown = try scanner.readUInt64()
                    case "verdictsSeen": fields.verdicts = try scanner.readUInt64()
                    default: _ = try scanner.skipValue()
                    }
                }
            }
            guard (try? scanner.peek()) == nil else { throw scanner.fail("text follows the batch header") }
        }
        guard isBatch, let afterHub = fields.afterHub, let count = fields.count, let originFirst = fields.originFirst,
            let ownKnown = fields.ownKnown, let verdictsSeen = fields.verdicts, count <= UInt64(Int.max)
        else {
            throw SyncError(.malformed, "a batch header lacks one of its fields", path: path)
        }
        self.init(
            originFirst: Position(originFirst),
            count: Int(count),
            condition: condition,
            afterHub: afterHub,
            ownKnown: ownKnown,
            verdictsSeen: verdictsSeen
        )
    }

    /// A condition, or `null` for none.
    private static func readCondition(_ scanner: inout JSONScanner) throws -> AppendCondition? {
        if try scanner.peek() == UInt8(ascii: "n") {
            guard scanner.consumeLiteral("null") else { throw scanner.fail("expected a condition or null") }
            return nil
        }
        return try ConditionText.read(&scanner)
    }
}
