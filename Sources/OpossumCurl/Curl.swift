import CCurl

/// The process-wide libcurl state.
///
/// `curl_global_init` must run once per process before any handle is made, and is not
/// safe to race with itself: a `static let` is initialised exactly once, on first use,
/// under the runtime's `swift_once`, whichever thread gets there first.
enum Curl {
    /// The result of the one `curl_global_init` call of this process.
    static let initialization: CURLcode = curl_global_init(opossum_curl_global_default())

    /// Runs `curl_global_init` if it has not run yet.
    ///
    /// - Throws: ``CurlFailure`` if libcurl could not initialise (out of memory, or a
    ///   TLS library that failed to load).
    static func initialize() throws(CurlFailure) {
        let code = initialization
        guard code == CURLE_OK else { throw CurlFailure(code, operation: "curl_global_init") }
    }

}
