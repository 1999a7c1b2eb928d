/* Type-generic fused element-wise gate kernels of one time step; included
 * by forward_impl.h (needs REAL, SUF, R_FMIN, R_FMAX, the job struct, and
 * R_EXP and R_TANH unless FRNN_VECTOR_F32). One pass over the batch rows
 * per step, after the recurrent GEMM. Each row goes to a row kernel: for
 * float32 (FRNN_VECTOR_F32) the vectorized ones of gates_f32.c, else the
 * scalar libm ones below. */
#include <string.h>

#include "gates_f32.h"

/* NaN propagates; -0 becomes +0 as in MXNet. */
static inline REAL SUF(relu)(REAL x)
{
    return (x > 0 || x != x) ? x : (REAL)0;
}

static void SUF(relu_row)(const REAL *restrict a, const REAL *restrict b, REAL *restrict h,
                          REAL *restrict o, REAL *restrict rr, int64_t H)
{
    for (int64_t k = 0; k < H; k++) {
        REAL hv = SUF(relu)(a[k] + b[k]);
        h[k] = hv;
        o[k] = hv;
        if (rr) rr[k] = hv;
    }
}

#ifdef FRNN_VECTOR_F32
#define ROW_KERNELS const frnn_kernels_f32 *kern = frnn_kernels_f32_best()
#define ROW_LSTM kern->lstm
#define ROW_GRU kern->gru
#define ROW_TANH kern->tanh_rnn
#else
static inline REAL SUF(sigm)(REAL x)
{
    return (REAL)1 / ((REAL)1 + R_EXP(-x));
}

/* Row kernels with the signatures of frnn_kernels_f32 (gates_f32.h). */
static void SUF(lstm_row)(const REAL *restrict a, const REAL *restrict b, REAL *restrict c,
                          REAL *restrict h, REAL *restrict o, REAL *restrict rr, int64_t H,
                          int clip, REAL lo, REAL hi)
{
    for (int64_t k = 0; k < H; k++) {
        REAL ig = SUF(sigm)(a[k] + b[k]);
        REAL fg = SUF(sigm)(a[H + k] + b[H + k]);
        REAL gg = R_TANH(a[2 * H + k] + b[2 * H + k]);
        REAL og = SUF(sigm)(a[3 * H + k] + b[3 * H + k]);
        REAL cv = fg * c[k] + ig * gg;
        if (clip != FRNN_CLIP_NONE && (clip == FRNN_CLIP_NAN_TO_LO || cv == cv))
            cv = R_FMIN(R_FMAX(cv, lo), hi);
        REAL hv = og * R_TANH(cv);
        c[k] = cv;
        h[k] = hv;
        if (o) o[k] = hv;
        if (rr) {
            rr[k] = ig; rr[H + k] = fg; rr[2 * H + k] = gg;
            rr[3 * H + k] = og; rr[4 * H + k] = cv;
        }
    }
}

static void SUF(gru_row)(const REAL *restrict a, const REAL *restrict b,
                         const REAL *restrict bhn, REAL *restrict h, REAL *restrict o,
                         REAL *restrict rr, int64_t H)
{
    for (int64_t k = 0; k < H; k++) {
        REAL rg = SUF(sigm)(a[k] + b[k]);
        REAL zg = SUF(sigm)(a[H + k] + b[H + k]);
        REAL hn = b[2 * H + k] + bhn[k];
        REAL ng = R_TANH(a[2 * H + k] + rg * hn);
        REAL hv = ((REAL)1 - zg) * ng + zg * h[k];
        h[k] = hv;
        o[k] = hv;
        if (rr) { rr[k] = rg; rr[H + k] = zg; rr[2 * H + k] = ng; rr[3 * H + k] = hn; }
    }
}

static void SUF(tanh_row)(const REAL *restrict a, const REAL *restrict b, REAL *restrict h,
                          REAL *restrict o, REAL *restrict rr, int64_t H)
{
    for (int64_t k = 0; k < H; k++) {
        REAL hv = R_TANH(a[k] + b[k]);
        h[k] = hv;
        o[k] = hv;
        if (rr) rr[k] = hv;
    }
}

#define ROW_KERNELS (void)0
#define ROW_LSTM SUF(lstm_row)
#define ROW_GRU SUF(gru_row)
#define ROW_TANH SUF(tanh_row)
#endif

/* The fused element-wise part of one time step for all batch rows. */
static void SUF(step)(const SUF(job) *j, int64_t t)
{
    const fusedrnn_desc *d = j->d;
    const int64_t N = j->N, H = d->H, GH = d->GH, P = d->P, rg = d->rg;
    const int mode = d->cfg.mode;
    const int clip = !d->cfg.use_clip ? FRNN_CLIP_NONE
                     : d->cfg.clip_nan ? FRNN_CLIP_NAN_TO_LO : FRNN_CLIP_KEEP_NAN;
    const REAL *gx_t = j->in_ntc ? j->gx + t * GH : j->gx + t * N * GH;
    const int64_t gx_ns = j->in_ntc ? j->T * GH : GH;
    REAL *out_t = j->out + t * j->out_ts;
    REAL *res_t = j->gates ? j->gates + t * N * rg : NULL;
    ROW_KERNELS;

    for (int64_t n = 0; n < N; n++) {
        REAL *o = out_t + n * j->out_ns;
        if (j->len && t >= j->len[n]) {
            /* Padding: state held, output zero (the projection pass
             * writes the output itself). */
            if (!P) memset(o, 0, (size_t)H * sizeof(REAL));
            continue;
        }
        const REAL *a = gx_t + n * gx_ns, *b = j->gh + n * GH;
        REAL *hrow = (P ? j->hf : j->h) + n * H;
        REAL *rr = res_t ? res_t + n * rg : NULL;
        if (mode == FUSEDRNN_LSTM)
            ROW_LSTM(a, b, j->c + n * H, hrow, P ? NULL : o, rr, H, clip, j->clip_min,
                     j->clip_max);
        else if (mode == FUSEDRNN_GRU)
            ROW_GRU(a, b, j->b_hh + 2 * H, hrow, o, rr, H);
        else if (mode == FUSEDRNN_RNN_TANH)
            ROW_TANH(a, b, hrow, o, rr, H);
        else
            SUF(relu_row)(a, b, hrow, o, rr, H);
    }
}

/* After the projection GEMM: the new recurrent state and the output. */
static void SUF(project_out)(const SUF(job) *j, int64_t t)
{
    const int64_t P = j->d->P;
    REAL *out_t = j->out + t * j->out_ts;
    for (int64_t n = 0; n < j->N; n++) {
        REAL *o = out_t + n * j->out_ns;
        if (j->len && t >= j->len[n]) {
            memset(o, 0, (size_t)P * sizeof(REAL));
            continue;
        }
        memcpy(j->h + n * P, j->r + n * P, (size_t)P * sizeof(REAL));
        memcpy(o, j->r + n * P, (size_t)P * sizeof(REAL));
    }
}
