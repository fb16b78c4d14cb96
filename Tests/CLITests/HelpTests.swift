import Testing

@Suite("--help")
struct HelpTests {
    @Test(arguments: [[], ["init"], ["append"], ["read"], ["status"], ["check"]])
    func everyCommandHasAnAbstractAndAnExample(_ command: [String]) async throws {
        let result = try await OpossumCLI.run(command + ["--help"])
        #expect(result.exitCode == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.hasPrefix("OVERVIEW: "), "\(result)")
        #expect(result.stdout.contains("Example:"))
        #expect(result.stdout.contains("USAGE: opossum \(command.first ?? "")"))
    }

    @Test func rootHelpListsEverySubcommand() async throws {
        let result = try await OpossumCLI.run(["--help"])
        for subcommand in ["init", "append", "read", "status", "check"] {
            #expect(result.stdout.contains("\n  \(subcommand) "), "\(subcommand)")
        }
    }
}
