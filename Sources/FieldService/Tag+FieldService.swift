public import Opossum

/// The tags field-service events are filed under, so every query spells them alike.
extension Tag {
    /// `workOrder:<id>`: every event about one work order.
    public static func workOrder(_ id: String) -> Tag { Tag("workOrder", id) }
    /// `technician:<id>`: assignments of one technician.
    public static func technician(_ id: String) -> Tag { Tag("technician", id) }
    /// `depot:<id>`: stock movements at one depot.
    public static func depot(_ id: String) -> Tag { Tag("depot", id) }
    /// `part:<sku>`: stock movements of one part.
    public static func part(_ sku: String) -> Tag { Tag("part", sku) }
    /// `reservation:<id>`: one reservation of parts and its release.
    public static func reservation(_ id: String) -> Tag { Tag("reservation", id) }
}
