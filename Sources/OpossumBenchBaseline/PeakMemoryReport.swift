import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a peak-memory child (`opossum-bench-reader`) reports: one line, `events N peak_kib K maxrss_kib M`.
///
/// The peak is the process's high-water resident set (`VmHWM` in `/proc/self/status`).
/// `getrusage(RUSAGE_SELF).ru_maxrss` is reported too but not used: Linux carries it over
/// `execve` from the process that spawned the child (here the benchmark itself, whose
/// resident set is large by then), so it is the parent's peak as often as the child's.
package struct PeakMemoryReport: Sendable {
    /// How many events the child read.
    package var events: Int
    /// The child's peak resident set size, in KiB (`VmHWM`).
    package var peakResidentKiB: Int
    /// `getrusage`'s `ru_maxrss`, in KiB, which may include the parent's peak.
    package var maximumResidentKiB: Int

    /// The report of this process, now.
    package static func current(events: Int) -> PeakMemoryReport {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let peakLine = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        let peak = peakLine.flatMap {
            Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return PeakMemoryReport(
            events: events,
            peakResidentKiB: peak ?? Int(usage.ru_maxrss),
            maximumResidentKiB: Int(usage.ru_maxrss)
        )
    }

    /// The line the child prints.
    package var line: String { "events \(events) peak_kib \(peakResidentKiB) maxrss_kib \(maximumResidentKiB)" }

    /// Parses the line a child printed.
    package init?(line: String) {
        let words = line.split(separator: " ")
        guard words.count == 6, words[0] == "events", words[2] == "peak_kib", words[4] == "maxrss_kib",
            let events = Int(words[1]), let peak = Int(words[3]), let maximum = Int(words[5])
        else { return nil }
        self.init(events: events, peakResidentKiB: peak, maximumResidentKiB: maximum)
    }

    package init(events: Int, peakResidentKiB: Int, maximumResidentKiB: Int) {
        self.events = events
        self.peakResidentKiB = peakResidentKiB
        self.maximumResidentKiB = maximumResidentKiB
    }
}
