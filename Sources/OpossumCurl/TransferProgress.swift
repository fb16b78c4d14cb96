/// How far a transfer with the hub has come: what a progress bar shows.
///
/// Byte counts are of the current attempt: a retried transfer starts again from zero.
public struct TransferProgress: Hashable, Sendable {
    /// Which attempt this is, from 1.
    public var attempt: Int
    /// The request body bytes sent so far.
    public var bytesSent: Int64
    /// The request body's size, when there is one.
    public var bytesToSend: Int64?
    /// The response body bytes received so far.
    public var bytesReceived: Int64
    /// The response body's size, once the hub has said it (`Content-Length`).
    public var bytesToReceive: Int64?

    /// Makes a progress report.
    public init(attempt: Int, bytesSent: Int64, bytesToSend: Int64?, bytesReceived: Int64, bytesToReceive: Int64?) {
        self.attempt = attempt
        self.bytesSent = bytesSent
        self.bytesToSend = bytesToSend
        self.bytesReceived = bytesReceived
        self.bytesToReceive = bytesToReceive
    }
}
