/* Type-generic fused element-wise gate kernels of one time step; included
 * by forward_impl.h (needs REAL, SUF, R_EXP, R_TANH, R_FMIN, R_FMAX and the
 * job struct). One pass over the batch rows per step, after the recurrent
 * GEMM. */
#include <string.h>

static inline REAL SUF(sigm)(REAL x)
{
    return (REAL)1 / ((REAL)1 + R_EXP(-x));
}

/* NaN propagates; -0 becomes +0 as in MXNet. */
static inline REAL SUF(relu)(REAL x)
{
    return (x > 0 || x != x) ? x : (REAL)0;
}

/* The fused element-wise part of one time step for all batch rows. */
static void SUF(step)(const SUF(job) *j, int64_t t)
{
    const fusedrnn_desc *d = j->d;
    const int64_t N = j->N, H = d->H, GH = d->GH, P = d->P, rg = d->rg;
    const int mode = d->cfg.mode;
    const int clip = d->cfg.use_clip, clip_nan = d->cfg.clip_nan;
    const REAL *gx_t = j->in_ntc ? j->gx + t * GH : j->gx + t * N * GH;
    const int64_t gx_ns = j->in_ntc ? j->T * GH : GH;
    REAL *out_t = j->out + t * j->out_ts;
    REAL *res_t = j->gates ? j->gates + t * N * rg : NULL;

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
        if (mode == FUSEDRNN_LSTM) {
            REAL *crow = j->c + n * H;
            for (int64_t k = 0; k < H; k++) {
                REAL ig = SUF(sigm)(a[k] + b[k]);
                REAL fg = SUF(sigm)(a[H + k] + b[H + k]);
                REAL gg = R_TANH(a[2 * H + k] + b[2 * H + k]);
                REAL og = SUF(sigm)(a[3 * H + k] + b[3 * H + k]);
                REAL cv = fg * crow[k] + ig * gg;
                if (clip && (clip_nan || cv == cv))
                    cv = R_FMIN(R_FMAX(cv, j->clip_min), j->clip_max);
                REAL hv = og * R_TANH(cv);
                crow[k] = cv;
                hrow[k] = hv;
                if (!P) o[k] = hv;
                if (rr) {
                    rr[k] = ig; rr[H + k] = fg; rr[2 * H + k] = gg;
                    rr[3 * H + k] = og; rr[4 * H + k] = cv;
                }
            }
        } else if (mode == FUSEDRNN_GRU) {
            const REAL *bhn = j->b_hh + 2 * H;
            for (int64_t k = 0; k < H; k++) {
                REAL rg_ = SUF(sigm)(a[k] + b[k]);
                REAL zg = SUF(sigm)(a[H + k] + b[H + k]);
                REAL hn = b[2 * H + k] + bhn[k];
                REAL ng = R_TANH(a[2 * H + k] + rg_ * hn);
                REAL hv = ((REAL)1 - zg) * ng + zg * hrow[k];
                hrow[k] = hv;
                o[k] = hv;
                if (rr) { rr[k] = rg_; rr[H + k] = zg; rr[2 * H + k] = ng; rr[3 * H + k] = hn; }
            }
        } else if (mode == FUSEDRNN_RNN_TANH) {
            for (int64_t k = 0; k < H; k++) {
                REAL hv = R_TANH(a[k] + b[k]);
                hrow[k] = hv;
                o[k] = hv;
                if (rr) rr[k] = hv;
            }
        } else {
            for (int64_t k = 0; k < H; k++) {
                REAL hv = SUF(relu)(a[k] + b[k]);
                hrow[k] = hv;
                o[k] = hv;
                if (rr) rr[k] = hv;
            }
        }
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
