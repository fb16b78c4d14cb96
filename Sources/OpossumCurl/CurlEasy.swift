import CCurl

/// One libcurl easy handle: the options and the state of one transfer.
///
/// Not thread-safe, like the handle it wraps: a transfer makes it, uses it and lets it
/// go on its own thread. Every `set` turns libcurl's `CURLcode` into a ``CurlFailure``
/// naming the option, so a refused option (a TLS feature the installed libcurl lacks,
/// say) is reported, never ignored.
final class CurlEasy {
    /// The `CURL *`.
    let handle: UnsafeMutableRawPointer
    /// Where libcurl writes the detailed message of its last error (`CURLOPT_ERRORBUFFER`).
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// The request headers, which libcurl reads until the handle is cleaned up.
    private var headers: UnsafeMutablePointer<curl_slist>?

    /// Makes a handle, initialising libcurl first if need be.
    init() throws(CurlFailure) {
        try Curl.initialize()
        guard let handle = curl_easy_init() else {
            throw CurlFailure(CURLE_FAILED_INIT, operation: "curl_easy_init")
        }
        self.handle = handle
        let size = Int(CURL_ERROR_SIZE)
        errorBuffer = .allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headers)
        errorBuffer.deallocate()
    }

    // MARK: Options

    /// Sets an option that takes a `long`. The corresponding C call is `curl_easy_setopt`.
    func set(_ option: CURLoption, _ value: Int) throws(CurlFailure) {
        try check(opossum_curl_easy_setopt_long(handle, option, value), option)
    }

    /// Sets an option that takes a `bool` as a `long`.
    func set(_ option: CURLoption, _ value: Bool) throws(CurlFailure) {
        try set(option, value ? 1 : 0)
    }

    /// Sets an option that takes a string; libcurl keeps its own copy.
    func set(_ option: CURLoption, _ value: String) throws(CurlFailure) {
        try check(opossum_curl_easy_setopt_string(handle, option, value), option)
    }

    /// Sets an option that takes a `curl_off_t` (the `*_LARGE` options).
    func set(_ option: CURLoption, large value: Int64) throws(CurlFailure) {
        try check(opossum_curl_easy_setopt_off_t(handle, option, curl_off_t(value)), option)
    }

    /// Sets an option that takes an opaque pointer: the `*DATA` of a callback.
    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlFailure) {
        try check(opossum_curl_easy_setopt_pointer(handle, option, pointer), option)
    }

    /// Sets the request headers (`CURLOPT_HTTPHEADER`), each a `Name: value` line. A
    /// `Name:` line with no value removes a header libcurl would add itself.
    func setHeaders(_ lines: [String]) throws(CurlFailure) {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for line in lines {
            guard let longer = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw CurlFailure(CURLE_OUT_OF_MEMORY, operation: "curl_slist_append")
            }
            list = longer
        }
        do {
            try check(opossum_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, list), CURLOPT_HTTPHEADER)
        } catch {
            curl_slist_free_all(list)
            throw error
        }
        curl_slist_free_all(headers)
        headers = list
    }

    /// Sets `CURLOPT_READFUNCTION`.
    func setReadFunction(_ function: curl_read_callback) throws(CurlFailure) {
        try check(opossum_curl_easy_setopt_read_callback(handle, function), CURLOPT_READFUNCTION)
    }

    /// Sets `CURLOPT_SEEKFUNCTION`.
    func setSeekFunction(_ function: curl_seek_callback) throws(CurlFailure) {
        try check(opossum_curl_easy_setopt_seek_callback(handle, function), CURLOPT_SEEKFUNCTION)
    }

    /// Sets `CURLOPT_WRITEFUNCTION`.
    func setWriteFunction(_ function: curl_write_callback) throws(CurlFailure) {
        try check(opossum_curl_easy_setopt_write_callback(handle, function), CURLOPT_WRITEFUNCTION)
    }

    /// Sets `CURLOPT_HEADERFUNCTION`.
    func setHeaderFunction(_ function: curl_write_callback) throws(CurlFailure) {
        try check(opossum_curl_easy_setopt_header_callback(handle, function), CURLOPT_HEADERFUNCTION)
    }

    /// Sets `CURLOPT_XFERINFOFUNCTION`.
    func setTransferInfoFunction(_ function: curl_xferinfo_callback) throws(CurlFailure) {
        try check(opossum_curl_easy_setopt_xferinfo_callback(handle, function), CURLOPT_XFERINFOFUNCTION)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(CurlFailure) {
        guard code == CURLE_OK else {
            throw CurlFailure(code, operation: "curl_easy_setopt(option \(option.rawValue))")
        }
    }

    // MARK: Information

    /// Information of type `long`, or `nil` if libcurl has none.
    /// The corresponding C call is `curl_easy_getinfo`.
    func long(_ info: CURLINFO) -> Int? {
        var value = 0
        return opossum_curl_easy_getinfo_long(handle, info, &value) == CURLE_OK ? value : nil
    }

    /// Information of type `curl_off_t` (the `*_T` infos), or `nil` if libcurl has none.
    func offset(_ info: CURLINFO) -> Int64? {
        var value: curl_off_t = 0
        return opossum_curl_easy_getinfo_off_t(handle, info, &value) == CURLE_OK ? Int64(value) : nil
    }

    /// Information of type `double`, or `nil` if libcurl has none.
    func double(_ info: CURLINFO) -> Double? {
        var value = 0.0
        return opossum_curl_easy_getinfo_double(handle, info, &value) == CURLE_OK ? value : nil
    }

    /// The detailed message of the last failed transfer, as in `Failed to connect to
    /// 127.0.0.1 port 9 after 0 ms: Couldn't connect to server`; empty if none.
    var errorText: String {
        String(cString: errorBuffer)
    }
}
