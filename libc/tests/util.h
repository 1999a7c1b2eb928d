/* Test helpers: one forward call with buffers sized by the library. */
#ifndef FRNN_TEST_UTIL_H
#define FRNN_TEST_UTIL_H

#include <stdint.h>

#include "fusedrnn.h"

/* A config with the common fields set. */
fusedrnn_config tu_config(int mode, int64_t I, int64_t H, int64_t L, int bidir, int dtype);

/* Data in double; converted to the desc's dtype for the call and back.
 * hx/cx/lengths/hy/cy may be NULL. Returns the forward status. */
typedef struct {
    int64_t T, N;
    const double *x, *params, *hx, *cx;
    const int64_t *lengths;
    double *y, *hy, *cy;
    int training;
    uint64_t seed;
    int max_threads;
} tu_run;

fusedrnn_status tu_forward(const fusedrnn_desc *d, const tu_run *r);

/* Deterministic pseudo-random doubles in [-s, s). */
void tu_fill(double *v, int64_t n, uint64_t seed, double s);
double *tu_alloc(int64_t n);

#endif
