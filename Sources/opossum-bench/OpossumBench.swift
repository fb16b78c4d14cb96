import ArgumentParser

/// `opossum-bench`: measures Opossum against SQLite and against the disk's own flush
/// limit, in one run on one disk, and reports ratios rather than bare times.
@main
struct OpossumBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opossum-bench",
        abstract: "Benchmarks Opossum against SQLite and the disk's own flush limit.",
        discussion: """
            Every workload is measured for Opossum and for its baseline in alternating runs \
            on the same disk; the table reports medians and the median of the run-by-run \
            ratios, and marks every missed target FAIL.

            Example:
              opossum-bench --quick --data-dir .bench-data --report docs/benchmarks.md
            """,
        subcommands: [RunCommand.self],
        defaultSubcommand: RunCommand.self
    )
}
