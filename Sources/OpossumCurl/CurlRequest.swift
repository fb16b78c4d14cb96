/// One exchange with the hub, as the transfer thread carries it out: each attempt of it
/// makes a fresh easy handle from this.
struct CurlRequest: Sendable {
    /// The HTTP method.
    enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    /// What the exchange is, for messages: `push`, `pull`, `status`.
    var name: String
    /// The method.
    var method: Method
    /// The full URL.
    var url: String
    /// Request headers, `Name: value` each.
    var headers: [String]
    /// The file streamed as the body of a POST.
    var bodyFile: String?
    /// Where the body of a `200` goes, through a temporary file next to it, renamed into
    /// place only when complete; `nil` keeps the body in memory.
    var destination: String?

    /// The temporary file of ``destination``: the same name with `.part`, in the same
    /// directory so that the rename is atomic. A fixed name rather than a unique one, so
    /// that a pull killed mid-way leaves at most one, which the next pull replaces.
    var temporaryDestination: String? {
        destination.map { $0 + ".part" }
    }
}
