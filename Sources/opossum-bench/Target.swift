import Foundation

/// What a workload must achieve to pass.
enum Target: Sendable {
    /// The median run-by-run ratio Opossum ÷ baseline is at least this.
    case ratioAtLeast(Double)
    /// The median run-by-run ratio Opossum ÷ baseline is at most this (times, sizes).
    case ratioAtMost(Double)
    /// Opossum's median is at least this, in the workload's unit.
    case atLeast(Double)
    /// Opossum's median is at most this, in the workload's unit.
    case atMost(Double)
    /// No target: the row is a measurement the other rows refer to.
    case reference

    /// Whether `opossum` (the median) or `ratio` (the median ratio) meets the target.
    func isMet(opossum: Double, ratio: Double?) -> Bool {
        switch self {
        case .ratioAtLeast(let bound): return (ratio ?? -.infinity) >= bound
        case .ratioAtMost(let bound): return (ratio ?? .infinity) <= bound
        case .atLeast(let bound): return opossum >= bound
        case .atMost(let bound): return opossum <= bound
        case .reference: return true
        }
    }

    /// The target as the table prints it, with absolute bounds in `quantity`'s unit.
    func describe(in quantity: Quantity) -> String {
        switch self {
        case .ratioAtLeast(let bound): return "≥ \(Self.ratio(bound))"
        case .ratioAtMost(let bound): return "≤ \(Self.ratio(bound))"
        case .atLeast(let bound): return "≥ " + quantity.format(bound)
        case .atMost(let bound): return "≤ " + quantity.format(bound)
        case .reference: return "reference"
        }
    }

    /// A ratio as the table prints it: `0.83×`.
    static func ratio(_ value: Double) -> String {
        String(format: value < 10 ? "%.2f×" : "%.1f×", value)
    }
}
