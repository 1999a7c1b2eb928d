/* Private declarations shared by the C core's translation units. */
#ifndef FRNN_INTERNAL_H
#define FRNN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "fusedrnn.h"

/* Everything derived from a validated config, computed once at creation so
 * the forward pass never redoes (or re-checks) this arithmetic. */
struct fusedrnn_desc {
    fusedrnn_config cfg;
    int64_t G;        /* gates per cell: 1, 4 or 3 */
    int64_t D;        /* directions */
    int64_t H, R, P;  /* hidden, recurrent/output width, projection (0 = none) */
    int64_t L, In;  /* "I" would clash with <complex.h> via cblas.h */
    int64_t GH, DR;   /* G*H and D*R */
    int64_t w0;       /* weight elements of one direction of layer 0 */
    int64_t wl;       /* ... of one direction of a layer >= 1 */
    int64_t w_total;  /* all weights; the biases start here */
    int64_t param_count;
    int64_t rg;       /* reserve values kept per (t, n, dir) */
    size_t es;        /* element size in bytes */
};

/* Per-(T, N) sizes and the private workspace/reserve layouts. Offsets are
 * bytes from the 64-byte aligned base of the respective buffer. */
typedef struct frnn_plan {
    int64_t T, N, TN;
    int training;
    int64_t n_x, n_y, n_h, n_c; /* element counts of x, y, h state, c state */
    size_t ws_gx[2], ws_gh[2], ws_h[2], ws_c[2], ws_hf[2], ws_r[2];
    size_t ws_buf[2];           /* inter-layer buffers, (T, N, D*R) */
    size_t ws_bytes;
    size_t rs_layer;            /* bytes per layer in the reserve */
    size_t rs_gates[2];         /* per direction, inside a layer block */
    size_t rs_bytes;
} frnn_plan;

#define FRNN_ALIGN 64

fusedrnn_status frnn_plan_make(const fusedrnn_desc *d, int64_t T, int64_t N,
                               int training, frnn_plan *pl);

/* Philox-based keep decision shared by fusedrnn_dropout_keep and forward. */
int frnn_keep(uint64_t seed, uint32_t layer, uint64_t index, double p);

/* Runs fa(a) and fb(b); on two threads when parallel, else in order. If a
 * thread cannot be started it falls back to running both here: the result
 * is bitwise the same, so this is never an error. */
void frnn_run_pair(void (*fa)(void *), void *a, void (*fb)(void *), void *b,
                   int parallel);

/* Batches up to this size take the recurrent products row by row as
 * GEMVs (forward_impl.h). */
#define FRNN_GEMV_MAX_ROWS 4

/* Whether OpenBLAS will run a GEMM of m*n*k = mnk, or a GEMV of an (m, n)
 * matrix (mn = m*n), on the calling thread alone: it is single-threaded,
 * or the product is below its own threading threshold. Reads OpenBLAS's
 * thread count, never sets it. */
int frnn_blas_serial_gemm(double mnk);
int frnn_blas_serial_gemv(double mn);

/* Whether to run two independent jobs on two threads: only with
 * max_threads != 1, at least two CPUs, and when their BLAS calls are
 * serial (else two sets of OpenBLAS threads would oversubscribe the
 * cores). Results are the same either way. */
int frnn_pair_parallel(int max_threads, int blas_serial);

fusedrnn_status frnn_forward_f32(const fusedrnn_desc *d, const frnn_plan *pl,
                                 const fusedrnn_forward_args *a,
                                 unsigned char *ws, unsigned char *rs);
fusedrnn_status frnn_forward_f64(const fusedrnn_desc *d, const frnn_plan *pl,
                                 const fusedrnn_forward_args *a,
                                 unsigned char *ws, unsigned char *rs);

static inline unsigned char *frnn_align_up(void *p)
{
    uintptr_t u = (uintptr_t)p;
    return (unsigned char *)p + ((FRNN_ALIGN - (u % FRNN_ALIGN)) % FRNN_ALIGN);
}

#endif
