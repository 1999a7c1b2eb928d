/* Batches of up to 4 rows take the recurrent and projection products row
 * by row (GEMV) instead of one GEMM: both paths must compute the same
 * values. The first rows of a 5-row batch (GEMM) are run again as batches
 * of 1 to 4 rows (GEMV) and compared. Not bitwise: OpenBLAS's GEMM itself
 * rounds differently for different row counts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "util.h"

static void gemv_matches_gemm(int mode, int dtype, int64_t proj)
{
    const int64_t T = 5, N = 5, I = 7, H = 37, L = 2;
    fusedrnn_config c = tu_config(mode, I, H, L, 1, dtype);
    c.projection_size = proj;
    const int64_t R = proj ? proj : H, DR = 2 * R, nh = 2 * L * N * R;
    const double tol = dtype == FUSEDRNN_FLOAT64 ? 1e-12 : 1e-5;
    fusedrnn_desc *d = NULL;
    CHECK_ST(fusedrnn_desc_create(&c, &d), FUSEDRNN_OK);
    int64_t np;
    fusedrnn_param_count(d, &np);
    double *p = tu_alloc(np), *x = tu_alloc(T * N * I), *y = tu_alloc(T * N * DR);
    double *hy = tu_alloc(nh), *y1 = tu_alloc(T * N * DR), *hy1 = tu_alloc(nh);
    tu_fill(p, np, 3, 0.3);
    tu_fill(x, T * N * I, 4, 1.0);
    tu_run r = {.T = T, .N = N, .x = x, .params = p, .y = y, .hy = hy, .max_threads = 1};
    CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
    for (int64_t n = 1; n < N; n++) {
        double *xn = tu_alloc(T * n * I);
        for (int64_t t = 0; t < T; t++)
            memcpy(xn + t * n * I, x + t * N * I, sizeof(double) * (size_t)(n * I));
        tu_run r1 = {.T = T, .N = n, .x = xn, .params = p, .y = y1, .hy = hy1, .max_threads = 1};
        CHECK_ST(tu_forward(d, &r1), FUSEDRNN_OK);
        double err = 0;
        for (int64_t t = 0; t < T; t++)
            for (int64_t e = 0; e < n * DR; e++)
                err = fmax(err, fabs(y1[t * n * DR + e] - y[t * N * DR + e]));
        for (int64_t s = 0; s < 2 * L; s++)
            for (int64_t e = 0; e < n * R; e++)
                err = fmax(err, fabs(hy1[s * n * R + e] - hy[s * N * R + e]));
        CHECK(err <= tol);
        free(xn);
    }
    free(p); free(x); free(y); free(hy); free(y1); free(hy1);
    fusedrnn_desc_destroy(d);
}

void test_rows(void)
{
    const int dtypes[] = {FUSEDRNN_FLOAT32, FUSEDRNN_FLOAT64};
    for (int k = 0; k < 2; k++) {
        gemv_matches_gemm(FUSEDRNN_LSTM, dtypes[k], 0);
        gemv_matches_gemm(FUSEDRNN_LSTM, dtypes[k], 11);
        gemv_matches_gemm(FUSEDRNN_GRU, dtypes[k], 0);
        gemv_matches_gemm(FUSEDRNN_RNN_TANH, dtypes[k], 0);
        gemv_matches_gemm(FUSEDRNN_RNN_RELU, dtypes[k], 0);
    }
}
