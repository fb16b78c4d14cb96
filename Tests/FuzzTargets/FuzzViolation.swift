/// A property a fuzz harness checks that failed for some input.
package struct FuzzViolation: Error, CustomStringConvertible {
    /// What went wrong, naming the input's part and the values involved.
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
