// The declarations are all in the header; libFuzzer itself is linked by -sanitize=fuzzer.
#include "CLibFuzzer.h"
