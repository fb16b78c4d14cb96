/// The values one contender measured in one workload, one per run.
struct Samples: Sendable {
    /// The measured values, in run order.
    private(set) var values: [Double] = []

    /// Adds the value of the next run.
    mutating func append(_ value: Double) {
        values.append(value)
    }

    /// The median of the runs: the middle value, or the mean of the two middle ones.
    var median: Double {
        precondition(!values.isEmpty, "a median needs at least one run")
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The ratio `self / baseline`, taken run by run (run `i` against run `i`).
    func ratios(to baseline: Samples) -> Samples {
        precondition(values.count == baseline.values.count, "ratios pair runs one to one")
        var ratios = Samples()
        for (value, base) in zip(values, baseline.values) {
            ratios.append(value / base)
        }
        return ratios
    }
}

/// Runs each contender once per round, `rounds` times, and returns what each measured.
///
/// The contenders take turns within a round, and the order rotates from round to round,
/// so that a drift of the machine (page cache, writeback, another process) is spread over
/// all of them instead of always hitting the one that runs second.
///
/// - Parameter contenders: Each returns the value one run measured.
/// - Returns: The samples of each contender, in the order of `contenders`.
func alternate(rounds: Int, _ contenders: [() async throws -> Double]) async throws -> [Samples] {
    var samples = [Samples](repeating: Samples(), count: contenders.count)
    for round in 0..<rounds {
        for turn in 0..<contenders.count {
            let contender = (turn + round) % contenders.count
            samples[contender].append(try await contenders[contender]())
        }
    }
    return samples
}
