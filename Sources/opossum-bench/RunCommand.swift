import ArgumentParser
import Foundation

/// Runs every workload and prints the table; in the full and quick modes it also writes
/// the report.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Runs every workload against its baseline and prints the results table (the default command)."
    )

    @Flag(help: "A 10^5-event big store and short runs: a few minutes.")
    var quick = false

    @Flag(help: "Every workload at tiny sizes, in seconds, to prove the harness runs; writes no report.")
    var smoke = false

    @Option(help: "Where stores are made, on the disk to measure: in a folder of the run's own, removed after.")
    var dataDir = ".bench-data"

    @Option(help: "Where the Markdown report goes (not in --smoke mode).")
    var report = "docs/benchmarks.md"

    @Option(
        help: ArgumentHelp(
            "Run only this workload (repeatable), to profile or iterate on it; writes no report.",
            valueName: "workload"
        )
    )
    var only: [Workload] = []

    @Option(help: "How many runs each workload makes, instead of the mode's number (at least 1).")
    var runs: Int?

    @Flag(help: "Keep the stores in the data directory after the run, to profile or inspect them.")
    var keepData = false

    @Option(help: .hidden)
    var command: String?

    func validate() throws {
        if quick && smoke { throw ValidationError("choose one of --quick and --smoke") }
        if let runs, runs < 1 { throw ValidationError("--runs needs at least 1") }
    }

    func run() async throws {
        let mode: BenchMode = smoke ? .smoke : quick ? .quick : .full
        var sizes = BenchSizes(mode)
        if let runs { sizes.runs = runs }
        let directory = try BenchDirectory(dataDirectory: dataDir)
        let context = BenchContext(sizes: sizes, directory: directory, executable: ChildProcess.currentExecutable)
        let started = ContinuousClock.now
        let date = Date()
        let machine = try await PlainThreads.run { MachineInfo.gather(dataDirectory: directory.root) }
        context.note("\(mode.rawValue) run in \(directory.root) (\(machine.fileSystem))")
        let table: ResultTable
        do {
            table = try await Self.measure(context, only: Set(only))
            if keepData {
                context.note("kept the stores in \(directory.root)")
            } else {
                directory.removeAll()
            }
        } catch {
            if !keepData { directory.removeAll() }
            throw error
        }
        // Unbuffered, so that the table and the progress notes on standard error keep their order.
        FileHandle.standardOutput.write(Data((table.text + table.summary + "\n").utf8))
        guard mode != .smoke && only.isEmpty else { return }
        let report = BenchReport(
            table: table,
            machine: machine,
            dataDirectory: directory.parent,
            command: command ?? CommandLine.arguments.joined(separator: " "),
            mode: mode,
            sizes: sizes,
            date: date,
            duration: ContinuousClock.now - started,
            finalLoadAverage: MachineInfo.currentLoadAverage
        )
        try report.write(to: self.report)
        context.note("wrote \(self.report)")
    }

    /// The chosen workloads (all if `only` is empty) in turn: durable ones on new stores,
    /// then the big stores' reads (while they hold exactly the loaded events), then appends
    /// to the big stores. The rows come in the order.
    private static func measure(_ context: BenchContext, only: Set<Workload>) async throws -> ResultTable {
        func wants(_ workload: Workload) -> Bool { only.isEmpty || only.contains(workload) }
        let durable = DurableWorkloads(context: context)
        var comparisons: [Comparison] = []
        if wants(.single) { comparisons += try await durable.singleEventAppends() }
        if wants(.concurrent) { comparisons += try await durable.concurrentConditionalAppends() }
        if wants(.batch) { comparisons += try await durable.batchAppends() }
        if Workload.allCases.contains(where: { $0.needsBigStores && wants($0) }) {
            let (stores, load) = try await BigStores.build(context)
            let reads = BigStoreReads(context: context, stores: stores)
            let open = wants(.open) ? try await reads.open() : []
            let tagReads = wants(.tagRead) ? try await reads.tagReads() : []
            let fullReads = wants(.fullRead) ? try await reads.fullReads() : []
            let peakMemory = wants(.peakMemory) ? try await reads.peakMemory() : []
            let projections =
                wants(.projection)
                ? try await ProjectionRebuilds(context: context, stores: stores).rebuilds() : []
            let appends =
                wants(.bigAppend)
                ? try await BigStoreAppends(context: context, stores: stores).conditionalAppends() : []
            comparisons += appends + tagReads + fullReads + projections + open + peakMemory + [load]
        }
        if wants(.bundle) { comparisons += try await BundleRoundTrips(context: context).roundTrips() }
        if wants(.http) { comparisons += try await HTTPRoundTrips(context: context).roundTrips() }
        return ResultTable(rows: comparisons.map(\.row))
    }
}
