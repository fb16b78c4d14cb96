import Foundation

/// One segment file as the index knows it.
struct SegmentEntry: Sendable {
    /// The position of the segment's first event; also its file name.
    let firstPosition: UInt64
    /// Each event's byte offset in the file, by `position - firstPosition`.
    var offsets = ChunkedArray<UInt32>()
    /// The end of the segment's committed data: where the next commit group goes.
    var end: UInt64 = 0

    /// The segment's file name, `Events/<first position, 10 digits>.jsonl`.
    var fileName: String { SegmentEntry.fileName(firstPosition: firstPosition) }

    /// The position after the segment's last event.
    var endPosition: UInt64 { firstPosition + UInt64(offsets.count) }

    /// The file name of the segment starting at `firstPosition`.
    static func fileName(firstPosition: UInt64) -> String {
        let digits = String(firstPosition)
        return String(repeating: "0", count: max(0, 10 - digits.count)) + digits + ".jsonl"
    }

    /// The first position named by a segment file name, or `nil` for other files.
    static func firstPosition(fileName: String) -> UInt64? {
        guard fileName.hasSuffix(".jsonl") else { return nil }
        let digits = fileName.dropLast(6)
        guard digits.count >= 10, digits.allSatisfy(\.isASCII), let value = UInt64(digits), value > 0 else {
            return nil
        }
        return value
    }
}

/// Where a committed event's line is.
struct LineLocation: Sendable {
    /// The index of the segment in ``EventIndex/segments``.
    var segment: Int
    /// The byte offset of the line.
    var offset: UInt64
    /// The line's length, including its newline.
    var length: Int
}

/// The segment files of a log up to a head: where each committed event's line is.
struct SegmentTable: Sendable {
    var segments: [SegmentEntry]
    var head: UInt64

    /// Where the line of a committed `position` is.
    func location(of position: UInt64) -> LineLocation? {
        guard position >= 1, position <= head else { return nil }
        var low = 0
        var high = segments.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if segments[middle].firstPosition <= position { low = middle } else { high = middle }
        }
        let segment = segments[low]
        let index = Int(position - segment.firstPosition)
        guard index < segment.offsets.count else { return nil }
        let offset = UInt64(segment.offsets[index])
        let end = index + 1 < segment.offsets.count ? UInt64(segment.offsets[index + 1]) : segment.end
        return LineLocation(segment: low, offset: offset, length: Int(end - offset))
    }
}

/// The derived data that makes reads and conditions cost O(matching events): the
/// positions of each type and each tag, and each position's place in the segments.
///
/// It is rebuilt from the log whenever it is missing or doubtful, and persisted as a
/// checkpoint so that opening a large store is quick. Guarded by the store's mutex.
struct EventIndex: Sendable {
    /// The last committed position covered; 0 when empty.
    var head: UInt64 = 0
    /// The segment files, in position order.
    var segments: [SegmentEntry] = []
    /// The positions of each event type.
    var types: [ByteString: ChunkedArray<UInt64>] = [:]
    /// The positions of each tag.
    var tags: [Tag: ChunkedArray<UInt64>] = [:]
    /// System events and withdrawn events, which queries leave out.
    var hidden = HiddenPositions()
    /// The positions of events copied from each other store, by its id: what sync
    /// needs to tell a store's own events from those it received.
    var origins: [UUID: ChunkedArray<UInt64>] = [:]

    /// Adds an empty segment starting at the next position.
    mutating func startSegment() {
        segments.append(SegmentEntry(firstPosition: head + 1))
    }

    /// Adds the event at `head + 1`, whose line starts at `offset` in the last segment.
    mutating func add(type: String, tags eventTags: [Tag], origin: EventOrigin? = nil, offset: UInt64) {
        let position = head + 1
        segments[segments.count - 1].offsets.append(UInt32(offset))
        types[ByteString(type), default: ChunkedArray()].append(position)
        for tag in eventTags {
            // The same tag twice on one event is indexed once.
            tags[tag, default: ChunkedArray()].appendUnlessLast(position)
        }
        hidden.record(position: position, type: type, tags: eventTags)
        if let origin { origins[origin.storeId, default: ChunkedArray()].append(position) }
        head = position
    }

    /// The segments and head, which is all that locating lines needs.
    var table: SegmentTable { SegmentTable(segments: segments, head: head) }

    /// The part of the index a query needs, copied cheaply so the query can run
    /// without holding the store's lock.
    func plan(for query: Query, includingHidden: Bool = false) -> QueryPlan {
        let root: QueryPlan.Node
        switch query.selection {
        case .all:
            root = .all(head: head)
        case .items(let items):
            root = .union(items.map(plan(for:)))
        }
        return QueryPlan(root: hidden.isEmpty || includingHidden ? root : .visible(root, hidden))
    }

    /// The lowest visible position after `after` (or any, without `after`) that
    /// `query` matches: what decides whether an append condition fails.
    ///
    /// The usual condition, one tag in a store with nothing hidden, is one binary
    /// search of that tag's positions, without building a plan.
    func firstMatch(of query: Query, after: UInt64?) -> UInt64? {
        if hidden.isEmpty, case .items(let items) = query.selection, items.count == 1, items[0].types.isEmpty,
            items[0].tags.count == 1
        {
            guard let list = tags[items[0].tags[0]], let last = list.last else { return nil }
            guard let after else { return list[0] }
            guard after < last else { return nil }
            return list[list.lowerBound(of: after + 1, in: 0..<list.count)]
        }
        return plan(for: query).firstMatch(after: after)
    }

    private func plan(for item: QueryItem) -> QueryPlan.Node {
        var parts: [QueryPlan.Node] = []
        if !item.types.isEmpty {
            let lists = item.types.compactMap { types[ByteString($0)] }
            parts.append(.union(lists.map(QueryPlan.Node.list)))
        }
        for tag in item.tags {
            guard let list = tags[tag] else { return .union([]) }
            parts.append(.list(list))
        }
        return parts.count == 1 ? parts[0] : .intersection(parts)
    }
}
