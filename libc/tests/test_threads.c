/* Determinism across max_threads, OpenBLAS threads and repeated calls, and
 * one descriptor shared by concurrent callers. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "util.h"

void scipy_openblas_set_num_threads(int num_threads);
int scipy_openblas_get_num_threads(void);

typedef struct {
    const fusedrnn_desc *d;
    tu_run r;
    fusedrnn_status st;
} worker;

static void *work(void *p)
{
    worker *w = p;
    for (int k = 0; k < 3 && w->st == FUSEDRNN_OK; k++) w->st = tu_forward(w->d, &w->r);
    return NULL;
}

static void determinism(int mode, int dtype, int layout, int use_len)
{
    const int64_t T = 24, N = 16, I = 48, H = 64;
    fusedrnn_config c = tu_config(mode, I, H, 2, 1, dtype);
    c.layout = layout;
    c.use_sequence_length = use_len;
    fusedrnn_desc *d = NULL;
    CHECK_ST(fusedrnn_desc_create(&c, &d), FUSEDRNN_OK);
    int64_t np, nh = 4 * N * H, ny = T * N * 2 * H;
    fusedrnn_param_count(d, &np);
    double *p = tu_alloc(np), *x = tu_alloc(T * N * I), *hx = tu_alloc(nh);
    int64_t len[16];
    for (int n = 0; n < N; n++) len[n] = (n * 5) % (T + 1);
    tu_fill(p, np, 5, 0.2);
    tu_fill(x, T * N * I, 6, 1.0);
    tu_fill(hx, nh, 7, 0.5);
    enum { RUNS = 6 };
    double *y[RUNS], *hy[RUNS];
    const int mt[RUNS] = {1, 2, 0, 1, 2, 0};
    const int blas[RUNS] = {1, 1, 1, 2, 2, 2};
    int saved = scipy_openblas_get_num_threads();
    for (int k = 0; k < RUNS; k++) {
        y[k] = tu_alloc(ny);
        hy[k] = tu_alloc(nh);
        scipy_openblas_set_num_threads(blas[k]);
        tu_run r = {.T = T, .N = N, .x = x, .params = p, .hx = hx, .y = y[k], .hy = hy[k],
                    .max_threads = mt[k], .lengths = use_len ? len : NULL};
        CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
    }
    scipy_openblas_set_num_threads(saved);
    for (int k = 1; k < RUNS; k++) {
        CHECK(memcmp(y[0], y[k], sizeof(double) * (size_t)ny) == 0);
        CHECK(memcmp(hy[0], hy[k], sizeof(double) * (size_t)nh) == 0);
    }

    /* Four threads share the descriptor, each with its own buffers. */
    enum { W = 4 };
    worker w[W];
    pthread_t th[W];
    for (int k = 0; k < W; k++) {
        w[k].d = d;
        w[k].st = FUSEDRNN_OK;
        w[k].r = (tu_run){.T = T, .N = N, .x = x, .params = p, .hx = hx, .y = tu_alloc(ny),
                          .hy = tu_alloc(nh), .max_threads = k % 3,
                          .lengths = use_len ? len : NULL};
        CHECK(pthread_create(&th[k], NULL, work, &w[k]) == 0);
    }
    for (int k = 0; k < W; k++) {
        pthread_join(th[k], NULL);
        CHECK_ST(w[k].st, FUSEDRNN_OK);
        CHECK(memcmp(y[0], w[k].r.y, sizeof(double) * (size_t)ny) == 0);
        CHECK(memcmp(hy[0], w[k].r.hy, sizeof(double) * (size_t)nh) == 0);
        free(w[k].r.y);
        free(w[k].r.hy);
    }
    for (int k = 0; k < RUNS; k++) { free(y[k]); free(hy[k]); }
    free(p); free(x); free(hx);
    fusedrnn_desc_destroy(d);
}

void test_threads(void)
{
    determinism(FUSEDRNN_LSTM, FUSEDRNN_FLOAT32, FUSEDRNN_TNC, 0);
    determinism(FUSEDRNN_GRU, FUSEDRNN_FLOAT64, FUSEDRNN_NTC, 1);
    determinism(FUSEDRNN_RNN_TANH, FUSEDRNN_FLOAT32, FUSEDRNN_NTC, 1);
}
