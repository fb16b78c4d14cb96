// CRC-32C (Castagnoli) for Opossum's segment lines and index checkpoints.
#ifndef OPOSSUM_CRC32C_H
#define OPOSSUM_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/// Continues the CRC-32C `crc` (0 to start) over `length` bytes at `data`.
/// Uses the CPU's crc32 instruction where there is one (x86-64 SSE 4.2, ARMv8 CRC),
/// a slicing-by-8 table otherwise.
uint32_t opossum_crc32c(uint32_t crc, const void *data, size_t length);

#endif
