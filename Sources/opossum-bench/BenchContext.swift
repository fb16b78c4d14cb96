import Foundation

/// What every workload needs to know about the run it is part of.
struct BenchContext: Sendable {
    /// The sizes and durations of this run's mode.
    var sizes: BenchSizes
    /// Where stores and files go: on the disk being measured.
    var directory: BenchDirectory
    /// This program's own executable, for the child processes that measure peak memory.
    var executable: String

    /// Reports progress on standard error, so standard output holds only the results.
    func note(_ message: String) {
        FileHandle.standardError.write(Data(("opossum-bench: " + message + "\n").utf8))
    }
}
