/// The results table, as plain text for the terminal and as Markdown for the report.
struct ResultTable: Sendable {
    /// The column titles, in order.
    static let header = ["workload", "Opossum", "baseline", "ratio", "target", "result"]

    /// The rows, in workload order.
    var rows: [ResultRow] = []

    private var cells: [[String]] {
        rows.map { [$0.workload, $0.opossum, $0.baseline, $0.ratio, $0.target, $0.verdict.rawValue] }
    }

    /// One line counting the targets met and missed.
    var summary: String {
        let measured = rows.filter { $0.verdict == .pass || $0.verdict == .fail }
        let failed = measured.filter { $0.verdict == .fail }.count
        let notYet = rows.filter { $0.verdict == .notYet }.count
        return "\(measured.count - failed) of \(measured.count) targets met, \(failed) FAIL, \(notYet) not yet"
    }

    /// The table with its columns padded to line up in a monospaced terminal.
    var text: String {
        let all = [Self.header] + cells
        var widths = [Int](repeating: 0, count: Self.header.count)
        for line in all {
            for (column, cell) in line.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func render(_ line: [String]) -> String {
            let padded = line.enumerated().map { column, cell in
                cell + String(repeating: " ", count: widths[column] - cell.count)
            }
            return padded.joined(separator: "  ").trimmingSuffixSpaces()
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([render(Self.header), rule] + cells.map(render)).joined(separator: "\n") + "\n"
    }

    /// The table in GitHub Markdown.
    var markdown: String {
        func render(_ line: [String]) -> String {
            "| " + line.map { $0.replacingPipes() }.joined(separator: " | ") + " |"
        }
        let rule = "|" + Self.header.map { _ in "---|" }.joined()
        return ([render(Self.header), rule] + cells.map(render)).joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func trimmingSuffixSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }

    fileprivate func replacingPipes() -> String {
        split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
    }
}
