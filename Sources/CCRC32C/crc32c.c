#include "crc32c.h"

#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#include <wmmintrin.h>
#elif defined(__aarch64__) && defined(__linux__)
#include <arm_acle.h>
#include <sys/auxv.h>
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif
#endif

static uint32_t table[8][256];

static void build_table(void) {
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; bit++) crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        table[0][byte] = crc;
    }
    for (int slice = 1; slice < 8; slice++)
        for (int byte = 0; byte < 256; byte++)
            table[slice][byte] = (table[slice - 1][byte] >> 8) ^ table[0][table[slice - 1][byte] & 0xFF];
}

static uint32_t software(uint32_t crc, const unsigned char *p, size_t n) {
    while (n >= 8) {
        uint32_t low, high;
        memcpy(&low, p, 4);
        memcpy(&high, p + 4, 4);
        low ^= crc;
        crc = table[7][low & 0xFF] ^ table[6][(low >> 8) & 0xFF] ^ table[5][(low >> 16) & 0xFF] ^ table[4][low >> 24]
            ^ table[3][high & 0xFF] ^ table[2][(high >> 8) & 0xFF] ^ table[1][(high >> 16) & 0xFF] ^ table[0][high >> 24];
        p += 8;
        n -= 8;
    }
    while (n--) crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xFF];
    return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t hardware(uint32_t crc, const unsigned char *p, size_t n) {
    uint64_t wide = crc;
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        wide = _mm_crc32_u64(wide, word);
        p += 8;
        n -= 8;
    }
    crc = (uint32_t)wide;
    while (n--) crc = _mm_crc32_u8(crc, *p++);
    return crc;
}
static int has_hardware(void) { return __builtin_cpu_supports("sse4.2"); }

// Three interleaved streams. One `crc32` instruction takes three cycles before the
// next in its chain can start but one cycle of the unit's time, so three independent
// chains, over three consecutive blocks, run in the time of one. The blocks' CRCs are
// then joined: carried past the `n` bytes that follow it, a block's CRC becomes its own
// CRC times x^(8n) modulo the polynomial (one carry-less multiplication by the constant
// x^(8n - 33) mod P, then one `crc32` of the 64-bit product), and the carried CRCs
// combine with the last block's by exclusive or.
#define MAXIMUM_BLOCK_WORDS 512
#define MINIMUM_BLOCK_WORDS 8
// shift_constants[w] is x^(64w - 33) mod P, bit-reflected: it moves a CRC past w words.
static uint32_t shift_constants[2 * MAXIMUM_BLOCK_WORDS + 1];

static void build_shift_constants(void) {
    // x^31 (the least power used, for w = 1), then 64 more factors of x for each next w.
    // Bit-reflected, x^0 is the top bit and multiplying by x shifts right, reducing by P.
    uint32_t power = 0x80000000u;
    for (int step = 0; step < 31; step++) power = (power >> 1) ^ ((power & 1) ? 0x82F63B78u : 0);
    for (int words = 1; words <= 2 * MAXIMUM_BLOCK_WORDS; words++) {
        shift_constants[words] = power;
        for (int step = 0; step < 64; step++) power = (power >> 1) ^ ((power & 1) ? 0x82F63B78u : 0);
    }
}

__attribute__((target("sse4.2,pclmul"))) static uint32_t shifted(uint32_t crc, size_t words) {
    __m128i product = _mm_clmulepi64_si128(
        _mm_cvtsi32_si128((int)crc), _mm_cvtsi32_si128((int)shift_constants[words]), 0);
    return (uint32_t)_mm_crc32_u64(0, (uint64_t)_mm_cvtsi128_si64(product));
}

__attribute__((target("sse4.2,pclmul"))) static uint32_t interleaved(uint32_t crc, const unsigned char *p, size_t n) {
    while (n >= 3 * 8 * MINIMUM_BLOCK_WORDS) {
        size_t words = n / 24 < MAXIMUM_BLOCK_WORDS ? n / 24 : MAXIMUM_BLOCK_WORDS;
        const unsigned char *second = p + 8 * words, *third = p + 16 * words;
        uint64_t first_crc = crc, second_crc = 0, third_crc = 0;
        for (size_t index = 0; index < words; index++) {
            uint64_t a, b, c;
            memcpy(&a, p + 8 * index, 8);
            memcpy(&b, second + 8 * index, 8);
            memcpy(&c, third + 8 * index, 8);
            first_crc = _mm_crc32_u64(first_crc, a);
            second_crc = _mm_crc32_u64(second_crc, b);
            third_crc = _mm_crc32_u64(third_crc, c);
        }
        crc = shifted((uint32_t)first_crc, 2 * words) ^ shifted((uint32_t)second_crc, words) ^ (uint32_t)third_crc;
        p += 24 * words;
        n -= 24 * words;
    }
    return hardware(crc, p, n);
}
static int has_interleaved(void) { return has_hardware() && __builtin_cpu_supports("pclmul"); }
#elif defined(__aarch64__) && defined(__linux__)
__attribute__((target("crc"))) static uint32_t hardware(uint32_t crc, const unsigned char *p, size_t n) {
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        crc = __crc32cd(crc, word);
        p += 8;
        n -= 8;
    }
    while (n--) crc = __crc32cb(crc, *p++);
    return crc;
}
static int has_hardware(void) { return (getauxval(AT_HWCAP) & HWCAP_CRC32) != 0; }
static void build_shift_constants(void) {}
static uint32_t interleaved(uint32_t crc, const unsigned char *p, size_t n) { return hardware(crc, p, n); }
static int has_interleaved(void) { return 0; }
#else
static uint32_t hardware(uint32_t crc, const unsigned char *p, size_t n) { return software(crc, p, n); }
static int has_hardware(void) { return 0; }
static void build_shift_constants(void) {}
static uint32_t interleaved(uint32_t crc, const unsigned char *p, size_t n) { return hardware(crc, p, n); }
static int has_interleaved(void) { return 0; }
#endif

// Chosen once, before main, so the hot path is one indirect call.
static uint32_t (*implementation)(uint32_t, const unsigned char *, size_t) = software;

__attribute__((constructor)) static void choose_implementation(void) {
    build_table();
    if (has_interleaved()) {
        build_shift_constants();
        implementation = interleaved;
    } else {
        implementation = has_hardware() ? hardware : software;
    }
}

uint32_t opossum_crc32c(uint32_t crc, const void *data, size_t length) {
    return ~implementation(~crc, (const unsigned char *)data, length);
}
