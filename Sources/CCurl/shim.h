#ifndef OPOSSUM_CCURL_SHIM_H
#define OPOSSUM_CCURL_SHIM_H

#include <curl/curl.h>

// Swift cannot call C variadic functions, so each kind of argument that
// `curl_easy_setopt` and `curl_easy_getinfo` take gets a typed wrapper here
// (like swift-system's CSystem and GRDB's GRDBSQLite). The option decides the
// kind; see the libcurl manual page of each option.

/// `curl_easy_setopt` for an option that takes a `long`.
static inline CURLcode opossum_curl_easy_setopt_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}

/// `curl_easy_setopt` for an option that takes a `char *` (libcurl copies it).
static inline CURLcode opossum_curl_easy_setopt_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}

/// `curl_easy_setopt` for an option that takes an opaque pointer (`*DATA`, `ERRORBUFFER`).
static inline CURLcode opossum_curl_easy_setopt_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}

/// `curl_easy_setopt` for an option that takes a `struct curl_slist *`.
static inline CURLcode opossum_curl_easy_setopt_slist(CURL *curl, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(curl, option, value);
}

/// `curl_easy_setopt` for an option that takes a `curl_off_t` (`*_LARGE`).
static inline CURLcode opossum_curl_easy_setopt_off_t(CURL *curl, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(curl, option, value);
}

/// `curl_easy_setopt(curl, CURLOPT_READFUNCTION, callback)`.
static inline CURLcode opossum_curl_easy_setopt_read_callback(CURL *curl, curl_read_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_READFUNCTION, callback);
}

/// `curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, callback)`.
static inline CURLcode opossum_curl_easy_setopt_seek_callback(CURL *curl, curl_seek_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, callback);
}

/// `curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, callback)`.
static inline CURLcode opossum_curl_easy_setopt_write_callback(CURL *curl, curl_write_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, callback);
}

/// `curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, callback)`.
static inline CURLcode opossum_curl_easy_setopt_header_callback(CURL *curl, curl_write_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, callback);
}

/// `curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, callback)`.
static inline CURLcode opossum_curl_easy_setopt_xferinfo_callback(CURL *curl, curl_xferinfo_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, callback);
}

/// `curl_easy_getinfo` for information of type `long`.
static inline CURLcode opossum_curl_easy_getinfo_long(CURL *curl, CURLINFO info, long *value) {
    return curl_easy_getinfo(curl, info, value);
}

/// `curl_easy_getinfo` for information of type `double`.
static inline CURLcode opossum_curl_easy_getinfo_double(CURL *curl, CURLINFO info, double *value) {
    return curl_easy_getinfo(curl, info, value);
}

/// `curl_easy_getinfo` for information of type `curl_off_t` (`*_T`).
static inline CURLcode opossum_curl_easy_getinfo_off_t(CURL *curl, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(curl, info, value);
}

/// `curl_easy_getinfo` for information of type `char *` (owned by the handle).
static inline CURLcode opossum_curl_easy_getinfo_string(CURL *curl, CURLINFO info, char **value) {
    return curl_easy_getinfo(curl, info, value);
}

/// `CURL_GLOBAL_DEFAULT`, a macro Swift does not import.
static inline long opossum_curl_global_default(void) {
    return CURL_GLOBAL_DEFAULT;
}

/// `CURL_READFUNC_ABORT`: returned by a read callback to abort the transfer.
static inline size_t opossum_curl_readfunc_abort(void) {
    return CURL_READFUNC_ABORT;
}

/// `CURL_SEEKFUNC_OK`, `CURL_SEEKFUNC_FAIL` and `CURL_SEEKFUNC_CANTSEEK`.
static inline int opossum_curl_seekfunc_ok(void) { return CURL_SEEKFUNC_OK; }
static inline int opossum_curl_seekfunc_cantseek(void) { return CURL_SEEKFUNC_CANTSEEK; }

#endif
