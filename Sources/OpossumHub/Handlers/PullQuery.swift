import Hummingbird

/// The parameters of `GET /v1/sites/{site}/pull`: the site's cursor and verdict
/// count, how many events it wants at most and whether it wants them compressed.
struct PullQuery: Sendable, Hashable {
    /// The hub position the site has pulled up to.
    var after: UInt64
    /// How many verdicts the site has received.
    var verdictsAfter: UInt64
    /// The most events to send (whole batches, so about), within the hub's ceiling.
    var maximumEvents: Int
    /// Whether to send the bundle gzip-compressed.
    var compressed: Bool

    /// Parses `parameters`; `ceiling` is the hub's default and largest `maxEvents`.
    ///
    /// - Throws: ``HubHTTPError`` `400` for a missing or malformed parameter.
    init(_ parameters: Parameters, ceiling: Int) throws {
        after = try Self.number("after", in: parameters)
        verdictsAfter = try Self.number("verdictsAfter", in: parameters)
        if let text = parameters["maxEvents"] {
            guard let value = Int(text), value > 0 else {
                throw HubHTTPError.invalidQuery(
                    "maxEvents must be a whole number above 0, not \(text.debugDescription)"
                )
            }
            maximumEvents = min(value, ceiling)
        } else {
            maximumEvents = ceiling
        }
        switch parameters["compress"] {
        case nil, "0", "false": compressed = false
        case "1", "true": compressed = true
        case let text?: throw HubHTTPError.invalidQuery("compress must be 1 or 0, not \(text.debugDescription)")
        }
    }

    /// The required whole number `name`.
    private static func number(_ name: String, in parameters: Parameters) throws -> UInt64 {
        guard let text = parameters[Substring(name)] else {
            throw HubHTTPError.invalidQuery("the pull has no \(name) parameter (a hub position, 0 for none)")
        }
        guard let value = UInt64(text) else {
            throw HubHTTPError.invalidQuery("\(name) must be a whole number of 0 or more, not \(text.debugDescription)")
        }
        return value
    }
}
