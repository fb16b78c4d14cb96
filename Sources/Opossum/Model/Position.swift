/// The place of an event in one store's log.
///
/// Positions start at 1, increase strictly, and are dense within a single store:
/// the *n*-th event ever committed has position *n*. Reads may still skip some:
/// Opossum's own sync records and decisions the hub rejected have positions but are
/// not shown. Positions are local to a store — the same event copied to another store
/// gets that store's next position.
public struct Position: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The position as an unsigned integer.
    public var rawValue: UInt64

    /// Creates a position from its integer value.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// Creates a position from its integer value.
    public init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// The position before the first event; a store whose head is `zero` is empty.
    public static let zero = Position(0)

    /// The position right after this one.
    public var next: Position { Position(rawValue + 1) }

    /// Whether `lhs` comes before `rhs` in the log.
    public static func < (lhs: Position, rhs: Position) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// The position as a decimal number.
    public var description: String { String(rawValue) }
}

extension Position: ExpressibleByIntegerLiteral {
    /// Creates a position from an integer literal, as in `after: 42`.
    public init(integerLiteral value: UInt64) {
        self.rawValue = value
    }
}

extension Position: Codable {
    /// Decodes a position from a bare JSON number.
    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(UInt64.self)
    }

    /// Encodes a position as a bare JSON number.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
