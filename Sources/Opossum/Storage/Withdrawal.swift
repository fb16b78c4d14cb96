/// The system event that withdraws events an application has already seen, such as
/// a decision the hub rejected: from then on they are hidden from reads, conditions
/// and subscriptions, and projections that applied them rebuild.
///
/// Any system event with `$hide` tags hides the ranges they name; this type marks a
/// withdrawal of events that *were* visible, which projections must undo.
package enum Withdrawal {
    /// The withdrawal event's type.
    package static let eventType = "$withdrawn"

    /// A withdrawal of `ranges`.
    package static func event(hiding ranges: [ClosedRange<Position>]) -> Event {
        Event(type: eventType, tags: ranges.map(hideTag))
    }

    /// The `$hide` tag for `range`.
    package static func hideTag(_ range: ClosedRange<Position>) -> Tag {
        Tag(HiddenPositions.hideTagKey, HiddenPositions.tagValue(range.lowerBound.rawValue...range.upperBound.rawValue))
    }

    /// The ranges a withdrawal event hides.
    package static func ranges(of event: Event) -> [ClosedRange<Position>] {
        event.tags.compactMap { tag in
            guard tag.key == HiddenPositions.hideTagKey, let range = HiddenPositions.range(tag.value) else {
                return nil
            }
            return Position(range.lowerBound)...Position(range.upperBound)
        }
    }
}
