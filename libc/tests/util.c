#include <stdlib.h>
#include <string.h>

#include "util.h"

fusedrnn_config tu_config(int mode, int64_t I, int64_t H, int64_t L, int bidir, int dtype)
{
    fusedrnn_config c;
    fusedrnn_config_init(&c);
    c.mode = mode;
    c.input_size = I;
    c.hidden_size = H;
    c.num_layers = L;
    c.bidirectional = bidir;
    c.dtype = dtype;
    return c;
}

double *tu_alloc(int64_t n)
{
    return calloc((size_t)(n > 0 ? n : 1), sizeof(double));
}

void tu_fill(double *v, int64_t n, uint64_t seed, double s)
{
    uint64_t z = seed * 0x9E3779B97F4A7C15ull + 1;
    for (int64_t i = 0; i < n; i++) {
        z ^= z << 13; z ^= z >> 7; z ^= z << 17;
        v[i] = ((double)(z >> 11) * 0x1p-53 * 2.0 - 1.0) * s;
    }
}

/* Copies n doubles into a buffer of the dtype (NULL stays NULL). */
static void *to_dtype(const double *src, int64_t n, int dtype)
{
    if (src == NULL) return NULL;
    if (dtype == FUSEDRNN_FLOAT64) {
        double *p = malloc((size_t)n * sizeof *p + 1);
        memcpy(p, src, (size_t)n * sizeof *p);
        return p;
    }
    float *p = malloc((size_t)n * sizeof *p + 1);
    for (int64_t i = 0; i < n; i++) p[i] = (float)src[i];
    return p;
}

static void from_dtype(double *dst, const void *src, int64_t n, int dtype)
{
    if (dst == NULL) return;
    for (int64_t i = 0; i < n; i++)
        dst[i] = dtype == FUSEDRNN_FLOAT64 ? ((const double *)src)[i] : ((const float *)src)[i];
}

fusedrnn_status tu_forward(const fusedrnn_desc *d, const tu_run *r)
{
    fusedrnn_config c;
    fusedrnn_desc_config(d, &c);
    int64_t np, ys[3], hs[3], cs[3] = {0, 0, 0};
    fusedrnn_param_count(d, &np);
    fusedrnn_output_shape(d, r->T, r->N, ys);
    fusedrnn_state_shape(d, r->N, hs);
    if (c.mode == FUSEDRNN_LSTM) fusedrnn_cell_state_shape(d, r->N, cs);
    int64_t ny = ys[0] * ys[1] * ys[2], nh = hs[0] * hs[1] * hs[2], nc = cs[0] * cs[1] * cs[2];
    size_t es = c.dtype == FUSEDRNN_FLOAT64 ? 8 : 4, wsb = 0, rsb = 0;
    fusedrnn_workspace_size(d, r->T, r->N, r->training, &wsb);
    if (r->training) fusedrnn_reserve_size(d, r->T, r->N, &rsb);

    fusedrnn_forward_args a;
    fusedrnn_forward_args_init(&a);
    a.seq_len = r->T;
    a.batch = r->N;
    a.x = to_dtype(r->x, r->T * r->N * c.input_size, c.dtype);
    a.params = to_dtype(r->params, np, c.dtype);
    a.hx = to_dtype(r->hx, nh, c.dtype);
    a.cx = to_dtype(r->cx, nc, c.dtype);
    a.lengths = r->lengths;
    a.y = malloc((size_t)ny * es);
    a.hy = r->hy ? malloc((size_t)nh * es) : NULL;
    a.cy = r->cy ? malloc((size_t)nc * es) : NULL;
    a.workspace = malloc(wsb);
    a.workspace_bytes = wsb;
    a.reserve = rsb ? malloc(rsb) : NULL;
    a.reserve_bytes = rsb;
    a.training = r->training;
    a.seed = r->seed;
    a.max_threads = r->max_threads;
    fusedrnn_status st = fusedrnn_forward(d, &a);
    if (st == FUSEDRNN_OK) {
        from_dtype(r->y, a.y, ny, c.dtype);
        from_dtype(r->hy, a.hy, nh, c.dtype);
        from_dtype(r->cy, a.cy, nc, c.dtype);
    }
    free((void *)a.x); free((void *)a.params); free((void *)a.hx); free((void *)a.cx);
    free(a.y); free(a.hy); free(a.cy); free(a.workspace); free(a.reserve);
    return st;
}
