import ArgumentParser

/// The options every command that writes a bundle shares: where, how big, compressed or not.
struct BundleOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Where to write the bundle.", valueName: "file"))
    var to: String

    @Option(help: ArgumentHelp("The most events in one bundle (whole batches).", valueName: "count"))
    var maxEvents = 100_000

    @Flag(help: "Compress the bundle with gzip (a third to a fifth of the size; `gunzip` gives the plain file back).")
    var compress = false

    func validate() throws {
        guard maxEvents > 0 else { throw ValidationError("--max-events must be 1 or more") }
    }
}
