#include "CConcordKernels.h"

// The same loop twice: once compiled for the POPCNT instruction (x86-64 processors since 2008,
// chosen at run time), once portable (where the target has no population-count instruction, the
// compiler's bit-twiddling sequence). On other architectures the portable loop already compiles
// to the native instruction.
#define AND_POPCOUNTS_BODY                                                               \
    for (size_t n = 0; n < count; n++) {                                                 \
        const uint64_t *row = rows + (indices ? (size_t)indices[n] : n) * words;         \
        uint32_t common = 0;                                                             \
        for (size_t w = 0; w < words; w++) common += (uint32_t)__builtin_popcountll(query[w] & row[w]); \
        out[n] = common;                                                                 \
    }

static void and_popcounts_portable(const uint64_t *restrict query, const uint64_t *restrict rows, size_t words,
                                   const int32_t *restrict indices, size_t count, uint32_t *restrict out) {
    AND_POPCOUNTS_BODY
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("popcnt")))
static void and_popcounts_popcnt(const uint64_t *restrict query, const uint64_t *restrict rows, size_t words,
                                 const int32_t *restrict indices, size_t count, uint32_t *restrict out) {
    AND_POPCOUNTS_BODY
}
#endif

void concord_and_popcounts(const uint64_t *query, const uint64_t *rows, size_t words,
                           const int32_t *indices, size_t count, uint32_t *out) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("popcnt")) {
        and_popcounts_popcnt(query, rows, words, indices, count, out);
        return;
    }
#endif
    and_popcounts_portable(query, rows, words, indices, count, out);
}
