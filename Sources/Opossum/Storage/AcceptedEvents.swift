/// The events a commit group has accepted so far, not yet written: what a later
/// append's condition in the same group must also see.
///
/// Looked up by tag and by type, the way the store's index is, so that each condition
/// costs its matches rather than a scan of every event accepted before it: a group of
/// *n* conditional appends would otherwise check *n*²/2 events.
///
/// System events are left out: they are invisible to conditions, as they are to reads.
struct AcceptedEvents {
    /// The visible events in position order.
    private var entries: [(position: UInt64, event: Event)] = []
    /// For each tag, the entries holding it, in position order.
    private var byTag: [Tag: [Int]] = [:]
    /// For each type, the entries of that type, in position order.
    private var byType: [ByteString: [Int]] = [:]

    /// Whether the group has accepted no visible event yet.
    var isEmpty: Bool { entries.isEmpty }

    /// Adds a batch accepted at positions `first`, `first + 1`, …; its positions must
    /// follow every position added before.
    mutating func add(_ events: [Event], from first: UInt64) {
        for offset in events.indices where !HiddenPositions.isReserved(events[offset].type) {
            let entry = entries.count
            let event = events[offset]
            entries.append((first + UInt64(offset), event))
            byType[ByteString(event.type), default: []].append(entry)
            for tag in event.tags {
                // An event holding a tag twice is listed once.
                if byTag[tag]?.last != entry { byTag[tag, default: []].append(entry) }
            }
        }
    }

    /// The lowest position after `after` whose event matches `query`, if any.
    func firstMatch(of query: Query, after: UInt64) -> UInt64? {
        guard !entries.isEmpty else { return nil }
        if query.isAll {
            let first = firstEntry(in: entries.indices, after: after)
            return first < entries.count ? entries[first].position : nil
        }
        var lowest: UInt64?
        for item in query.items {
            if let match = firstMatch(of: item, after: after), match < lowest ?? .max { lowest = match }
        }
        return lowest
    }

    private func firstMatch(of item: QueryItem, after: UInt64) -> UInt64? {
        if let tag = item.tags.first {
            // Every match holds the item's first tag; the rest of the item is checked on each.
            guard let list = byTag[tag] else { return nil }
            for entry in list[firstEntry(in: list, after: after)...] where item.matches(entries[entry].event) {
                return entries[entry].position
            }
            return nil
        }
        var lowest: UInt64?
        for type in item.types {
            guard let list = byType[ByteString(type)] else { continue }
            let first = firstEntry(in: list, after: after)
            if first < list.count, entries[list[first]].position < lowest ?? .max {
                lowest = entries[list[first]].position
            }
        }
        return lowest
    }

    /// The index in `list` of the first entry whose position is after `after`, or
    /// `list.endIndex`; `list` holds entries in position order.
    private func firstEntry<List: RandomAccessCollection<Int>>(in list: List, after: UInt64) -> List.Index {
        var low = list.startIndex
        var count = list.count
        while count > 0 {
            let half = count / 2
            let middle = list.index(low, offsetBy: half)
            if entries[list[middle]].position <= after {
                low = list.index(after: middle)
                count -= half + 1
            } else {
                count = half
            }
        }
        return low
    }
}
