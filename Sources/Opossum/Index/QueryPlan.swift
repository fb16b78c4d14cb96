/// A query resolved against a snapshot of the index: the position lists it combines.
struct QueryPlan: Sendable {
    /// How lists combine.
    indirect enum Node: Sendable {
        /// Every position from 1 through `head`.
        case all(head: UInt64)
        /// The positions of one type or tag.
        case list(ChunkedArray<UInt64>)
        /// Positions in any child; no children means nothing matches.
        case union([Node])
        /// Positions in every child.
        case intersection([Node])
        /// Positions of the child that are not hidden.
        case visible(Node, HiddenPositions)
    }

    let root: Node

    /// A cursor over the matching positions, in the given direction.
    func cursor(backwards: Bool) -> PositionCursor {
        Self.cursor(for: root, backwards: backwards)
    }

    private static func cursor(for node: Node, backwards: Bool) -> PositionCursor {
        switch node {
        case .all(let head):
            return RangeCursor(head: head, backwards: backwards)
        case .list(let list):
            return ListCursor(list, backwards: backwards)
        case .union(let children):
            switch children.count {
            case 0: return EmptyCursor(backwards: backwards)
            case 1: return cursor(for: children[0], backwards: backwards)
            default: return UnionCursor(children.map { cursor(for: $0, backwards: backwards) }, backwards: backwards)
            }
        case .intersection(let children):
            return IntersectionCursor(children.map { cursor(for: $0, backwards: backwards) }, backwards: backwards)
        case .visible(let child, let hidden):
            return VisibleCursor(cursor(for: child, backwards: backwards), hiding: hidden, backwards: backwards)
        }
    }

    /// The lowest matching position greater than `after` (or any, without `after`):
    /// what decides whether an append condition fails.
    func firstMatch(after: UInt64?) -> UInt64? {
        guard let after else { return cursor(backwards: false).seek(1) }
        return after == .max ? nil : cursor(backwards: false).seek(after + 1)
    }
}
