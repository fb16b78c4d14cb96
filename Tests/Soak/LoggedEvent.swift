import Foundation

/// One event as `opossum read` prints it, with what the soak looks at.
struct LoggedEvent: Sendable {
    /// Where an event copied by sync was first appended.
    struct Origin: Hashable, Sendable {
        /// The store it was first appended to (lowercase).
        let storeId: String
        /// Its position there.
        let position: UInt64
    }

    /// Its position in the store it was read from.
    let position: UInt64
    /// Its type.
    let type: String
    /// Its tags, `key:value`.
    let tags: [String]
    /// The `quantity` in its data, 0 when it has none.
    let quantity: Int
    /// `metadata.eventId` (lowercase): the same event has the same id in every store.
    let eventId: String
    /// Where it was first appended, for an event that sync copied here; `nil` for the
    /// store's own events.
    let origin: Origin?

    /// A line of `opossum read` output that is not an event as documented.
    struct Malformed: Error, CustomStringConvertible {
        let line: String
        var description: String { "not an event line of `opossum read`: \(line)" }
    }

    /// Parses a line of `opossum read` output.
    init(line: String) throws {
        guard
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
            let position = object["position"] as? Int,
            let type = object["type"] as? String,
            let tags = object["tags"] as? [String],
            let metadata = object["metadata"] as? [String: Any],
            let eventId = metadata["eventId"] as? String
        else { throw Malformed(line: line) }
        self.position = UInt64(position)
        self.type = type
        self.tags = tags
        self.quantity = ((object["data"] as? [String: Any])?["quantity"] as? Int) ?? 0
        self.eventId = eventId.lowercased()
        if let origin = object["origin"] as? [String: Any] {
            guard let storeId = origin["storeId"] as? String, let position = origin["position"] as? Int else {
                throw Malformed(line: line)
            }
            self.origin = Origin(storeId: storeId.lowercased(), position: UInt64(position))
        } else {
            self.origin = nil
        }
    }
}
