/// Walks the positions that match a query, in one direction, without materialising them.
///
/// Cursors form a tree mirroring the query: a query is the union of its items, an
/// item the intersection of its type union and its tag lists. `seek` moves a cursor
/// to the first position at or beyond a target — `>=` forwards, `<=` backwards — so
/// an intersection can leapfrog between its lists and a read or a condition check
/// costs time in proportion to the matching events, not the store's size.
class PositionCursor {
    /// Whether the cursor walks from high positions to low ones.
    let backwards: Bool

    init(backwards: Bool) {
        self.backwards = backwards
    }

    /// The first position at or beyond `target` in the cursor's direction, or `nil`.
    /// Targets must not go back against the direction between calls.
    func seek(_ target: UInt64) -> UInt64? {
        fatalError("abstract")
    }

    /// Whether `candidate` lies beyond `current` in this cursor's direction.
    @inline(__always)
    final func isBeyond(_ candidate: UInt64, _ current: UInt64) -> Bool {
        backwards ? candidate < current : candidate > current
    }
}

/// Every position from 1 to the head: `Query.all`.
final class RangeCursor: PositionCursor {
    private let head: UInt64

    init(head: UInt64, backwards: Bool) {
        self.head = head
        super.init(backwards: backwards)
    }

    override func seek(_ target: UInt64) -> UInt64? {
        if backwards {
            let position = min(target, head)
            return position >= 1 ? position : nil
        }
        let position = max(target, 1)
        return position <= head ? position : nil
    }
}

/// One sorted index list: the positions of one type or one tag.
final class ListCursor: PositionCursor {
    private let list: ChunkedArray<UInt64>
    /// Forwards: the next index to consider. Backwards: one past it.
    private var index: Int

    init(_ list: ChunkedArray<UInt64>, backwards: Bool) {
        self.list = list
        self.index = backwards ? list.count : 0
        super.init(backwards: backwards)
    }

    override func seek(_ target: UInt64) -> UInt64? {
        if backwards {
            // The last element <= target, at or before index - 1.
            guard index > 0 else { return nil }
            if list[index - 1] <= target { return list[index - 1] }
            index = list.lowerBound(of: target + 1, in: 0..<index)
            return index > 0 ? list[index - 1] : nil
        }
        guard index < list.count else { return nil }
        if list[index] >= target { return list[index] }
        index = gallop(to: target)
        return index < list.count ? list[index] : nil
    }

    /// The first index at or after `index` whose element is `>= target`, found by
    /// doubling steps then bisecting: cheap when the target is near.
    private func gallop(to target: UInt64) -> Int {
        var low = index
        var step = 1
        var high = index + step
        while high < list.count && list[high] < target {
            low = high
            step <<= 1
            high = low + step
        }
        // Here list[low] < target, and list[high] >= target unless high is past the end.
        return list.lowerBound(of: target, in: low..<(high < list.count ? high + 1 : list.count))
    }
}

/// Positions in any of several cursors: the OR of query items or of item types.
final class UnionCursor: PositionCursor {
    private let children: [PositionCursor]
    private var heads: [UInt64?]

    init(_ children: [PositionCursor], backwards: Bool) {
        self.children = children
        self.heads = Array(repeating: nil, count: children.count)
        super.init(backwards: backwards)
    }

    override func seek(_ target: UInt64) -> UInt64? {
        var best: UInt64?
        for (offset, child) in children.enumerated() {
            // A child already at or beyond the target keeps its place.
            if let head = heads[offset], head == target || isBeyond(head, target) {
                if best == nil || isBeyond(best!, head) { best = head }
                continue
            }
            let head = child.seek(target)
            heads[offset] = head
            if let head, best == nil || isBeyond(best!, head) { best = head }
        }
        return best
    }
}

/// Positions in all of several cursors: the AND of an item's tags and types.
final class IntersectionCursor: PositionCursor {
    private let children: [PositionCursor]

    init(_ children: [PositionCursor], backwards: Bool) {
        self.children = children
        super.init(backwards: backwards)
    }

    override func seek(_ target: UInt64) -> UInt64? {
        var candidate = target
        var agreeing = 0
        var index = 0
        // Leapfrog: each child jumps to the candidate; one that lands beyond it
        // proposes a new candidate, until every child agrees.
        while agreeing < children.count {
            guard let position = children[index].seek(candidate) else { return nil }
            if position == candidate {
                agreeing += 1
            } else {
                candidate = position
                agreeing = 1
            }
            index = (index + 1) % children.count
        }
        return candidate
    }
}

/// The positions of a child cursor that are not hidden: what applications see.
final class VisibleCursor: PositionCursor {
    private let child: PositionCursor
    private let system: ListCursor
    private let hidden: HiddenPositions

    init(_ child: PositionCursor, hiding hidden: HiddenPositions, backwards: Bool) {
        self.child = child
        self.system = ListCursor(hidden.system, backwards: backwards)
        self.hidden = hidden
        super.init(backwards: backwards)
    }

    override func seek(_ target: UInt64) -> UInt64? {
        var target = target
        while let position = child.seek(target) {
            if let range = hidden.range(containing: position) {
                // Skip the whole withdrawn range at once.
                guard backwards ? range.lowerBound > 1 : range.upperBound < .max else { return nil }
                target = backwards ? range.lowerBound - 1 : range.upperBound + 1
            } else if system.seek(position) == position {
                guard backwards ? position > 1 : position < .max else { return nil }
                target = backwards ? position - 1 : position + 1
            } else {
                return position
            }
        }
        return nil
    }
}

/// The positions of a child cursor that are not in a list: all events but those
/// copied from one store, say.
final class ExcludingCursor: PositionCursor {
    private let child: PositionCursor
    private let excluded: ListCursor

    init(_ child: PositionCursor, excluding list: ChunkedArray<UInt64>, backwards: Bool) {
        self.child = child
        self.excluded = ListCursor(list, backwards: backwards)
        super.init(backwards: backwards)
    }

    override func seek(_ target: UInt64) -> UInt64? {
        var target = target
        while let position = child.seek(target) {
            guard excluded.seek(position) == position else { return position }
            guard backwards ? position > 1 : position < .max else { return nil }
            target = backwards ? position - 1 : position + 1
        }
        return nil
    }
}

/// No positions at all: a query naming a type or tag the store has never seen.
final class EmptyCursor: PositionCursor {
    override func seek(_ target: UInt64) -> UInt64? { nil }
}
