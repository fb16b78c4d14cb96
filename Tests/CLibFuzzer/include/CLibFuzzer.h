#ifndef OPOSSUM_CLIBFUZZER_H
#define OPOSSUM_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, linked in by `-sanitize=fuzzer`: parses libFuzzer's options
/// from `argv` and fuzzes `callback` until told to stop.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
