import Foundation
import Opossum

/// The worker's command line: `opossum-example-worker STORE SCENARIO [ARGUMENTS...] [--attempts N]`.
///
/// Opens the store at STORE without flushing (the tests check the rules, not
/// durability), makes the scenario's request N times at once (default 1), and prints
/// one JSON ``WorkerResult`` a line. `{i}` in an argument is replaced by the attempt's
/// index, so one worker can act for several students.
enum WorkerCommand {
    /// Other processes race on the same store: retry patiently rather than give up.
    static let retry = RetryPolicy(maxAttempts: 100, initialDelay: .milliseconds(2), maxDelay: .milliseconds(100))

    /// Runs the command and returns the exit status: 0 when every attempt ended with a
    /// result (refusals included), 1 when one failed, 2 for bad usage.
    static func run(_ arguments: [String]) async -> Int32 {
        var arguments = arguments
        var attempts = 1
        if let flag = arguments.firstIndex(of: "--attempts"), flag + 1 < arguments.count {
            attempts = Int(arguments[flag + 1]) ?? 0
            arguments.removeSubrange(flag...(flag + 1))
        }
        guard arguments.count >= 2 else {
            return usage("opossum-example-worker STORE SCENARIO [ARGUMENTS...] [--attempts N]")
        }
        let scenarios = (0..<max(attempts, 0)).compactMap { index in
            ExampleScenario(
                name: arguments[1],
                arguments: arguments.dropFirst(2).map { $0.replacingOccurrences(of: "{i}", with: String(index)) }
            )
        }
        guard attempts > 0, scenarios.count == attempts else {
            return usage("unknown scenario, arguments or attempts; scenarios: \(ExampleScenario.usage)")
        }
        let results = await run(scenarios, onStoreAt: arguments[0])
        for result in results {
            print(result.jsonLine)
        }
        return results.contains { $0.status == .failed } ? 1 : 0
    }

    /// Opens the store and makes every request at once.
    static func run(_ scenarios: [ExampleScenario], onStoreAt path: String) async -> [WorkerResult] {
        let store: FileEventStore
        do {
            store = try await FileEventStore.open(at: path, options: FileEventStore.Options(durability: .none))
        } catch {
            return [WorkerResult(status: .failed, message: "cannot open \(path): \(error)")]
        }
        let results = await withTaskGroup(of: WorkerResult.self) { group in
            for scenario in scenarios {
                group.addTask { await scenario.run(on: store, retry: retry) }
            }
            var results: [WorkerResult] = []
            for await result in group {
                results.append(result)
            }
            return results
        }
        await store.close()
        return results
    }

    private static func usage(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("usage: \(message)\n".utf8))
        return 2
    }
}
