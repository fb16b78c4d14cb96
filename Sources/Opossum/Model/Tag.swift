/// A key-value label on an event, written `key:value`.
///
/// Tags name the things a decision is about (`studentId:42`, `courseId:7`) and are
/// what queries and append conditions select on. They compare byte for byte: no case
/// folding and no Unicode normalisation, so `Name:a` and `name:a` are different tags.
/// The key must be non-empty and may not contain `:`; the value may hold anything,
/// including `:`, `/`, NUL and any Unicode text. A tag that breaks these rules is
/// refused with ``EventStoreError/Code/invalidTag`` when an event carrying it is
/// appended or a query using it is built from text.
public struct Tag: Hashable, Sendable, CustomStringConvertible {
    /// The tag's key: what kind of thing it names, such as `studentId`.
    public var key: String
    /// The tag's value: which thing it names, such as `42`.
    public var value: String

    /// Creates a tag from its key and value.
    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }

    /// Creates a tag from its key and value.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Parses the `key:value` form, splitting at the first `:`.
    ///
    /// - Throws: ``EventStoreError`` with code ``EventStoreError/Code/invalidTag`` when
    ///   the text has no `:` or the key before it is empty.
    public init(parsing text: String) throws(EventStoreError) {
        guard let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")) else {
            throw EventStoreError(.invalidTag, "tag \(text.debugDescription) has no ':' between key and value")
        }
        let key = String(text[..<colon])
        guard !key.isEmpty else {
            throw EventStoreError(.invalidTag, "tag \(text.debugDescription) has an empty key")
        }
        self.key = key
        self.value = String(text[text.utf8.index(after: colon)...])
    }

    /// The `key:value` text of the tag.
    public var description: String { key + ":" + value }

    /// Checks the rules a stored tag must follow.
    func validate() throws(EventStoreError) {
        if key.isEmpty {
            throw EventStoreError(.invalidTag, "tag with value \(value.debugDescription) has an empty key")
        }
        if key.utf8.contains(UInt8(ascii: ":")) {
            throw EventStoreError(.invalidTag, "tag key \(key.debugDescription) contains ':'")
        }
    }

    /// Whether two tags have the same key and value, byte for byte.
    public static func == (lhs: Tag, rhs: Tag) -> Bool {
        // Byte-exact: String's own == applies Unicode canonical equivalence.
        lhs.key.hasSameBytes(as: rhs.key) && lhs.value.hasSameBytes(as: rhs.value)
    }

    /// Hashes the key and value bytes, consistently with byte-exact equality.
    public func hash(into hasher: inout Hasher) {
        hasher.combineUTF8(key)
        hasher.combine(UInt8(ascii: ":"))
        hasher.combineUTF8(value)
    }
}

extension Tag: Codable {
    /// Decodes a tag from its `"key:value"` string form.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    /// Encodes a tag as its `"key:value"` string form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
