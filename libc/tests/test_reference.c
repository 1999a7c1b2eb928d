/* The library against the naive reference over a grid of configurations:
 * modes, directions, layouts, dtypes, layers, projection, clipping,
 * lengths and training dropout. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ref.h"
#include "util.h"

static int compare(const double *a, const double *b, int64_t n, double tol)
{
    for (int64_t i = 0; i < n; i++) {
        if (isnan(a[i]) || isnan(b[i]) || fabs(a[i] - b[i]) > tol * (1 + fabs(b[i]))) {
            fprintf(stderr, "  mismatch at %lld: %.17g vs %.17g\n", (long long)i, a[i], b[i]);
            return 0;
        }
    }
    return 1;
}

/* Runs one configuration through both and compares y, hy, cy. */
static void one(fusedrnn_config c, int64_t T, int64_t N, int use_len, int training,
                int with_state, uint64_t seed)
{
    c.use_sequence_length = use_len;
    fusedrnn_desc *d = NULL;
    if (fusedrnn_desc_create(&c, &d) != FUSEDRNN_OK) { CHECK(0); return; }
    int64_t np, ys[3], hs[3], cs[3] = {0, 0, 0};
    fusedrnn_param_count(d, &np);
    fusedrnn_output_shape(d, T, N, ys);
    fusedrnn_state_shape(d, N, hs);
    int lstm = c.mode == FUSEDRNN_LSTM;
    if (lstm) fusedrnn_cell_state_shape(d, N, cs);
    int64_t ny = ys[0] * ys[1] * ys[2], nh = hs[0] * hs[1] * hs[2], nc = cs[0] * cs[1] * cs[2];
    int64_t nx = T * N * c.input_size;
    double *p = tu_alloc(np), *x = tu_alloc(nx), *hx = tu_alloc(nh), *cx = tu_alloc(nc);
    double *y = tu_alloc(ny), *hy = tu_alloc(nh), *cy = tu_alloc(nc);
    double *ry = tu_alloc(ny), *rhy = tu_alloc(nh), *rcy = tu_alloc(nc);
    int64_t *len = calloc((size_t)N, sizeof *len);
    tu_fill(p, np, seed, 0.6);
    tu_fill(x, nx, seed + 1, 1.0);
    tu_fill(hx, nh, seed + 2, 0.8);
    tu_fill(cx, nc, seed + 3, 0.8);
    for (int64_t n = 0; n < N; n++) len[n] = (n * 7 + (int64_t)seed) % (T + 1);
    if (N > 1) len[N - 1] = T;
    /* Round data to the dtype first so both sides see the same values. */
    if (c.dtype == FUSEDRNN_FLOAT32) {
        double *arrs[] = {p, x, hx, cx};
        int64_t ns[] = {np, nx, nh, nc};
        for (int k = 0; k < 4; k++)
            for (int64_t i = 0; i < ns[k]; i++) arrs[k][i] = (float)arrs[k][i];
    }
    tu_run r = {.T = T, .N = N, .x = x, .params = p,
                .hx = with_state ? hx : NULL, .cx = with_state && lstm ? cx : NULL,
                .lengths = use_len ? len : NULL, .y = y, .hy = hy, .cy = lstm ? cy : NULL,
                .training = training, .seed = seed * 31 + 7};
    CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
    tu_run rr = r;
    rr.y = ry; rr.hy = rhy; rr.cy = lstm ? rcy : NULL;
    ref_forward(&c, &rr);
    double tol = c.dtype == FUSEDRNN_FLOAT64 ? 1e-11 : 3e-5;
    int ok = compare(y, ry, ny, tol) && compare(hy, rhy, nh, tol) && compare(cy, rcy, nc, tol);
    if (!ok)
        fprintf(stderr, "  config mode=%d D=%d L=%lld P=%lld clip=%d layout=%d dtype=%d len=%d "
                "train=%d p=%g\n", c.mode, c.bidirectional, (long long)c.num_layers,
                (long long)c.projection_size, c.use_clip, c.layout, c.dtype, use_len,
                training, c.dropout);
    CHECK(ok);
    free(p); free(x); free(hx); free(cx); free(y); free(hy); free(cy);
    free(ry); free(rhy); free(rcy); free(len);
    fusedrnn_desc_destroy(d);
}

/* Training without dropout must equal inference bitwise; dropout without
 * training has no effect. */
static void training_paths(int dtype, int layout)
{
    fusedrnn_config c = tu_config(FUSEDRNN_LSTM, 3, 5, 3, 1, dtype);
    c.layout = layout;
    fusedrnn_desc *d0, *d1;
    fusedrnn_desc_create(&c, &d0);
    c.dropout = 0.4;
    fusedrnn_desc_create(&c, &d1);
    int64_t np;
    fusedrnn_param_count(d0, &np);
    double *p = tu_alloc(np), x[4 * 2 * 3], y[4][4 * 2 * 10], hy[4][6 * 2 * 5];
    tu_fill(p, np, 11, 0.5);
    tu_fill(x, 24, 12, 1.0);
    tu_run r = {.T = 4, .N = 2, .x = x, .params = p};
    r.y = y[0]; r.hy = hy[0]; r.training = 0; CHECK_ST(tu_forward(d0, &r), FUSEDRNN_OK);
    r.y = y[1]; r.hy = hy[1]; r.training = 1; CHECK_ST(tu_forward(d0, &r), FUSEDRNN_OK);
    r.y = y[2]; r.hy = hy[2]; r.training = 0; CHECK_ST(tu_forward(d1, &r), FUSEDRNN_OK);
    r.y = y[3]; r.hy = hy[3]; r.training = 1; CHECK_ST(tu_forward(d1, &r), FUSEDRNN_OK);
    CHECK(memcmp(y[0], y[1], sizeof y[0]) == 0 && memcmp(hy[0], hy[1], sizeof hy[0]) == 0);
    CHECK(memcmp(y[0], y[2], sizeof y[0]) == 0 && memcmp(hy[0], hy[2], sizeof hy[0]) == 0);
    CHECK(memcmp(y[0], y[3], sizeof y[0]) != 0);
    /* States of the first layer are taken before dropout. */
    CHECK(memcmp(hy[0], hy[3], sizeof(double) * 2 * 2 * 5) == 0);
    free(p);
    fusedrnn_desc_destroy(d0);
    fusedrnn_desc_destroy(d1);
}

void test_reference(void)
{
    uint64_t seed = 100;
    for (int mode = 0; mode < 4; mode++)
        for (int bidir = 0; bidir < 2; bidir++)
            for (int layout = 0; layout < 2; layout++)
                for (int dtype = 0; dtype < 2; dtype++) {
                    fusedrnn_config c = tu_config(mode, 4, 5, 1 + (int)(seed % 3), bidir, dtype);
                    c.layout = layout;
                    one(c, 5, 3, 0, 0, 1, seed++);
                    one(c, 6, 4, 1, 0, (int)(seed % 2), seed);
                    seed++;
                    one(c, 1, 1, 0, 0, 0, seed++);
                    c.num_layers = 3;
                    c.dropout = 0.3;
                    one(c, 4, 3, 1, 1, 1, seed++);
                    one(c, 4, 3, 0, 0, 1, seed++);
                    if (mode == FUSEDRNN_LSTM) {
                        c.dropout = 0;
                        c.projection_size = 3;
                        one(c, 5, 3, 0, 0, 1, seed++);
                        one(c, 5, 3, 1, 1, 1, seed++);
                        c.use_clip = 1; c.clip_min = -0.3; c.clip_max = 0.2;
                        one(c, 5, 3, 1, 0, 1, seed++);
                        c.projection_size = 0;
                        c.clip_nan = 1;
                        c.dropout = 0.5;
                        one(c, 5, 3, 1, 1, 1, seed++);
                    }
                }
    for (int dtype = 0; dtype < 2; dtype++)
        for (int layout = 0; layout < 2; layout++) training_paths(dtype, layout);
}
