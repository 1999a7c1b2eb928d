/* Small cases computed by hand from the equations, and MXNet's golden case. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ref.h"
#include "util.h"

static double sig(double v) { return 1.0 / (1.0 + exp(-v)); }
static double tol_of(int dtype) { return dtype == FUSEDRNN_FLOAT64 ? 1e-14 : 2e-6; }

static fusedrnn_desc *make(fusedrnn_config c)
{
    fusedrnn_desc *d = NULL;
    CHECK_ST(fusedrnn_desc_create(&c, &d), FUSEDRNN_OK);
    return d;
}

static void rnn_tanh_one_step(int dtype)
{
    fusedrnn_desc *d = make(tu_config(FUSEDRNN_RNN_TANH, 2, 2, 1, 0, dtype));
    const double p[] = {0.1, 0.2, -0.3, 0.4,  0.5, -0.6, 0.7, 0.8,  0.01, -0.02,  0.03, 0.04};
    const double x[] = {1, 2}, hx[] = {0.5, -0.5};
    double y[2], hy[2];
    tu_run r = {.T = 1, .N = 1, .x = x, .params = p, .hx = hx, .y = y, .hy = hy};
    CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
    CHECK_NEAR(y[0], tanh(1.09), tol_of(dtype));
    CHECK_NEAR(y[1], tanh(0.47), tol_of(dtype));
    CHECK(y[0] == hy[0] && y[1] == hy[1]);
    fusedrnn_desc_destroy(d);
}

static void relu_one_step(int dtype)
{
    fusedrnn_desc *d = make(tu_config(FUSEDRNN_RNN_RELU, 1, 2, 1, 0, dtype));
    const double p[] = {1, -1,  0, 0, 0, 0,  0.5, 0.5,  0, 0};
    const double x[] = {2};
    double y[2];
    tu_run r = {.T = 1, .N = 1, .x = x, .params = p, .y = y};
    CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
    CHECK_NEAR(y[0], 2.5, 0);
    CHECK_NEAR(y[1], 0.0, 0);
    fusedrnn_desc_destroy(d);
}

static void gru_one_step(int dtype)
{
    fusedrnn_desc *d = make(tu_config(FUSEDRNN_GRU, 1, 1, 1, 0, dtype));
    /* W_ih (r,z,n), W_hh, b_ih, b_hh */
    const double p[] = {0.5, -0.4, 0.3,  0.2, 0.1, -0.7,  0.1, 0.2, 0.3,  -0.1, 0.05, 0.4};
    const double x[] = {2}, hx[] = {0.6};
    double y[1], hy[1];
    tu_run r = {.T = 1, .N = 1, .x = x, .params = p, .hx = hx, .y = y, .hy = hy};
    CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
    double rg = sig(1.12), z = sig(-0.49);
    double n = tanh(0.9 + rg * (-0.7 * 0.6 + 0.4));
    CHECK_NEAR(y[0], (1 - z) * n + z * 0.6, tol_of(dtype));
    CHECK(hy[0] == y[0]);
    fusedrnn_desc_destroy(d);
}

static void lstm_projection(int dtype)
{
    fusedrnn_config c = tu_config(FUSEDRNN_LSTM, 1, 2, 1, 0, dtype);
    c.projection_size = 1;
    fusedrnn_desc *d = make(c);
    double p[8 + 8 + 2 + 8 + 8];
    double *wi = p, *wh = p + 8, *wr = p + 16, *bi = p + 18, *bh = p + 26;
    for (int k = 0; k < 8; k++) {
        wi[k] = 0.1 * (k + 1) - 0.4;
        wh[k] = 0.05 * k - 0.2;
        bi[k] = 0.01 * k;
        bh[k] = -0.02 * k;
    }
    wr[0] = 0.7; wr[1] = -1.3;
    const double x[] = {0.8}, hx[] = {0.5}, cx[] = {0.1, -0.2};
    double y[1], hy[1], cy[2];
    tu_run r = {.T = 1, .N = 1, .x = x, .params = p, .hx = hx, .cx = cx, .y = y, .hy = hy, .cy = cy};
    CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
    double h[2], cc[2];
    for (int k = 0; k < 2; k++) {
        double pre[4];
        for (int g = 0; g < 4; g++) {
            int row = g * 2 + k;
            pre[g] = wi[row] * x[0] + wh[row] * hx[0] + bi[row] + bh[row];
        }
        cc[k] = sig(pre[1]) * cx[k] + sig(pre[0]) * tanh(pre[2]);
        h[k] = sig(pre[3]) * tanh(cc[k]);
    }
    CHECK_NEAR(y[0], 0.7 * h[0] - 1.3 * h[1], tol_of(dtype));
    CHECK(hy[0] == y[0]);
    CHECK_NEAR(cy[0], cc[0], tol_of(dtype));
    CHECK_NEAR(cy[1], cc[1], tol_of(dtype));
    fusedrnn_desc_destroy(d);
}

static void clipping(int dtype)
{
    /* All weights and biases 1, x = 1, zero state: every pre-activation is 3. */
    double p[16];
    for (int k = 0; k < 16; k++) p[k] = 1.0;
    const double x[] = {1}, cnan[] = {NAN}, h0[] = {0};
    double y[1], hy[1], cy[1];
    for (int nanopt = 0; nanopt < 2; nanopt++) {
        fusedrnn_config c = tu_config(FUSEDRNN_LSTM, 1, 1, 1, 0, dtype);
        c.use_clip = 1; c.clip_min = -0.5; c.clip_max = 0.5; c.clip_nan = nanopt;
        fusedrnn_desc *d = make(c);
        tu_run r = {.T = 1, .N = 1, .x = x, .params = p, .y = y, .hy = hy, .cy = cy};
        CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
        CHECK(cy[0] == 0.5);
        CHECK_NEAR(y[0], sig(3) * tanh(0.5), tol_of(dtype));
        /* A NaN cell: kept by default, clip_min with clip_nan. */
        r.hx = h0; r.cx = cnan;
        CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
        if (nanopt) {
            CHECK(cy[0] == -0.5);
            CHECK_NEAR(y[0], sig(3) * tanh(-0.5), tol_of(dtype));
        } else {
            CHECK(isnan(cy[0]) && isnan(y[0]));
        }
        fusedrnn_desc_destroy(d);
    }
    /* Without clipping the cell is free; a NaN stays. */
    fusedrnn_desc *d = make(tu_config(FUSEDRNN_LSTM, 1, 1, 1, 0, dtype));
    tu_run r = {.T = 1, .N = 1, .x = x, .params = p, .cx = cnan, .y = y, .hy = hy, .cy = cy};
    CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
    CHECK(isnan(cy[0]));
    r.cx = NULL;
    CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
    CHECK_NEAR(cy[0], sig(3) * tanh(3), tol_of(dtype));
    fusedrnn_desc_destroy(d);
}

static void reverse_with_lengths(int dtype, int layout)
{
    fusedrnn_config c = tu_config(FUSEDRNN_RNN_TANH, 1, 1, 1, 1, dtype);
    c.use_sequence_length = 1;
    c.layout = layout;
    fusedrnn_desc *d = make(c);
    /* fwd: w_ih, w_hh; rev: w_ih, w_hh; then biases fwd (b_ih, b_hh), rev. */
    const double p[] = {0.5, 0.3, -0.4, 0.6, 0.1, 0.0, 0.2, 0.0};
    const double x[] = {1, 2, NAN}; /* t = 2 is padding and must not matter */
    const int64_t len[] = {2};
    double y[6], hy[2];
    tu_run r = {.T = 3, .N = 1, .x = x, .params = p, .lengths = len, .y = y, .hy = hy};
    CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
    double f0 = tanh(0.6), f1 = tanh(1.1 + 0.3 * f0);
    double r1 = tanh(-0.8 + 0.2), r0 = tanh(-0.4 + 0.2 + 0.6 * r1);
    CHECK_NEAR(y[0], f0, tol_of(dtype));
    CHECK_NEAR(y[1], r0, tol_of(dtype));
    CHECK_NEAR(y[2], f1, tol_of(dtype));
    CHECK_NEAR(y[3], r1, tol_of(dtype));
    CHECK(y[4] == 0 && y[5] == 0 && !signbit(y[4]) && !signbit(y[5]));
    CHECK(hy[0] == y[2] && hy[1] == y[1]);
    fusedrnn_desc_destroy(d);
}

static void length_zero(int dtype)
{
    fusedrnn_config c = tu_config(FUSEDRNN_LSTM, 3, 4, 2, 1, dtype);
    c.use_sequence_length = 1;
    fusedrnn_desc *d = make(c);
    int64_t np;
    fusedrnn_param_count(d, &np);
    double *p = tu_alloc(np), x[3 * 2 * 3], hx[4 * 2 * 4], cx[4 * 2 * 4];
    tu_fill(p, np, 1, 0.5);
    tu_fill(x, 18, 2, 1.0);
    tu_fill(hx, 32, 3, 1.0);
    tu_fill(cx, 32, 4, 1.0);
    const int64_t len[] = {0, 2};
    double y[3 * 2 * 8], hy[32], cy[32], ry[48], rhy[32], rcy[32];
    tu_run r = {.T = 3, .N = 2, .x = x, .params = p, .hx = hx, .cx = cx, .lengths = len,
                .y = y, .hy = hy, .cy = cy};
    CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
    int zero = 1, same = 1;
    for (int t = 0; t < 3; t++)
        for (int k = 0; k < 8; k++) zero &= y[(t * 2 + 0) * 8 + k] == 0.0;
    for (int s = 0; s < 4; s++)
        for (int k = 0; k < 4; k++) {
            int i = (s * 2 + 0) * 4 + k;
            double hxr = dtype == FUSEDRNN_FLOAT32 ? (double)(float)hx[i] : hx[i];
            double cxr = dtype == FUSEDRNN_FLOAT32 ? (double)(float)cx[i] : cx[i];
            same &= hy[i] == hxr && cy[i] == cxr;
        }
    CHECK(zero);
    CHECK(same);
    tu_run rr = r;
    rr.y = ry; rr.hy = rhy; rr.cy = rcy;
    ref_forward(&c, &rr);
    double err = 0;
    for (int i = 0; i < 48; i++) err = fmax(err, fabs(y[i] - ry[i]));
    for (int i = 0; i < 32; i++) err = fmax(err, fmax(fabs(hy[i] - rhy[i]), fabs(cy[i] - rcy[i])));
    CHECK(err < (dtype == FUSEDRNN_FLOAT64 ? 1e-12 : 1e-5));
    free(p);
    fusedrnn_desc_destroy(d);
}

/* MXNet's test_lstm_cpu_inference golden values. Its mx.init.One() reaches
 * only the weights: Gluon's bias initializers are explicitly 'zeros'. */
static void mxnet_golden(int dtype)
{
    fusedrnn_desc *d = make(tu_config(FUSEDRNN_LSTM, 2, 2, 6, 1, dtype));
    int64_t np;
    fusedrnn_param_count(d, &np);
    double *p = tu_alloc(np), x[8], y[16];
    int64_t nbias = 6 * 2 * 2 * 4 * 2;
    for (int64_t i = 0; i < np; i++) p[i] = i < np - nbias ? 1.0 : 0.0;
    for (int i = 0; i < 8; i++) x[i] = 1.0;
    tu_run r = {.T = 2, .N = 2, .x = x, .params = p, .y = y};
    CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
    const double a = 0.72045636, b = 0.95215213;
    const double want[2][4] = {{a, a, b, b}, {b, b, a, a}};
    double err = 0;
    for (int t = 0; t < 2; t++)
        for (int n = 0; n < 2; n++)
            for (int k = 0; k < 4; k++) err = fmax(err, fabs(y[(t * 2 + n) * 4 + k] - want[t][k]));
    if (err >= 1e-6)
        for (int i = 0; i < 16; i++) fprintf(stderr, "  golden y[%d] = %.9f\n", i, y[i]);
    CHECK(err < 1e-6);
    free(p);
    fusedrnn_desc_destroy(d);
}

void test_hand(void)
{
    for (int dt = 0; dt < 2; dt++) {
        rnn_tanh_one_step(dt);
        relu_one_step(dt);
        gru_one_step(dt);
        lstm_projection(dt);
        clipping(dt);
        reverse_with_lengths(dt, FUSEDRNN_TNC);
        reverse_with_lengths(dt, FUSEDRNN_NTC);
        length_zero(dt);
        mxnet_golden(dt);
    }
}
