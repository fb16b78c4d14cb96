/// An error from an event store, with a stable ``code`` for programs and a message
/// for people that names the file, position or value involved.
public struct EventStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a closed set that programs can switch over.
    public enum Code: String, Hashable, Sendable {
        /// An event to append is malformed: empty type, invalid JSON data, no events.
        case invalidEvent
        /// A tag is malformed: empty key, or a key containing `:`.
        case invalidTag
        /// A query or read option is malformed.
        case invalidQuery
        /// An event is larger than ``FileEventStore/Limits/maximumEventSize``.
        case eventTooLarge
        /// An event carries more tags than ``FileEventStore/Limits/maximumTagsPerEvent``.
        case tooManyTags
        /// A tag's key and value are longer than ``FileEventStore/Limits/maximumTagSize``.
        case tagTooLarge
        /// An append holds more events than ``FileEventStore/Limits/maximumEventsPerBatch``.
        case tooManyEvents
        /// An append is larger than ``FileEventStore/Limits/maximumBatchSize``.
        case batchTooLarge
        /// The store already has ``FileEventStore/Limits/maximumSubscriptions`` open.
        case tooManySubscriptions
        /// The directory is not an Opossum store.
        case notAStore
        /// The directory already holds a store.
        case alreadyExists
        /// The store was written by a newer Opossum with a format this version cannot read.
        case unsupportedFormat
        /// Data on disk is damaged: a checksum mismatch or malformed line inside committed data.
        case corrupted
        /// An operating-system call failed (disk full, I/O error, permission denied, ...).
        case io
        /// The store was closed, or a failed flush left it needing to re-open first.
        case closed

        /// Whether the code is one of the ``FileEventStore/Limits`` being exceeded: a
        /// refusal of what was asked, not damage, that asking again cannot change.
        public var isLimitExceeded: Bool {
            switch self {
            case .eventTooLarge, .tooManyTags, .tagTooLarge, .tooManyEvents, .batchTooLarge, .tooManySubscriptions:
                true
            default:
                false
            }
        }

        /// Whether the code refuses what was asked (a malformed event, tag or query, or
        /// a limit exceeded) rather than reports a failure of the store: asking again
        /// the same way cannot succeed.
        public var isRefusal: Bool {
            switch self {
            case .invalidEvent, .invalidTag, .invalidQuery: true
            default: isLimitExceeded
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// A sentence for people, naming what is involved.
    public let message: String
    /// The file involved, if any.
    public let path: String?
    /// The byte offset in ``path`` involved, if any.
    public let offset: UInt64?
    /// The operating-system error number, for ``Code/io``.
    public let errno: Int32?

    /// Creates an error.
    public init(_ code: Code, _ message: String, path: String? = nil, offset: UInt64? = nil, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
        self.errno = errno
    }

    /// The message, followed by the file and byte offset involved.
    public var description: String {
        var text = message
        if let path {
            text += " (\(path)"
            if let offset { text += " at byte \(offset)" }
            text += ")"
        }
        return text
    }
}
