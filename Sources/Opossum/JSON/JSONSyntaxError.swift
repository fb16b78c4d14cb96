/// Where and why some bytes are not the JSON they should be.
struct JSONSyntaxError: Error, Sendable {
    /// The byte offset of the problem in the scanned text.
    let offset: Int
    /// What was expected or found there.
    let reason: String
}
