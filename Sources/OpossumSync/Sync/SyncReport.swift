/// What a push sent and what the hub answered, over all the bundles it took.
public struct PushReport: Hashable, Sendable {
    /// How many bundles were sent.
    public var bundleCount = 0
    /// How many of the site's events they carried.
    public var eventCount = 0
    /// The hub's answers, in the order the batches were sent.
    public var verdicts: [BatchVerdict] = []

    /// Makes an empty report.
    public init() {}

    /// The batches accepted by this push (not counting ones judged before).
    public var accepted: [Verdict] {
        verdicts.filter { !$0.isDuplicate && $0.verdict.outcome == .accepted }.map(\.verdict)
    }

    /// The batches rejected by this push (not counting ones judged before).
    public var rejected: [Verdict] {
        verdicts.filter { !$0.isDuplicate && $0.verdict.outcome == .rejected }.map(\.verdict)
    }
}

/// What a pull brought, over all the bundles it took.
public struct PullReport: Hashable, Sendable {
    /// How many bundles were fetched.
    public var bundleCount = 0
    /// How many hub events were appended.
    public var eventCount = 0
    /// The verdicts on this site's batches that arrived, in the hub's order.
    public var verdicts: [Verdict] = []
    /// The hub position the site has pulled up to.
    public var hubCursor: UInt64 = 0

    /// Makes an empty report.
    public init() {}

    /// The rejections that arrived: decisions the technician should review.
    public var rejections: [Verdict] {
        verdicts.filter { $0.outcome == .rejected }
    }
}

/// What one sync did: the push, the pull, and a second round when the app appended
/// while the first ran.
public struct SyncReport: Hashable, Sendable {
    /// The pushes, summed.
    public var pushed = PushReport()
    /// The pulls, summed.
    public var pulled = PullReport()

    /// Makes an empty report.
    public init() {}
}

/// What a long sync is doing, for a progress display.
public enum SyncProgress: Hashable, Sendable {
    /// Another sync of the same store is running; this one waits for it.
    case waitingForAnotherSync
    /// A push bundle of `eventCount` events is being sent (bundle `bundle`, from 1).
    case pushing(bundle: Int, eventCount: Int)
    /// The hub answered a push bundle; `eventCount` events sent in all so far.
    case pushed(bundle: Int, eventCount: Int, receipt: PushReceipt)
    /// A pull bundle is being fetched (bundle `bundle`, from 1), after hub position `cursor`.
    case pulling(bundle: Int, cursor: UInt64)
    /// A pull bundle was applied; `eventCount` events received in all so far.
    case pulled(bundle: Int, eventCount: Int, summary: PullSummary)
}
