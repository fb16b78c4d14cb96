public import Opossum

/// The hub's verdicts on a site's decisions as they arrive: how an app learns that a
/// decision it made offline was accepted at head office, or rejected and why.
///
/// It delivers the verdicts already received after a given number, then each new one
/// as a sync (by this process, a scheduled `opossum sync`, or a USB import) records it.
/// Like a subscription it is pulled and ends when the consuming task is cancelled.
///
/// ```swift
/// for try await verdict in SiteSync.verdicts(arrivingIn: store, after: lastSeen) where verdict.outcome == .rejected {
///     await inbox.show("Head office rejected: \(verdict.reason ?? "")")
/// }
/// ```
public struct VerdictStream: AsyncSequence, Sendable {
    /// The element type: verdicts, in the order the hub gave them.
    public typealias Element = Verdict

    let subscription: EventSubscription
    let after: UInt64

    /// Starts iterating.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: subscription.makeAsyncIterator(), after: after)
    }

    /// Iterates a ``VerdictStream``.
    public struct Iterator: AsyncIteratorProtocol {
        var base: EventSubscription.Iterator
        let after: UInt64

        /// The next verdict, waiting for it if need be; `nil` once the task is cancelled.
        public mutating func next() async throws -> Verdict? {
            let decoder = SyncRecords.decoder()
            while let record = try await base.next() {
                let verdict = try decoder.decode(Verdict.self, from: record.data)
                if verdict.number > after { return verdict }
            }
            return nil
        }
    }
}

extension SiteSync {
    /// The verdicts on `store`'s decisions numbered after `after`: those received so
    /// far, then each new one as it is recorded; see ``VerdictStream``.
    public static func verdicts(arrivingIn store: FileEventStore, after: UInt64 = 0) throws -> VerdictStream {
        let query = Query(try QueryItem(types: [SyncRecords.verdict]))
        return VerdictStream(subscription: store.subscribeIncludingHidden(query), after: after)
    }
}
