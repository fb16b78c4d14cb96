/// An error from synchronisation: a bundle refused, an identity missing, a peer
/// not enrolled. It names the bundle or file involved and says what to do.
public struct SyncError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a closed set that programs can switch over.
    public enum Code: String, Hashable, Sendable {
        /// The bundle ends early: it was cut off while being written or copied.
        case truncated
        /// The bundle's bytes do not match its checksum: it was damaged.
        case damaged
        /// The signature does not verify with the sender's registered key.
        case forged
        /// The bundle comes from a store that is not enrolled here.
        case unknownSource
        /// The bundle is meant for another store.
        case wrongTarget
        /// The bundle needs a newer Opossum: a higher version or an unknown capability.
        case unsupported
        /// The bundle is well signed but its content breaks the bundle format.
        case malformed
        /// The bundle does not follow on from what this store has: an earlier bundle is
        /// missing, or the other side is behind.
        case outOfOrder
        /// The bundle is a push where a pull was expected, or the other way round.
        case wrongKind
        /// The store has no signing identity, or its key file is damaged, or a public
        /// identity given for enrolment has no valid key.
        case identity
        /// The store is not a hub, but the operation needs one.
        case notAHub
        /// The store is already a hub: it cannot be made one again, nor join another hub.
        case alreadyAHub
        /// The site is already enrolled at the hub; remove it first to enrol it again.
        case alreadyEnrolled
        /// No site with that store id (or name) is enrolled at the hub.
        case unknownSite
        /// The enrolment is malformed, meant for another store, or would pair a store with itself.
        case invalidEnrolment
        /// The store has already joined another hub; joining a new one must be asked for.
        case alreadyJoined
        /// Reading or writing a file failed.
        case io
    }

    /// What went wrong.
    public let code: Code
    /// A sentence for people, naming what is involved.
    public let message: String
    /// The file involved, if any.
    public let path: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    /// The message, followed by the file involved.
    public var description: String {
        guard let path else { return message }
        return "\(message) (\(path))"
    }
}
