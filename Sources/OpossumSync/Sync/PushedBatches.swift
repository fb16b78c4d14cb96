import Opossum

/// The batches of a push as its lines are read, checked as they come: each complete,
/// in increasing site order, and made only of the site's own events.
struct PushedBatches {
    let site: PublicIdentity
    let path: String
    /// Batches read and not yet taken; the last may still be missing events.
    private var batches: [(BundleLine.PushedBatch, [SequencedEvent])] = []

    init(site: PublicIdentity, path: String) {
        self.site = site
        self.path = path
    }

    /// Adds the next lines of the push.
    mutating func add(_ lines: [BundleLine]) throws {
        for line in lines {
            switch line {
            case .batch(let batch):
                if let previous = batches.last {
                    guard previous.1.count == previous.0.count, batch.originFirst > previous.0.originFirst else {
                        throw SyncError(.malformed, "the push's batches are incomplete or out of order", path: path)
                    }
                }
                guard batch.count > 0 else { throw SyncError(.malformed, "a batch of the push is empty", path: path) }
                batches.append((batch, []))
            case .event(let event, _, _):
                guard event.origin == nil else {
                    throw SyncError(
                        .malformed,
                        "\(site.name) pushed an event of another store (\(event.origin!.storeId)); a site pushes only its own",
                        path: path
                    )
                }
                guard let open = batches.indices.last,
                    batches[open].1.count < batches[open].0.count,
                    event.position.rawValue == batches[open].0.originFirst.rawValue + UInt64(batches[open].1.count)
                else {
                    throw SyncError(.malformed, "an event of the push is outside its batch", path: path)
                }
                batches[open].1.append(event)
            case .verdict, .storedLine:
                throw SyncError(.malformed, "a push carries no verdicts", path: path)
            }
        }
    }

    /// Takes the batches that are complete; `atEnd`, all must be.
    mutating func takeComplete(atEnd: Bool) throws -> [(BundleLine.PushedBatch, [SequencedEvent])] {
        let complete = batches.prefix { $0.1.count == $0.0.count }.count
        if atEnd && complete < batches.count {
            throw SyncError(.malformed, "a batch of the push is missing events", path: path)
        }
        defer { batches.removeFirst(complete) }
        return Array(batches.prefix(complete))
    }
}
