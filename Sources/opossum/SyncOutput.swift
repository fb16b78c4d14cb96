import Foundation
import OpossumSync

/// How `push`, `pull` and `sync` report: a few readable lines for the technician (or one
/// JSON object with `--json`), progress on standard error, and an exit code that says
/// what happened.
enum SyncOutput {
    /// The exit code of a sync that worked but brought rejections to review.
    static let rejectionsExitCode: Int32 = 2
    /// The exit code of a sync that could not reach the hub (`EX_TEMPFAIL`): nothing
    /// was lost, and the next sync retries.
    static let unreachableExitCode: Int32 = 75

    /// Transfers from this many events on report their progress.
    static let progressThreshold = 10_000

    /// Writes progress lines on standard error, for long transfers.
    static func progress(_ step: SyncProgress) {
        switch step {
        case .waitingForAnotherSync:
            StandardOutput.writeError("opossum: another sync of this store is running; waiting for it to finish")
        case .pushed(let bundle, let eventCount, _) where eventCount >= progressThreshold:
            StandardOutput.writeError("opossum: push: bundle \(bundle) sent, \(count(eventCount, "event")) so far")
        case .pulled(let bundle, let eventCount, let summary) where eventCount >= progressThreshold:
            StandardOutput.writeError(
                "opossum: pull: bundle \(bundle) applied, \(count(eventCount, "event")) so far, head-office "
                    + "position \(summary.hubCursor)"
            )
        case .pushing, .pushed, .pulling, .pulled:
            break
        }
    }

    /// The lines describing a push: what was sent and how it was judged, without the
    /// rejections (see ``lines(rejections:)``).
    static func lines(_ push: PushReport) -> [String] {
        guard push.eventCount > 0 || !push.verdicts.isEmpty else { return ["nothing to push"] }
        let fresh = push.verdicts.filter { !$0.isDuplicate }
        var line =
            "pushed \(count(push.eventCount, "event")) in \(count(push.verdicts.count, "decision")): "
            + "\(push.accepted.count) accepted, \(push.rejected.count) rejected"
        if fresh.count < push.verdicts.count {
            line += ", \(push.verdicts.count - fresh.count) already judged"
        }
        return [line]
    }

    /// The line describing a pull.
    static func lines(_ pull: PullReport) -> [String] {
        let verdicts = pull.verdicts.isEmpty ? "" : " and \(count(pull.verdicts.count, "verdict"))"
        return ["pulled \(count(pull.eventCount, "event"))\(verdicts); up to head-office position \(pull.hubCursor)"]
    }

    /// One line per rejected decision, with the reason.
    static func lines(rejections: [Verdict]) -> [String] {
        rejections.map { verdict in
            let range = verdict.originRange
            let positions =
                range.lowerBound == range.upperBound
                ? "position \(range.lowerBound)" : "positions \(range.lowerBound)-\(range.upperBound)"
            return "rejected: the decision at \(positions): \(verdict.reason ?? "no reason given")"
        }
    }

    /// Prints what a push, a pull or both did — readable lines (a sync, doing both, ends
    /// with the closing line), or one JSON object — and returns the exit code it calls for.
    static func print(pushed: PushReport?, pulled: PullReport?, rejections: [Verdict], json: Bool) throws -> Int32 {
        let closing = closing(rejections: rejections)
        let output = StandardOutput()
        if json {
            try output.writeLine(Self.json(pushed: pushed, pulled: pulled, rejections: rejections))
        } else {
            let isSync = pushed != nil && pulled != nil
            let lines =
                (pushed.map(lines) ?? []) + (pulled.map(lines) ?? []) + lines(rejections: rejections)
                + (isSync ? [closing.line] : [])
            for line in lines { try output.writeLine(line) }
        }
        try output.flush()
        return closing.exitCode
    }

    /// The closing line and exit code of a run that found `rejections`.
    static func closing(rejections: [Verdict]) -> (line: String, exitCode: Int32) {
        guard !rejections.isEmpty else { return ("synced", 0) }
        return (
            "\(count(rejections.count, "decision")) rejected by head office: review with `opossum rejections`",
            rejectionsExitCode
        )
    }

    /// The rejections a sync learned of, once each: from the push's answers and from the
    /// verdicts the pull recorded.
    static func rejections(_ report: SyncReport) -> [Verdict] {
        var seen = Set<UInt64>()
        return (report.pushed.rejected + report.pulled.rejections).filter { seen.insert($0.number).inserted }
    }

    /// A report as one JSON object, for scripts.
    static func json(pushed: PushReport?, pulled: PullReport?, rejections: [Verdict]) -> String {
        var fields: [(String, String)] = []
        if let pushed {
            fields += [
                ("pushedEvents", String(pushed.eventCount)),
                ("accepted", String(pushed.accepted.count)),
                ("rejected", String(pushed.rejected.count)),
                ("alreadyJudged", String(pushed.verdicts.filter(\.isDuplicate).count)),
            ]
        }
        if let pulled {
            fields += [
                ("pulledEvents", String(pulled.eventCount)),
                ("verdictsReceived", String(pulled.verdicts.count)),
                ("hubCursor", String(pulled.hubCursor)),
            ]
        }
        fields.append(("rejections", "[" + rejections.map { SyncPeers.line($0) }.joined(separator: ",") + "]"))
        return "{" + fields.map { "\(JSONText.string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// `n thing` or `n things`, with thousands separated.
    private static func count(_ value: Int, _ noun: String) -> String {
        var digits = String(value)
        var index = digits.endIndex
        while digits.distance(from: digits.startIndex, to: index) > 3 {
            index = digits.index(index, offsetBy: -3)
            digits.insert(",", at: index)
        }
        return "\(digits) \(noun)\(value == 1 ? "" : "s")"
    }
}
