/// An error in maintaining or reading a projection, naming the projection, the
/// event position and the file involved.
public struct ProjectionError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a closed set that programs can switch over.
    public enum Code: String, Hashable, Sendable {
        /// The definition's `apply` threw for the event at ``ProjectionError/position``.
        case applyFailed
        /// The projection's files are damaged or unreadable; a rebuild recreates them.
        case corrupted
        /// Reading events or writing the projection's files failed.
        case storage
        /// The definition is unusable, such as an empty event type.
        case invalidDefinition
        /// Another runner already runs a projection of this name in this process.
        case duplicateName
    }

    /// What went wrong.
    public let code: Code
    /// The name of the projection.
    public let projection: String
    /// The position of the event involved, if any.
    public let position: Position?
    /// The file involved, if any.
    public let path: String?
    /// The error that caused this one, such as the error `apply` threw.
    public let underlying: (any Error)?

    /// Creates an error.
    public init(
        _ code: Code,
        projection: String,
        position: Position? = nil,
        path: String? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.projection = projection
        self.position = position
        self.path = path
        self.underlying = underlying
    }

    /// A sentence naming the projection, the position, the file and the cause.
    public var description: String {
        var text: String
        switch code {
        case .applyFailed: text = "projection \(projection.debugDescription) failed to apply an event"
        case .corrupted: text = "projection \(projection.debugDescription) has damaged files"
        case .storage: text = "projection \(projection.debugDescription) could not read or write its data"
        case .invalidDefinition: text = "projection \(projection.debugDescription) has an unusable definition"
        case .duplicateName: text = "projection \(projection.debugDescription) is already registered"
        }
        if let position { text += " at position \(position)" }
        if let path { text += " (\(path))" }
        if let underlying { text += ": \(underlying)" }
        return text
    }

    /// Wraps an error from the store or the file system, keeping a projection error as it is.
    static func wrapping(_ error: any Error, projection: String, path: String? = nil) -> ProjectionError {
        if let error = error as? ProjectionError { return error }
        let storeError = error as? EventStoreError
        let code: Code = storeError?.code == .corrupted ? .corrupted : .storage
        return ProjectionError(code, projection: projection, path: storeError?.path ?? path, underlying: error)
    }
}

/// Where a projection stands, as ``ProjectionRunner/status()`` reports it.
public struct ProjectionStatus: Sendable, CustomStringConvertible {
    /// What a projection is doing.
    public enum Phase: Sendable {
        /// Opening its files.
        case starting
        /// Replaying the log into a new generation; reads return the previous state.
        case rebuilding(done: Position, head: Position)
        /// Applying new events as they are committed.
        case running
        /// Another process maintains the projection; this one only reads it.
        case readOnly
        /// Stopped by an error; reads return the last committed state.
        case failed(ProjectionError)
        /// Stopped by ``ProjectionRunner/stop()``.
        case stopped
    }

    /// The projection's name.
    public let name: String
    /// What the projection is doing.
    public let phase: Phase
    /// The position of the last event applied to the state that reads return.
    public let checkpoint: Position

    /// The name, phase and checkpoint.
    public var description: String { "\(name): \(phase) at \(checkpoint)" }
}

/// Something a ``ProjectionRunner`` tells its observers, in ``ProjectionRunner/reports``.
public enum ProjectionReport: Sendable {
    /// A rebuild of `projection` has replayed the log up to `done`, of `head` events.
    case rebuildProgress(projection: String, done: Position, head: Position)
    /// A rebuild of `projection` was swapped in, complete up to `checkpoint`.
    case rebuildFinished(projection: String, checkpoint: Position)
    /// Another process holds `projection`; this runner only reads it.
    case readOnly(projection: String)
    /// The projection stopped on an error; its committed state is unchanged.
    case failed(ProjectionError)
}
