import CCurl

/// A libcurl call that returned an error code: what was asked, and libcurl's words.
struct CurlFailure: Error, CustomStringConvertible {
    /// libcurl's code.
    let code: CURLcode
    /// What was being done, as in `curl_easy_setopt(CURLOPT_CAINFO)`.
    let operation: String

    init(_ code: CURLcode, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// libcurl's description of the code, as in `Couldn't connect to server`.
    var text: String {
        String(cString: curl_easy_strerror(code))
    }

    var description: String {
        "\(operation) failed: \(text) (curl error \(code.rawValue))"
    }
}
