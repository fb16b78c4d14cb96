import Foundation

/// The package's executables, as the tests run them: built next to the test runner.
public enum BuiltProduct {
    /// The path of the executable `name` (`opossum`, `opossum-crash-writer`, …) in the
    /// build products directory that holds the running test runner.
    public static func path(of name: String) -> String {
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var directory = URL(fileURLWithPath: runner).deletingLastPathComponent()
        // On Linux the runner may sit in an `.xctest` bundle inside the products directory.
        if directory.lastPathComponent.hasSuffix(".xctest") { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent(name).path
    }
}
