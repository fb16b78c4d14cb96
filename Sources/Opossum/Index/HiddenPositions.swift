/// The positions no application read, condition, subscription or projection sees.
///
/// Two kinds of event are hidden. *System events* are Opossum's own records kept in
/// the log — sync cursors and verdicts — so that they commit atomically with the
/// events they describe; their types start with `$`. *Hidden ranges* are events
/// that a later system event withdrew, such as a decision the hub rejected: such an
/// event names them in `$hide` tags (`$hide:FIRST-LAST`). Both are derived from the
/// log, so rebuilding the index rebuilds them.
struct HiddenPositions: Sendable {
    /// The first byte of reserved event types and tag keys.
    static let reservedPrefix = UInt8(ascii: "$")
    /// The tag key with which a system event hides a range of positions.
    static let hideTagKey = "$hide"

    /// Positions of system events, ascending.
    private(set) var system = ChunkedArray<UInt64>()
    /// Withdrawn ranges, ascending and disjoint.
    private(set) var ranges: [ClosedRange<UInt64>] = []

    /// Whether nothing is hidden: queries then need no filtering.
    var isEmpty: Bool { system.count == 0 && ranges.isEmpty }

    /// Whether `name` (an event type or tag key) is reserved for Opossum's own records.
    static func isReserved(_ name: String) -> Bool {
        name.utf8.first == reservedPrefix
    }

    /// Notes the event appended at `position`.
    mutating func record(position: UInt64, type: String, tags: [Tag]) {
        guard Self.isReserved(type) else { return }
        system.append(position)
        for tag in tags where tag.key == Self.hideTagKey {
            if let range = Self.range(tag.value) { hide(range) }
        }
    }

    /// Hides `range`, merging it with the ranges it touches.
    mutating func hide(_ range: ClosedRange<UInt64>) {
        var merged = range
        var kept: [ClosedRange<UInt64>] = []
        kept.reserveCapacity(ranges.count + 1)
        for existing in ranges {
            if existing.upperBound &+ 1 < merged.lowerBound || merged.upperBound &+ 1 < existing.lowerBound {
                kept.append(existing)
            } else {
                merged = min(existing.lowerBound, merged.lowerBound)...max(existing.upperBound, merged.upperBound)
            }
        }
        let index = kept.firstIndex { $0.lowerBound > merged.upperBound } ?? kept.endIndex
        kept.insert(merged, at: index)
        ranges = kept
    }

    /// The withdrawn range that holds `position`, if any.
    func range(containing position: UInt64) -> ClosedRange<UInt64>? {
        // The last range starting at or before the position is the only candidate.
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].lowerBound <= position { low = middle + 1 } else { high = middle }
        }
        guard low > 0, ranges[low - 1].contains(position) else { return nil }
        return ranges[low - 1]
    }

    /// The range a `$hide` tag value names, `FIRST-LAST`, or `nil` if malformed.
    static func range(_ value: String) -> ClosedRange<UInt64>? {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let first = UInt64(parts[0]), let last = UInt64(parts[1]), first >= 1,
            first <= last
        else { return nil }
        return first...last
    }

    /// The `$hide` tag value for `range`.
    static func tagValue(_ range: ClosedRange<UInt64>) -> String {
        "\(range.lowerBound)-\(range.upperBound)"
    }

    /// Rebuilds the hidden positions of an index loaded from a checkpoint, from its
    /// type and tag lists.
    static func derived(types: [ByteString: ChunkedArray<UInt64>], tags: [Tag: ChunkedArray<UInt64>]) -> Self {
        var hidden = HiddenPositions()
        var system: [UInt64] = []
        for (type, positions) in types where isReserved(type.text) {
            for index in 0..<positions.count { system.append(positions[index]) }
        }
        for position in system.sorted() { hidden.system.append(position) }
        for (tag, _) in tags where tag.key == hideTagKey {
            if let range = range(tag.value) { hidden.hide(range) }
        }
        return hidden
    }
}
