import Foundation
import OpossumBenchBaseline

/// The machine a run measured, for the report: results only mean something next to it.
struct MachineInfo: Sendable {
    /// The number of processors available (`nproc`).
    var processors: String
    /// The CPU model, from `/proc/cpuinfo`.
    var cpuModel: String
    /// The total memory, from `/proc/meminfo`.
    var memory: String
    /// The operating system and kernel.
    var system: String
    /// The file system type and device of the data directory (`df -T`).
    var fileSystem: String
    /// The Swift compiler's version (`swift --version`).
    var swiftVersion: String
    /// The SQLite library's version.
    var sqliteVersion: String
    /// The load averages over 1, 5 and 15 minutes when the run started: other work on the
    /// machine shows up in the numbers.
    var loadAverage: String

    /// Gathers the facts; it runs commands, so call it on a plain thread.
    static func gather(dataDirectory: String) -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memoryKiB = field("MemTotal", in: meminfo).flatMap { Double($0.split(separator: " ").first ?? "") }
        let df = ChildProcess.firstLine(of: ["df", "-T", dataDirectory]) { !$0.hasPrefix("Filesystem") }
        let dfFields = df?.split(separator: " ", omittingEmptySubsequences: true).map(String.init) ?? []
        return MachineInfo(
            processors: ChildProcess.firstLine(of: ["nproc"]) ?? String(ProcessInfo.processInfo.activeProcessorCount),
            cpuModel: field("model name", in: cpuinfo) ?? "unknown",
            memory: memoryKiB.map { String(format: "%.1f GiB", $0 / 1_048_576) } ?? "unknown",
            system: ChildProcess.firstLine(of: ["uname", "-srm"]) ?? "unknown",
            fileSystem: dfFields.count >= 2 ? "\(dfFields[1]) (\(dfFields[0]))" : "unknown",
            swiftVersion: ChildProcess.firstLine(of: ["swift", "--version"]) { $0.contains("Swift version") }
                ?? "unknown",
            sqliteVersion: SQLiteDatabase.libraryVersion,
            loadAverage: currentLoadAverage
        )
    }

    /// The load averages over 1, 5 and 15 minutes, now (`/proc/loadavg`).
    static var currentLoadAverage: String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
            .map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "unknown"
    }

    /// The value of the first `name : value` line in `text`.
    private static func field(_ name: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 && parts[0].trimmingCharacters(in: .whitespaces) == name {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
