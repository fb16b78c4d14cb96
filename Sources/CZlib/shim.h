#ifndef OPOSSUM_CZLIB_SHIM_H
#define OPOSSUM_CZLIB_SHIM_H

#include <zlib.h>

/// Starts a gzip (not raw deflate) compressor at `level`: zlib's deflateInit2 is a
/// macro, which Swift cannot call.
static inline int czlib_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

/// Starts a decompressor that accepts gzip (and zlib) streams.
static inline int czlib_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}

#endif
