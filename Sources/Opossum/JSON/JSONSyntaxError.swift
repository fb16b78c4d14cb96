/// Where and why some bytes are not the JSON they should be.
package struct JSONSyntaxError: Error, Sendable {
    /// The byte offset of the problem in the scanned text.
    package let offset: Int
    /// What was expected or found there.
    package let reason: String
}
