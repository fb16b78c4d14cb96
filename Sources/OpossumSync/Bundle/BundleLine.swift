import Foundation
import Opossum

/// One body line of a bundle, by its first key: a batch header, an event (a
/// segment-format line, see `TransferLine`), or a verdict.
enum BundleLine {
    case batch(PushedBatch)
    case event(SequencedEvent, batchFirst: Position, batchCount: Int)
    case verdict(Verdict)
    /// An event line copied as it is from the store's segment, for writing; reading
    /// it back gives an `.event`, so decoding never produces this case.
    case storedLine([UInt8])

    /// A pushed batch's header: where it starts, and its decision's condition in
    /// hub terms (DESIGN §7).
    struct PushedBatch: Codable, Hashable, Sendable {
        /// The site position of the batch's first event.
        var originFirst: Position
        /// How many events follow.
        var count: Int
        /// The condition the batch was appended under, if any.
        var condition: AppendCondition?
        /// The highest hub position the site had pulled at the decision's read point.
        var afterHub: UInt64
        /// The site's own position at the read point: its own events up to it were known.
        var ownKnown: UInt64
        /// How many verdicts the site had received at the read point.
        var verdictsSeen: UInt64
    }

    private static let batchPrefix = Array(#"{"batch":"#.utf8)
    private static let verdictPrefix = Array(#"{"verdict":"#.utf8)
    private static let eventPrefix = Array(#"{"position":"#.utf8)

    /// The line's bytes, without a newline.
    func encoded() throws -> [UInt8] {
        switch self {
        case .batch(let batch):
            return batch.line
        case .verdict(let verdict):
            return Array(try SyncRecords.encoder().encode(["verdict": verdict]))
        case .event(let event, let batchFirst, let batchCount):
            return TransferLine.encode(event, batchFirst: batchFirst, batchCount: batchCount)
        case .storedLine(let line):
            return line
        }
    }

    /// Decodes a body line of the bundle at `path`; a refusal names `lineNumber`, the
    /// line's number in the file, where it is given.
    static func decode(_ line: ArraySlice<UInt8>, path: String, lineNumber: Int? = nil) throws -> BundleLine {
        do {
            return try decodeLine(line, path: path)
        } catch let error as SyncError {
            guard let lineNumber else { throw error }
            throw SyncError(error.code, "\(error.message), on line \(lineNumber)", path: error.path ?? path)
        }
    }

    private static func decodeLine(_ line: ArraySlice<UInt8>, path: String) throws -> BundleLine {
        do {
            if line.starts(with: eventPrefix) {
                let (event, batchFirst, batchCount) = try TransferLine.decode(line)
                return .event(event, batchFirst: batchFirst, batchCount: batchCount)
            }
            if line.starts(with: batchPrefix) {
                let batch = try PushedBatch(line: line, path: path)
                guard Verdict.isBatch(first: batch.originFirst, count: batch.count) else {
                    throw SyncError(
                        .malformed,
                        "a pushed batch covers \(batch.count) events from position \(batch.originFirst): "
                            + "a batch holds at least one event, at positions from 1",
                        path: path
                    )
                }
                return .batch(batch)
            }
            if line.starts(with: verdictPrefix),
                let verdict = try SyncRecords.decoder().decode([String: Verdict].self, from: Data(line))["verdict"]
            {
                return .verdict(verdict)
            }
        } catch let error as SyncError {
            throw error
        } catch let error as JSONSyntaxError {
            throw SyncError(
                .malformed,
                "a bundle line is malformed: \(error.reason) at byte \(error.offset)",
                path: path
            )
        } catch {
            throw SyncError(.malformed, "a bundle line is malformed: \(error)", path: path)
        }
        throw SyncError(.malformed, "a bundle line is neither a batch, an event nor a verdict", path: path)
    }
}
