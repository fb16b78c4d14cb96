/// One part at one depot: the unit of contention. Sites and head office reserve from
/// the same few of them, so their decisions conflict.
struct StockKey: Hashable, Sendable, CustomStringConvertible {
    let depot: String
    let part: String

    /// Two depots, two parts: few enough that sites often race for the last part.
    static let all: [StockKey] = ["north", "south"].flatMap { depot in
        ["P-100", "P-200"].map { StockKey(depot: depot, part: $0) }
    }

    /// The stock a depot holds before the soak starts, per part.
    static let initialStock = 6

    var tags: [String] { ["depot:\(depot)", "part:\(part)"] }

    var description: String { "\(depot)/\(part)" }

    /// The events a decision about this stock reads: receipts and reservations.
    var query: String {
        #"{"items":[{"types":["StockReceived","PartReserved"],"tags":["depot:\#(depot)","part:\#(part)"]}]}"#
    }

    /// The key an event's tags name, if it is about stock.
    init?(tags: [String]) {
        guard
            let depot = tags.first(where: { $0.hasPrefix("depot:") })?.dropFirst(6),
            let part = tags.first(where: { $0.hasPrefix("part:") })?.dropFirst(5)
        else { return nil }
        self.init(depot: String(depot), part: String(part))
    }

    init(depot: String, part: String) {
        self.depot = depot
        self.part = part
    }

    /// The condition of a reservation decided on `level`: fail if any receipt or
    /// reservation of this stock came after what the decision read.
    func condition(after level: StockLevel) -> String {
        let after = level.lastPosition > 0 ? #","after":\#(level.lastPosition)"# : ""
        return #"{"failIfEventsMatch":\#(query)\#(after)}"#
    }
}

/// What a log says about one stock: received, reserved, and the last event read.
struct StockLevel: Sendable {
    var received = 0
    var reserved = 0
    var lastPosition: UInt64 = 0

    var available: Int { received - reserved }

    /// The level after `events`, the receipts and reservations of one stock in log order.
    init(_ events: [LoggedEvent]) {
        for event in events { apply(event) }
    }

    mutating func apply(_ event: LoggedEvent) {
        switch event.type {
        case "StockReceived": received += event.quantity
        case "PartReserved": reserved += event.quantity
        default: break
        }
        lastPosition = max(lastPosition, event.position)
    }
}

/// One event of a decision, as a line of `opossum append --batch`.
struct DecisionEvent {
    let type: String
    let tags: [String]
    let quantity: Int?

    var jsonLine: String {
        let tags = self.tags.map { "\"\($0)\"" }.joined(separator: ",")
        let data = quantity.map { #"{"quantity":\#($0)}"# } ?? #"{}"#
        return #"{"type":"\#(type)","tags":[\#(tags)],"data":\#(data)}"#
    }
}
