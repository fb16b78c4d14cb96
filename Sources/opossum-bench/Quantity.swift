import Foundation

/// What a workload's numbers count, and how they are printed.
enum Quantity: Sendable {
    /// Things per second, such as events or records; more is better.
    case rate(String)
    /// A time in seconds; less is better.
    case time
    /// A size in bytes; less is better.
    case bytes

    /// `value` in this quantity's unit, rounded for a table.
    func format(_ value: Double) -> String {
        switch self {
        case .rate(let noun):
            return "\(Self.grouped(value)) \(noun)/s"
        case .time:
            if value < 1e-3 { return String(format: "%.1f µs", value * 1e6) }
            if value < 1 { return String(format: "%.1f ms", value * 1e3) }
            return String(format: "%.2f s", value)
        case .bytes:
            return String(format: "%.1f MB", value / 1e6)
        }
    }

    /// `value` rounded to a whole number, with thousands separated by commas.
    static func grouped(_ value: Double) -> String {
        grouped(Int(value.rounded()))
    }

    /// `value` with thousands separated by commas: `1,000,000`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return grouped
    }
}
