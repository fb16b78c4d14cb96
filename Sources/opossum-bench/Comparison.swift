/// What one workload measured for Opossum and, where it has one, for its baseline.
struct Comparison: Sendable {
    /// What was measured, as the table names it.
    var workload: String
    /// The unit of both contenders' values.
    var quantity: Quantity
    /// Opossum's values, one per run; `nil` for a baseline-only reference row.
    var opossum: Samples?
    /// What Opossum is compared with, such as `SQLite`.
    var baselineName: String
    /// The baseline's values, one per run, taken alternately with Opossum's.
    var baseline: Samples?
    /// What Opossum must achieve.
    var target: Target

    /// The table row: medians, the median ratio and the verdict.
    var row: ResultRow {
        let ratios = opossum.flatMap { opossum in baseline.map { opossum.ratios(to: $0) } }
        let verdict: ResultRow.Verdict
        if case .reference = target {
            verdict = .reference
        } else if let opossum {
            verdict = target.isMet(opossum: opossum.median, ratio: ratios?.median) ? .pass : .fail
        } else {
            verdict = .fail
        }
        var runs: [String] = []
        if let opossum { runs.append("Opossum " + opossum.values.map(quantity.format).joined(separator: ", ")) }
        if let baseline {
            runs.append("\(baselineName) " + baseline.values.map(quantity.format).joined(separator: ", "))
        }
        if let ratios { runs.append("ratios " + ratios.values.map(Target.ratio).joined(separator: ", ")) }
        return ResultRow(
            workload: workload,
            opossum: opossum.map { quantity.format($0.median) } ?? "—",
            baseline: baseline.map { "\(baselineName): " + quantity.format($0.median) } ?? "—",
            ratio: ratios.map { Target.ratio($0.median) } ?? "—",
            target: target.describe(in: quantity),
            verdict: verdict,
            runs: runs.joined(separator: "; ")
        )
    }
}

extension Comparison {
    /// A baseline-only row, such as the disk's own limit, that other rows refer to.
    static func reference(_ workload: String, _ quantity: Quantity, _ samples: Samples) -> Comparison {
        Comparison(workload: workload, quantity: quantity, baselineName: "disk", baseline: samples, target: .reference)
    }

    /// One Opossum measurement against several baselines: a row for each, with its target.
    static func rows(
        _ workload: String,
        _ quantity: Quantity,
        opossum: Samples,
        against baselines: [(name: String, samples: Samples?, target: Target)]
    ) -> [Comparison] {
        baselines.map { baseline in
            Comparison(
                workload: workload,
                quantity: quantity,
                opossum: opossum,
                baselineName: baseline.name,
                baseline: baseline.samples,
                target: baseline.target
            )
        }
    }
}
