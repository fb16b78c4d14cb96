/// The events a commit group has accepted so far, not yet written: what a later
/// append's condition in the same group must also see.
///
/// A small group is scanned, skipping each batch whose summary (a bit per tag and per
/// type it holds, by hash) shows it cannot match. Past ``lookupThreshold`` events, they are
/// also looked up by tag and by type, the way the store's index is, so that each
/// condition costs its matches rather than a scan of every event accepted before it:
/// a group of *n* conditional appends would otherwise check *n*²/2 events.
///
/// System events are left out: they are invisible to conditions, as they are to reads.
struct AcceptedEvents {
    /// How many visible events a group holds before they are looked up rather than
    /// scanned: below it, filling the lookup tables costs more than the scan saves.
    static let lookupThreshold = 64

    /// An accepted event: its batch in ``batches`` and its place in that batch.
    private struct Entry {
        let batch: Int
        let offset: Int
    }

    /// The lists of entries by tag and by type, each in position order.
    private struct Lookup {
        var byTag: [Tag: [Entry]] = [:]
        var byType: [ByteString: [Entry]] = [:]

        mutating func add(_ event: Event, at entry: Entry) {
            byType[ByteString(event.type), default: []].append(entry)
            for tag in event.tags {
                // An event holding a tag twice is listed once.
                if let last = byTag[tag]?.last, last.batch == entry.batch, last.offset == entry.offset { continue }
                byTag[tag, default: []].append(entry)
            }
        }
    }

    /// An accepted batch: its first position, its events, and which tags and types
    /// its visible events may hold, one bit of 64 each by hash.
    private struct Batch {
        let first: UInt64
        let events: [Event]
        var tagBits: UInt64 = 0
        var typeBits: UInt64 = 0
    }

    /// The accepted batches, in position order.
    private var batches: [Batch] = []
    /// How many visible events the batches hold.
    private var visibleCount = 0
    /// Built once the group holds more than ``lookupThreshold`` visible events.
    private var lookup: Lookup?

    /// Whether the group has accepted no visible event yet.
    var isEmpty: Bool { visibleCount == 0 }

    /// Adds a batch accepted at positions `first`, `first + 1`, …; its positions must
    /// follow every position added before.
    mutating func add(_ events: [Event], from first: UInt64) {
        var added = Batch(first: first, events: events)
        let batch = batches.count
        for offset in events.indices where !HiddenPositions.isReserved(events[offset].type) {
            visibleCount += 1
            added.typeBits |= Self.bit(ByteString(events[offset].type))
            for tag in events[offset].tags { added.tagBits |= Self.bit(tag) }
            lookup?.add(events[offset], at: Entry(batch: batch, offset: offset))
        }
        batches.append(added)
        if lookup == nil && visibleCount > Self.lookupThreshold {
            var built = Lookup()
            for batch in batches.indices {
                let events = batches[batch].events
                for offset in events.indices where !HiddenPositions.isReserved(events[offset].type) {
                    built.add(events[offset], at: Entry(batch: batch, offset: offset))
                }
            }
            lookup = built
        }
    }

    /// The lowest position after `after` whose event matches `query`, if any.
    func firstMatch(of query: Query, after: UInt64) -> UInt64? {
        guard visibleCount > 0 else { return nil }
        guard let lookup, !query.isAll else { return firstScanned(query, after: after) }
        var lowest: UInt64?
        for item in query.items {
            if let match = firstMatch(of: item, after: after, in: lookup), match < lowest ?? .max { lowest = match }
        }
        return lowest
    }

    /// The bit that stands for `value` in a batch's summary.
    private static func bit(_ value: some Hashable) -> UInt64 {
        1 << UInt64(truncatingIfNeeded: value.hashValue & 63)
    }

    /// The bits one of which a batch's summary must have for `item` to match an event
    /// in it: its first tag's, then (for an item of types) one of its types'.
    private static func bits(of item: QueryItem) -> (tag: UInt64, types: UInt64) {
        let tag = item.tags.first.map(bit) ?? 0
        let types = item.types.reduce(UInt64(0)) { $0 | bit(ByteString($1)) }
        return (tag, types)
    }

    /// The first match found by looking at every event after `after`, in order, in the
    /// batches whose summary allows one.
    private func firstScanned(_ query: Query, after: UInt64) -> UInt64? {
        let itemBits = query.items.map(Self.bits(of:))
        func mayMatch(_ batch: Batch) -> Bool {
            // `Query.all` has no items and matches any batch.
            itemBits.isEmpty
                || itemBits.contains { bits in
                    (bits.tag == 0 || batch.tagBits & bits.tag != 0)
                        && (bits.types == 0 || batch.typeBits & bits.types != 0)
                }
        }
        // By index, without binding a batch or an event: each copy would retain its parts.
        for batch in batches.indices
        where batches[batch].first + UInt64(batches[batch].events.count) - 1 > after && mayMatch(batches[batch]) {
            let first = batches[batch].first
            for offset in batches[batch].events.indices where first + UInt64(offset) > after {
                if !HiddenPositions.isReserved(batches[batch].events[offset].type)
                    && query.matches(batches[batch].events[offset])
                {
                    return first + UInt64(offset)
                }
            }
        }
        return nil
    }

    private func firstMatch(of item: QueryItem, after: UInt64, in lookup: Lookup) -> UInt64? {
        if let tag = item.tags.first {
            // Every match holds the item's first tag; the rest of the item is checked on each.
            guard let list = lookup.byTag[tag] else { return nil }
            for entry in list[firstEntry(in: list, after: after)...] where item.matches(event(at: entry)) {
                return position(of: entry)
            }
            return nil
        }
        var lowest: UInt64?
        for type in item.types {
            guard let list = lookup.byType[ByteString(type)] else { continue }
            let first = firstEntry(in: list, after: after)
            if first < list.count, position(of: list[first]) < lowest ?? .max { lowest = position(of: list[first]) }
        }
        return lowest
    }

    private func position(of entry: Entry) -> UInt64 {
        batches[entry.batch].first + UInt64(entry.offset)
    }

    private func event(at entry: Entry) -> Event {
        batches[entry.batch].events[entry.offset]
    }

    /// The index in `list` of the first entry whose position is after `after`, or
    /// `list.count`; `list` is in position order.
    private func firstEntry(in list: [Entry], after: UInt64) -> Int {
        var low = 0
        var count = list.count
        while count > 0 {
            let half = count / 2
            if position(of: list[low + half]) <= after {
                low += half + 1
                count -= half + 1
            } else {
                count = half
            }
        }
        return low
    }
}
