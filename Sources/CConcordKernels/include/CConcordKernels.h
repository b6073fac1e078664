// Numeric kernels Concord's Swift code calls where the Swift compiler cannot emit the packed
// instructions: plain C, no intrinsics, so it builds for every architecture Swift does.
#ifndef CCONCORD_KERNELS_H
#define CCONCORD_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// One AdamW step on `count` contiguous parameters, reading and clearing their gradients:
///   x -= decay·x;  m = b1·m + ob1·g;  v = b2·v + ob2·g²;  x -= lr·(m / bc1) / (√(v / bc2) + eps);  g = 0.
/// Every operation is a single IEEE-754 single-precision operation, in this order, with no
/// contraction into fused multiply-adds, so the result equals the same loop written in Swift.
void concord_adam_step(float *restrict x, float *restrict m, float *restrict v, float *restrict g, size_t count,
                       float decay, float b1, float b2, float ob1, float ob2, float bc1, float bc2, float lr, float eps);

/// For each of `count` rows of `words` 64-bit words (row-major in `rows`; row `indices[n]`, or row
/// `n` when `indices` is NULL), the number of bits set in both `query` and the row, into `out[n]`.
/// Uses the processor's population-count instruction where it has one (checked at run time).
void concord_and_popcounts(const uint64_t *query, const uint64_t *rows, size_t words,
                           const int32_t *indices, size_t count, uint32_t *out);

#endif
