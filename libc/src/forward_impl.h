/* Type-generic forward pass, compiled once per dtype by forward_f32.c and
 * forward_f64.c, so float64 never rounds through float32. The includer
 * defines REAL, SUF(name), GEMM, GEMV, R_FMIN, R_FMAX, and either
 * FRNN_VECTOR_F32 (float32) or R_EXP and R_TANH (see gates_impl.h).
 * Layout: the job struct and BLAS wrappers here, the gate kernels in
 * gates_impl.h, then one direction of one layer in two phases (dir_input,
 * dir_recur) and the layer loop. */
#include <string.h>

#include <cblas.h>

#include "internal.h"

/* One direction of one layer: everything it reads and writes. */
typedef struct {
    const fusedrnn_desc *d;
    int64_t T, N, dir;
    const REAL *in;      /* layer input, (T*N, in_cols) rows */
    int64_t in_cols;
    int in_ntc;          /* input rows ordered n*T + t instead of t*N + n */
    const REAL *w_ih, *w_hh, *w_hr, *b_ih, *b_hh;
    const REAL *hx, *cx; /* this state's slices, or NULL for zeros */
    REAL *hy, *cy;       /* optional */
    REAL *out;           /* already offset by dir*R */
    int64_t out_ts, out_ns; /* element strides of step t and batch row n */
    REAL *gx, *gh, *h, *c, *hf, *r; /* workspace scratch */
    REAL *gates;         /* reserve (T, N, rg) or NULL outside training */
    const int64_t *len;
    REAL clip_min, clip_max;
} SUF(job);

static void SUF(gemm)(int64_t m, int64_t n, int64_t k, const REAL *a, int64_t lda,
                      const REAL *b, int64_t ldb, REAL beta, REAL *c, int64_t ldc)
{
    /* C = A * B^T (+ C): the flat weights are (out, in) row-major. All
     * dimensions were checked against INT32_MAX before we got here. */
    GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (blasint)m, (blasint)n, (blasint)k,
         (REAL)1, a, (blasint)lda, b, (blasint)ldb, beta, c, (blasint)ldc);
}

#include "gates_impl.h"

/* Small batches (up to FRNN_GEMV_MAX_ROWS rows) take the recurrent
 * products row by row as GEMVs: OpenBLAS's GEMM packs all of B on every
 * call, which costs more than the product itself when A has a few rows
 * (measured: 2 to 6 times slower for 1 to 4 rows). Chosen by shape alone,
 * so deterministic. */
static int SUF(matmul_serial)(int64_t m, int64_t n, int64_t k)
{
    if (m <= FRNN_GEMV_MAX_ROWS) return frnn_blas_serial_gemv((double)n * (double)k);
    return frnn_blas_serial_gemm((double)m * (double)n * (double)k);
}

/* C = A * B^T, A (m, k), B (n, k), C (m, n), all row-major and dense. */
static void SUF(matmul)(int64_t m, int64_t n, int64_t k, const REAL *a, const REAL *b,
                        REAL *c)
{
    if (m > FRNN_GEMV_MAX_ROWS) {
        SUF(gemm)(m, n, k, a, k, b, k, (REAL)0, c, n);
        return;
    }
    for (int64_t row = 0; row < m; row++)
        GEMV(CblasRowMajor, CblasNoTrans, (blasint)n, (blasint)k, (REAL)1, b, (blasint)k,
             a + row * k, 1, (REAL)0, c + row * n, 1);
}

/* Phase 1 of one direction of one layer: the input term for all steps in
 * one GEMM on top of the bias rows. b_hh is folded in except for GRU's n
 * gate, where it sits inside r * (.). */
static void SUF(dir_input)(void *arg)
{
    const SUF(job) *j = arg;
    const fusedrnn_desc *d = j->d;
    const int64_t TN = j->T * j->N, H = d->H, GH = d->GH;
    const int gru = d->cfg.mode == FUSEDRNN_GRU;

    for (int64_t k = 0; k < GH; k++)
        j->gx[k] = (gru && k >= 2 * H) ? j->b_ih[k] : j->b_ih[k] + j->b_hh[k];
    for (int64_t row = 1; row < TN; row++)
        memcpy(j->gx + row * GH, j->gx, (size_t)GH * sizeof(REAL));
    SUF(gemm)(TN, GH, j->in_cols, j->in, j->in_cols, j->w_ih, j->in_cols, (REAL)1, j->gx, GH);
}

/* Phase 2: the recurrence over the time steps. */
static void SUF(dir_recur)(void *arg)
{
    const SUF(job) *j = arg;
    const fusedrnn_desc *d = j->d;
    const int64_t T = j->T, N = j->N, H = d->H, GH = d->GH, R = d->R, P = d->P;

    if (j->hx) memcpy(j->h, j->hx, (size_t)(N * R) * sizeof(REAL));
    else memset(j->h, 0, (size_t)(N * R) * sizeof(REAL));
    if (j->c) {
        if (j->cx) memcpy(j->c, j->cx, (size_t)(N * H) * sizeof(REAL));
        else memset(j->c, 0, (size_t)(N * H) * sizeof(REAL));
    }
    /* Rows of padded sequences are never computed; keep them defined. */
    if (P) memset(j->hf, 0, (size_t)(N * H) * sizeof(REAL));

    for (int64_t s = 0; s < T; s++) {
        const int64_t t = j->dir ? T - 1 - s : s;
        SUF(matmul)(N, GH, R, j->h, j->w_hh, j->gh);
        SUF(step)(j, t);
        if (P) {
            SUF(matmul)(N, P, H, j->hf, j->w_hr, j->r);
            SUF(project_out)(j, t);
        }
    }
    if (j->hy) memcpy(j->hy, j->h, (size_t)(N * R) * sizeof(REAL));
    if (j->cy) memcpy(j->cy, j->c, (size_t)(N * H) * sizeof(REAL));
}

static void SUF(run_dir)(void *arg)
{
    SUF(dir_input)(arg);
    SUF(dir_recur)(arg);
}

/* Both directions of a layer. Each phase runs on two threads only where
 * that does not fight OpenBLAS's own threads for the cores
 * (frnn_pair_parallel); at most one worker thread per layer. */
static void SUF(run_pair)(SUF(job) jobs[2], int max_threads)
{
    const fusedrnn_desc *d = jobs[0].d;
    const int64_t N = jobs[0].N, GH = d->GH, P = d->P;
    const double input_mnk = (double)jobs[0].T * (double)N * (double)GH * (double)jobs[0].in_cols;
    const int par_recur = frnn_pair_parallel(
        max_threads, SUF(matmul_serial)(N, GH, d->R) && (!P || SUF(matmul_serial)(N, P, d->H)));
    if (par_recur && frnn_pair_parallel(max_threads, frnn_blas_serial_gemm(input_mnk))) {
        frnn_run_pair(SUF(run_dir), &jobs[0], SUF(run_dir), &jobs[1], 1);
        return;
    }
    SUF(dir_input)(&jobs[0]);
    SUF(dir_input)(&jobs[1]);
    frnn_run_pair(SUF(dir_recur), &jobs[0], SUF(dir_recur), &jobs[1], par_recur);
}

/* Inverted dropout on a TNC layer output; the index is the TNC position. */
static void SUF(dropout)(const REAL *src, REAL *dst, int64_t count, uint64_t seed,
                         uint32_t layer, double p)
{
    const REAL scale = (REAL)(1.0 / (1.0 - p));
    for (int64_t e = 0; e < count; e++)
        dst[e] = frnn_keep(seed, layer, (uint64_t)e, p) ? src[e] * scale : (REAL)0;
}

fusedrnn_status SUF(frnn_forward)(const fusedrnn_desc *d, const frnn_plan *pl,
                                  const fusedrnn_forward_args *a, unsigned char *ws,
                                  unsigned char *rs)
{
    const int64_t T = pl->T, N = pl->N, L = d->L, D = d->D, DR = d->DR, R = d->R,
                  H = d->H, GH = d->GH;
    const REAL *params = a->params;
    const int ntc = d->cfg.layout == FUSEDRNN_NTC;
    const int training = a->training;
    const int drop = training && d->cfg.dropout > 0.0;
    REAL *buf[2] = {(REAL *)(ws + pl->ws_buf[0]), (REAL *)(ws + pl->ws_buf[1])};
    REAL *y = a->y;

    const REAL *in = a->x;
    int64_t in_cols = d->In;
    int in_ntc = ntc;
    for (int64_t l = 0; l < L; l++) {
        const int last = l == L - 1;
        REAL *out;
        int64_t ts = N * DR, ns = DR; /* TNC */
        if (training) {
            out = (REAL *)(rs + (size_t)l * pl->rs_layer);
        } else if (!last) {
            out = buf[l % 2];
        } else {
            out = y;
            if (ntc) { ts = DR; ns = T * DR; }
        }
        SUF(job) jobs[2];
        for (int64_t dir = 0; dir < D; dir++) {
            SUF(job) *j = &jobs[dir];
            const int64_t wsz = l == 0 ? d->w0 : d->wl;
            const int64_t woff = (l == 0 ? 0 : D * d->w0 + (l - 1) * D * d->wl) + dir * wsz;
            const int64_t boff = d->w_total + (l * D + dir) * 2 * GH;
            const int64_t s = l * D + dir;
            memset(j, 0, sizeof *j);
            j->d = d;
            j->T = T;
            j->N = N;
            j->dir = dir;
            j->in = in;
            j->in_cols = in_cols;
            j->in_ntc = in_ntc;
            j->w_ih = params + woff;
            j->w_hh = j->w_ih + GH * in_cols;
            j->w_hr = d->P ? j->w_hh + GH * R : NULL;
            j->b_ih = params + boff;
            j->b_hh = j->b_ih + GH;
            j->hx = a->hx ? (const REAL *)a->hx + s * N * R : NULL;
            j->cx = a->cx ? (const REAL *)a->cx + s * N * H : NULL;
            j->hy = a->hy ? (REAL *)a->hy + s * N * R : NULL;
            j->cy = a->cy ? (REAL *)a->cy + s * N * H : NULL;
            j->out = out + dir * R;
            j->out_ts = ts;
            j->out_ns = ns;
            j->gx = (REAL *)(ws + pl->ws_gx[dir]);
            j->gh = (REAL *)(ws + pl->ws_gh[dir]);
            j->h = (REAL *)(ws + pl->ws_h[dir]);
            j->c = d->cfg.mode == FUSEDRNN_LSTM ? (REAL *)(ws + pl->ws_c[dir]) : NULL;
            j->hf = d->P ? (REAL *)(ws + pl->ws_hf[dir]) : NULL;
            j->r = d->P ? (REAL *)(ws + pl->ws_r[dir]) : NULL;
            j->gates = training
                ? (REAL *)(rs + (size_t)l * pl->rs_layer + pl->rs_gates[dir]) : NULL;
            j->len = a->lengths;
            j->clip_min = (REAL)d->cfg.clip_min;
            j->clip_max = (REAL)d->cfg.clip_max;
        }
        if (D == 2)
            SUF(run_pair)(jobs, a->max_threads);
        else
            SUF(run_dir)(&jobs[0]);

        if (!last) {
            if (drop) {
                SUF(dropout)(out, buf[0], pl->n_y, a->seed, (uint32_t)l, d->cfg.dropout);
                in = buf[0];
            } else {
                in = out;
            }
            in_cols = DR;
            in_ntc = 0;
        }
    }

    if (training) {
        /* The last layer went to the reserve; hand the caller its copy. */
        const REAL *src = (const REAL *)(rs + (size_t)(L - 1) * pl->rs_layer);
        if (!ntc) {
            memcpy(y, src, (size_t)pl->n_y * sizeof(REAL));
        } else {
            for (int64_t t = 0; t < T; t++)
                for (int64_t n = 0; n < N; n++)
                    memcpy(y + (n * T + t) * DR, src + (t * N + n) * DR,
                           (size_t)DR * sizeof(REAL));
        }
    }
    return FUSEDRNN_OK;
}
