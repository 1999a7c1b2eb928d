/* float32 gate kernels of one batch row, vectorized (gates_f32.c). The
 * float64 path keeps the scalar libm kernels of gates_impl.h. */
#ifndef FRNN_GATES_F32_H
#define FRNN_GATES_F32_H

#include <stdint.h>

/* Clipping of the LSTM cell: FRNN_CLIP_NONE, or clamp to [lo, hi] with
 * NaN kept (FRNN_CLIP_KEEP_NAN) or turned into lo (FRNN_CLIP_NAN_TO_LO). */
enum { FRNN_CLIP_NONE, FRNN_CLIP_KEEP_NAN, FRNN_CLIP_NAN_TO_LO };

/* One row of H units. a, b: input and recurrent gate terms (G*H each);
 * h: state row (read by GRU, written by all); o: output row or NULL; rr:
 * the row's reserve (gate values, H apart) or NULL; c: LSTM cell row. */
typedef struct {
    void (*lstm)(const float *a, const float *b, float *c, float *h, float *o, float *rr,
                 int64_t H, int clip, float lo, float hi);
    void (*gru)(const float *a, const float *b, const float *bhn, float *h, float *o,
                float *rr, int64_t H);
    void (*tanh_rnn)(const float *a, const float *b, float *h, float *o, float *rr,
                     int64_t H);
    /* Element-wise, for the tests: dst[k] = f(src[k]). */
    void (*sigmoid)(const float *src, float *dst, int64_t n);
    void (*tanh)(const float *src, float *dst, int64_t n);
} frnn_kernels_f32;

/* The kernels this CPU runs best (AVX2 where available). */
const frnn_kernels_f32 *frnn_kernels_f32_best(void);

/* Test hook: variant 0 is the portable build, 1 the AVX2 build; NULL when
 * that variant is not compiled in or this CPU cannot run it. */
const frnn_kernels_f32 *frnn_kernels_f32_variant(int variant);

#endif
