/// What a full verification of a store found.
public struct CheckReport: Hashable, Sendable {
    /// One problem, with the file and byte offset involved when there is one.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// The file involved, relative to the store directory.
        public var file: String?
        /// The byte offset in ``file``.
        public var offset: UInt64?

        /// Creates a problem.
        public init(_ message: String, file: String? = nil, offset: UInt64? = nil) {
            self.message = message
            self.file = file
            self.offset = offset
        }

        /// The problem as one line: file, offset and message.
        public var description: String {
            guard let file else { return message }
            guard let offset else { return "\(file): \(message)" }
            return "\(file) at byte \(offset): \(message)"
        }
    }

    /// How many events were read and verified.
    public var eventsVerified: UInt64
    /// How many segment files were read.
    public var segmentsVerified: Int
    /// Everything found wrong; empty when the store is healthy.
    public var problems: [Problem]
    /// What was found that needs no repair because the store mends it on its next
    /// open, such as an index checkpoint a power cut left torn (the checkpoint is a
    /// cache, rebuilt from the log). It does not make the store unhealthy.
    public var notices: [Problem] = []

    /// Whether nothing was found wrong.
    public var isHealthy: Bool { problems.isEmpty }
}
