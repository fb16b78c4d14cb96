/// Why a hub server cannot start: the store is not a hub, the TLS files cannot be
/// used, or the spool directory cannot be made.
public struct HubServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a closed set that programs can switch over.
    public enum Code: String, Hashable, Sendable {
        /// The store is not a hub; make it one with `opossum hub init`.
        case notAHub
        /// The configuration is unusable: a port out of range, a limit below 1.
        case invalidConfiguration
        /// The certificate chain or private key cannot be read or used.
        case tls
        /// The spool directory cannot be made.
        case io
    }

    /// What went wrong.
    public let code: Code
    /// One line saying what happened, naming the file or store involved.
    public let message: String

    /// Makes an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
