/// One line of the results table.
struct ResultRow: Sendable {
    /// Whether a row met its target.
    enum Verdict: String, Sendable {
        case pass = "PASS"
        case fail = "FAIL"
        /// The feature the workload needs has not landed yet.
        case notYet = "not yet"
        /// A measurement without a target of its own.
        case reference = "—"
    }

    /// What was measured.
    var workload: String
    /// Opossum's median, formatted.
    var opossum: String
    /// The baseline's name and median, formatted.
    var baseline: String
    /// The median run-by-run ratio, formatted.
    var ratio: String
    /// The target, formatted.
    var target: String
    /// Whether the target was met.
    var verdict: Verdict
    /// Every run's values, for the report's details.
    var runs: String

    /// A row for a workload whose feature does not exist yet.
    static func notYet(_ workload: String, target: String) -> ResultRow {
        ResultRow(
            workload: workload,
            opossum: "not yet",
            baseline: "—",
            ratio: "—",
            target: target,
            verdict: .notYet,
            runs: ""
        )
    }
}
