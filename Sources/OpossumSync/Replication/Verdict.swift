public import Foundation
public import Opossum

/// The hub's judgement of one batch a site pushed: accepted, with where it landed
/// in the hub's log, or rejected, with why.
///
/// Verdicts are numbered per site, from 1, in the order the hub judged the batches;
/// a site counts how many it has received, and tells the hub with each decision.
public struct Verdict: Codable, Hashable, Sendable {
    /// What the hub decided.
    public enum Outcome: String, Codable, Hashable, Sendable {
        /// The decision still holds at the hub; its events are in the hub's log.
        case accepted
        /// The decision rested on facts that did not hold at the hub; its events are
        /// kept in quarantine at the hub and hidden at the site.
        case rejected
    }

    /// An event that made a rejected decision stale.
    public struct Conflict: Codable, Hashable, Sendable {
        /// The conflicting event's id.
        public var eventId: UUID
        /// Its type, for the message.
        public var type: String
        /// Its position at the hub.
        public var hubPosition: Position
        /// Why it conflicts: an event the site had not seen, or an earlier decision of
        /// the same site that the hub rejected.
        public var kind: Kind

        /// Why an event conflicts with a decision.
        public enum Kind: String, Codable, Hashable, Sendable {
            /// Appended at the hub (from elsewhere) after what the site had pulled.
            case unseenHubEvent
            /// One of the site's own earlier events, rejected by the hub.
            case rejectedOwnEvent
        }
    }

    /// The verdict's number among this site's verdicts, from 1.
    public var number: UInt64
    /// The site's position of the batch's first event.
    public var originFirst: Position
    /// How many events the batch holds.
    public var count: Int
    /// Accepted or rejected.
    public var outcome: Outcome
    /// Where the batch's first event is in the hub's log: in its visible log when
    /// accepted, in quarantine when rejected.
    public var hubFirst: Position
    /// For a rejection: why, in words a technician understands.
    public var reason: String?
    /// For a rejection: the events that conflicted (at most a few).
    public var conflicts: [Conflict]

    /// The site positions the batch covers.
    public var originRange: ClosedRange<Position> {
        originFirst...Position(originFirst.rawValue + UInt64(count) - 1)
    }
}

extension Verdict {
    private enum CodingKeys: String, CodingKey {
        case number, originFirst, count, outcome, hubFirst, reason, conflicts
    }

    /// Decodes a verdict, refusing one that names no batch: numbers and positions
    /// start at 1, and a batch holds at least one event.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        number = try container.decode(UInt64.self, forKey: .number)
        originFirst = try container.decode(Position.self, forKey: .originFirst)
        count = try container.decode(Int.self, forKey: .count)
        outcome = try container.decode(Outcome.self, forKey: .outcome)
        hubFirst = try container.decode(Position.self, forKey: .hubFirst)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        conflicts = try container.decode([Conflict].self, forKey: .conflicts)
        guard number >= 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: .number,
                in: container,
                debugDescription: "verdict number \(number): verdicts are numbered from 1"
            )
        }
        guard Self.isBatch(first: originFirst, count: count), Self.isBatch(first: hubFirst, count: count) else {
            throw DecodingError.dataCorruptedError(
                forKey: .count,
                in: container,
                debugDescription: "verdict \(number) covers \(count) events from site position \(originFirst) "
                    + "(head-office position \(hubFirst)): a batch holds at least one event, at positions from 1"
            )
        }
    }

    /// Whether `count` events from `first` are a batch: at least one, at positions from 1.
    static func isBatch(first: Position, count: Int) -> Bool {
        count >= 1 && first.rawValue >= 1 && first.rawValue <= UInt64.max - UInt64(count)
    }
}

/// The answer to one batch of a push.
public struct BatchVerdict: Codable, Hashable, Sendable {
    /// The verdict.
    public var verdict: Verdict
    /// Whether the batch had been judged before (a resent push): the stored verdict
    /// is returned unchanged.
    public var isDuplicate: Bool

    /// Makes an answer.
    public init(verdict: Verdict, isDuplicate: Bool) {
        self.verdict = verdict
        self.isDuplicate = isDuplicate
    }
}
