#include "CConcordKernels.h"

// Keep a·b + c as two roundings (as Swift computes it), on every architecture.
#pragma clang fp contract(off)

void concord_adam_step(float *restrict x, float *restrict m, float *restrict v, float *restrict g, size_t count,
                       float decay, float b1, float b2, float ob1, float ob2, float bc1, float bc2, float lr, float eps) {
    for (size_t i = 0; i < count; i++) {
        float grad = g[i];
        g[i] = 0.0f;
        float value = x[i];
        value -= decay * value;
        float mi = b1 * m[i] + ob1 * grad;
        float vi = b2 * v[i] + ob2 * grad * grad;
        m[i] = mi;
        v[i] = vi;
        // __builtin_elementwise_sqrt is the IEEE square root without errno, so the loop vectorises.
        value -= lr * (mi / bc1) / (__builtin_elementwise_sqrt(vi / bc2) + eps);
        x[i] = value;
    }
}
