/* fusedrnn_cell_step: hand-computed steps for every activation, agreement
 * with a one-step fused forward, float32, and every validation path. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "util.h"

void test_cell(void);

static double c_sig(double v) { return 1.0 / (1.0 + exp(-v)); }

static double c_act(int kind, double v)
{
    switch (kind) {
    case FUSEDRNN_ACT_TANH: return tanh(v);
    case FUSEDRNN_ACT_RELU: return v > 0 ? v : 0;
    case FUSEDRNN_ACT_SIGMOID: return c_sig(v);
    case FUSEDRNN_ACT_SOFTSIGN: return v / (1 + fabs(v));
    default: return v > 20 ? v : log1p(exp(v));
    }
}

/* Owns float64 buffers for a cell of type `cell` with N, I, H. */
typedef struct {
    int64_t N, I, H, G;
    double *x, *h, *c, *wi, *wh, *bi, *bh, *ho, *co;
    unsigned char *ws;
    size_t wsb;
    fusedrnn_cell_args a;
} cell_case;

static int64_t gates_of(int cell)
{
    return cell == FUSEDRNN_CELL_LSTM ? 4 : cell == FUSEDRNN_CELL_GRU ? 3 : 1;
}

static void case_make(cell_case *k, int cell, int64_t N, int64_t I, int64_t H, uint64_t seed)
{
    memset(k, 0, sizeof *k);
    k->N = N; k->I = I; k->H = H; k->G = gates_of(cell);
    int64_t GH = k->G * H;
    k->x = tu_alloc(N * I); tu_fill(k->x, N * I, seed, 1.0);
    k->h = tu_alloc(N * H); tu_fill(k->h, N * H, seed + 1, 1.0);
    k->c = tu_alloc(N * H); tu_fill(k->c, N * H, seed + 2, 1.0);
    k->wi = tu_alloc(GH * I); tu_fill(k->wi, GH * I, seed + 3, 0.5);
    k->wh = tu_alloc(GH * H); tu_fill(k->wh, GH * H, seed + 4, 0.5);
    k->bi = tu_alloc(GH); tu_fill(k->bi, GH, seed + 5, 0.5);
    k->bh = tu_alloc(GH); tu_fill(k->bh, GH, seed + 6, 0.5);
    k->ho = tu_alloc(N * H);
    k->co = tu_alloc(N * H);
    fusedrnn_cell_args_init(&k->a);
    k->a.cell = cell;
    k->a.dtype = FUSEDRNN_FLOAT64;
    k->a.batch = N; k->a.input_size = I; k->a.hidden_size = H;
    CHECK_ST(fusedrnn_cell_workspace_size(&k->a, &k->wsb), FUSEDRNN_OK);
    k->ws = malloc(k->wsb);
    k->a.x = k->x; k->a.h = k->h;
    k->a.c = cell == FUSEDRNN_CELL_LSTM ? k->c : NULL;
    k->a.i2h_weight = k->wi; k->a.h2h_weight = k->wh;
    k->a.i2h_bias = k->bi; k->a.h2h_bias = k->bh;
    k->a.h_out = k->ho;
    k->a.c_out = cell == FUSEDRNN_CELL_LSTM ? k->co : NULL;
    k->a.workspace = k->ws; k->a.workspace_bytes = k->wsb;
}

static void case_free(cell_case *k)
{
    free(k->x); free(k->h); free(k->c); free(k->wi); free(k->wh);
    free(k->bi); free(k->bh); free(k->ho); free(k->co); free(k->ws);
}

/* The equations of the header, in plain double loops. */
static void case_expect(const cell_case *k, int zero_h, int zero_c, double *he, double *ce)
{
    const int64_t N = k->N, I = k->I, H = k->H, GH = k->G * H;
    const int act = k->a.activation, ract = k->a.recurrent_activation;
    double *gx = malloc((size_t)GH * sizeof(double)), *gh = malloc((size_t)GH * sizeof(double));
    for (int64_t n = 0; n < N; n++) {
        for (int64_t g = 0; g < GH; g++) {
            double s = 0, t = 0;
            for (int64_t i = 0; i < I; i++) s += k->x[n * I + i] * k->wi[g * I + i];
            for (int64_t j = 0; j < H; j++) t += (zero_h ? 0 : k->h[n * H + j]) * k->wh[g * H + j];
            gx[g] = s + k->bi[g];
            gh[g] = t + k->bh[g];
        }
        for (int64_t j = 0; j < H; j++) {
            double hp = zero_h ? 0 : k->h[n * H + j], cp = zero_c ? 0 : k->c[n * H + j];
            if (k->a.cell == FUSEDRNN_CELL_RNN) {
                he[n * H + j] = c_act(act, gx[j] + gh[j]);
            } else if (k->a.cell == FUSEDRNN_CELL_LSTM) {
                double i = c_act(ract, gx[j] + gh[j]), f = c_act(ract, gx[H + j] + gh[H + j]);
                double g = c_act(act, gx[2 * H + j] + gh[2 * H + j]);
                double o = c_act(ract, gx[3 * H + j] + gh[3 * H + j]);
                ce[n * H + j] = f * cp + i * g;
                he[n * H + j] = o * c_act(act, ce[n * H + j]);
            } else {
                double r = c_act(ract, gx[j] + gh[j]), z = c_act(ract, gx[H + j] + gh[H + j]);
                double nn = c_act(act, gx[2 * H + j] + r * gh[2 * H + j]);
                he[n * H + j] = (1 - z) * nn + z * hp;
            }
        }
    }
    free(gx); free(gh);
}

static double max_diff(const double *a, const double *b, int64_t n)
{
    double m = 0;
    for (int64_t i = 0; i < n; i++) m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

static void every_activation(void)
{
    const int cells[] = {FUSEDRNN_CELL_RNN, FUSEDRNN_CELL_LSTM, FUSEDRNN_CELL_GRU};
    for (int ci = 0; ci < 3; ci++)
        for (int act = FUSEDRNN_ACT_TANH; act <= FUSEDRNN_ACT_SOFTRELU; act++)
            for (int ract = FUSEDRNN_ACT_TANH; ract <= FUSEDRNN_ACT_SOFTRELU; ract += 2) {
                cell_case k;
                case_make(&k, cells[ci], 3, 5, 4, 100 + 10 * act + ract);
                k.a.activation = act;
                k.a.recurrent_activation = ract;
                double he[12], ce[12];
                case_expect(&k, 0, 0, he, ce);
                CHECK_ST(fusedrnn_cell_step(&k.a), FUSEDRNN_OK);
                CHECK(max_diff(he, k.ho, 12) < 1e-13);
                if (cells[ci] == FUSEDRNN_CELL_LSTM) CHECK(max_diff(ce, k.co, 12) < 1e-13);
                case_free(&k);
            }
}

static void null_states_are_zeros(void)
{
    const int cells[] = {FUSEDRNN_CELL_RNN, FUSEDRNN_CELL_LSTM, FUSEDRNN_CELL_GRU};
    for (int ci = 0; ci < 3; ci++) {
        cell_case k;
        case_make(&k, cells[ci], 2, 3, 5, 7);
        k.a.h = NULL;
        k.a.c = NULL;
        double he[10], ce[10];
        case_expect(&k, 1, 1, he, ce);
        CHECK_ST(fusedrnn_cell_step(&k.a), FUSEDRNN_OK);
        CHECK(max_diff(he, k.ho, 10) < 1e-14);
        if (cells[ci] == FUSEDRNN_CELL_LSTM) CHECK(max_diff(ce, k.co, 10) < 1e-14);
        case_free(&k);
    }
}

/* A cell step equals the fused operator over one time step (flat vector
 * = W_i2h, W_h2h, b_i2h, b_h2h for a single layer and direction). */
static void agrees_with_fused_forward(void)
{
    const int cells[] = {FUSEDRNN_CELL_RNN, FUSEDRNN_CELL_RNN, FUSEDRNN_CELL_LSTM,
                         FUSEDRNN_CELL_GRU};
    const int modes[] = {FUSEDRNN_RNN_TANH, FUSEDRNN_RNN_RELU, FUSEDRNN_LSTM, FUSEDRNN_GRU};
    const int acts[] = {FUSEDRNN_ACT_TANH, FUSEDRNN_ACT_RELU, FUSEDRNN_ACT_TANH, FUSEDRNN_ACT_TANH};
    for (int m = 0; m < 4; m++) {
        cell_case k;
        const int64_t N = 3, I = 4, H = 6;
        case_make(&k, cells[m], N, I, H, 40 + m);
        k.a.activation = acts[m];
        CHECK_ST(fusedrnn_cell_step(&k.a), FUSEDRNN_OK);
        const int64_t GH = k.G * H, np = GH * I + GH * H + 2 * GH;
        double *p = tu_alloc(np);
        memcpy(p, k.wi, (size_t)(GH * I) * sizeof(double));
        memcpy(p + GH * I, k.wh, (size_t)(GH * H) * sizeof(double));
        memcpy(p + GH * (I + H), k.bi, (size_t)GH * sizeof(double));
        memcpy(p + GH * (I + H + 1), k.bh, (size_t)GH * sizeof(double));
        fusedrnn_desc *d = NULL;
        fusedrnn_config cfg = tu_config(modes[m], I, H, 1, 0, FUSEDRNN_FLOAT64);
        CHECK_ST(fusedrnn_desc_create(&cfg, &d), FUSEDRNN_OK);
        double y[18], hy[18], cy[18];
        tu_run r = {.T = 1, .N = N, .x = k.x, .params = p, .hx = k.h,
                    .cx = cells[m] == FUSEDRNN_CELL_LSTM ? k.c : NULL,
                    .y = y, .hy = hy, .cy = cells[m] == FUSEDRNN_CELL_LSTM ? cy : NULL};
        CHECK_ST(tu_forward(d, &r), FUSEDRNN_OK);
        CHECK(max_diff(y, k.ho, N * H) < 1e-14);
        if (cells[m] == FUSEDRNN_CELL_LSTM) CHECK(max_diff(cy, k.co, N * H) < 1e-14);
        fusedrnn_desc_destroy(d);
        free(p);
        case_free(&k);
    }
}

static void float32_step(void)
{
    cell_case k;
    case_make(&k, FUSEDRNN_CELL_LSTM, 2, 3, 4, 77);
    double he[8], ce[8];
    case_expect(&k, 0, 0, he, ce);
    float x[6], h[8], c[8], wi[48], wh[64], bi[16], bh[16], ho[8], co[8];
    for (int i = 0; i < 6; i++) x[i] = (float)k.x[i];
    for (int i = 0; i < 8; i++) { h[i] = (float)k.h[i]; c[i] = (float)k.c[i]; }
    for (int i = 0; i < 48; i++) wi[i] = (float)k.wi[i];
    for (int i = 0; i < 64; i++) wh[i] = (float)k.wh[i];
    for (int i = 0; i < 16; i++) { bi[i] = (float)k.bi[i]; bh[i] = (float)k.bh[i]; }
    fusedrnn_cell_args a = k.a;
    a.dtype = FUSEDRNN_FLOAT32;
    size_t wsb = 0;
    CHECK_ST(fusedrnn_cell_workspace_size(&a, &wsb), FUSEDRNN_OK);
    CHECK(wsb < k.wsb);
    a.x = x; a.h = h; a.c = c; a.i2h_weight = wi; a.h2h_weight = wh;
    a.i2h_bias = bi; a.h2h_bias = bh; a.h_out = ho; a.c_out = co;
    CHECK_ST(fusedrnn_cell_step(&a), FUSEDRNN_OK);
    for (int i = 0; i < 8; i++) {
        CHECK_NEAR(ho[i], he[i], 2e-6);
        CHECK_NEAR(co[i], ce[i], 2e-6);
    }
    case_free(&k);
}

static void validation(void)
{
    fusedrnn_cell_args a;
    size_t b = 0;
    CHECK_ST(fusedrnn_cell_args_init(NULL), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_cell_args_init(&a), FUSEDRNN_OK);
    CHECK(a.struct_size == sizeof a && a.cell == FUSEDRNN_CELL_RNN);
    CHECK(a.activation == FUSEDRNN_ACT_TANH && a.recurrent_activation == FUSEDRNN_ACT_SIGMOID);
    CHECK(a.dtype == FUSEDRNN_FLOAT32 && a.x == NULL && a.workspace_bytes == 0);
    CHECK_ST(fusedrnn_cell_step(NULL), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_cell_workspace_size(NULL, &b), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_cell_workspace_size(&a, NULL), FUSEDRNN_ERR_NULL_POINTER);
    /* sizes unset */
    CHECK_ST(fusedrnn_cell_workspace_size(&a, &b), FUSEDRNN_ERR_BAD_BATCH);
    a.batch = 2;
    CHECK_ST(fusedrnn_cell_workspace_size(&a, &b), FUSEDRNN_ERR_BAD_INPUT_SIZE);
    a.input_size = 3;
    CHECK_ST(fusedrnn_cell_workspace_size(&a, &b), FUSEDRNN_ERR_BAD_HIDDEN_SIZE);
    a.hidden_size = 4;
    CHECK_ST(fusedrnn_cell_workspace_size(&a, &b), FUSEDRNN_OK);
    CHECK(b >= 2 * 2 * 4 * sizeof(float));
    fusedrnn_cell_args t = a;
    t.struct_size = 3;
    CHECK_ST(fusedrnn_cell_workspace_size(&t, &b), FUSEDRNN_ERR_BAD_STRUCT_SIZE);
    t = a; t.cell = 3;
    CHECK_ST(fusedrnn_cell_workspace_size(&t, &b), FUSEDRNN_ERR_BAD_MODE);
    t = a; t.cell = -1;
    CHECK_ST(fusedrnn_cell_workspace_size(&t, &b), FUSEDRNN_ERR_BAD_MODE);
    t = a; t.activation = 5;
    CHECK_ST(fusedrnn_cell_workspace_size(&t, &b), FUSEDRNN_ERR_BAD_MODE);
    t = a; t.recurrent_activation = -1;
    CHECK_ST(fusedrnn_cell_workspace_size(&t, &b), FUSEDRNN_ERR_BAD_MODE);
    t = a; t.dtype = 2;
    CHECK_ST(fusedrnn_cell_workspace_size(&t, &b), FUSEDRNN_ERR_BAD_DTYPE);
    t = a; t.batch = -5;
    CHECK_ST(fusedrnn_cell_workspace_size(&t, &b), FUSEDRNN_ERR_BAD_BATCH);
    t = a; t.hidden_size = INT64_MAX / 2;
    CHECK_ST(fusedrnn_cell_workspace_size(&t, &b), FUSEDRNN_ERR_OVERFLOW);
    t = a; t.cell = FUSEDRNN_CELL_LSTM; t.hidden_size = (int64_t)INT32_MAX / 4 + 1; t.batch = 1;
    t.input_size = 1;
    CHECK_ST(fusedrnn_cell_workspace_size(&t, &b), FUSEDRNN_ERR_TOO_LARGE);
    t = a; t.batch = (int64_t)INT32_MAX + 1; t.hidden_size = 1; t.input_size = 1;
    CHECK_ST(fusedrnn_cell_workspace_size(&t, &b), FUSEDRNN_ERR_TOO_LARGE);

    /* pointers and states, on a valid LSTM case; nothing written on error */
    cell_case k;
    case_make(&k, FUSEDRNN_CELL_LSTM, 2, 3, 4, 5);
    for (int i = 0; i < 8; i++) { k.ho[i] = 123.0; k.co[i] = 456.0; }
    fusedrnn_cell_args s = k.a;
    s.x = NULL; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_NULL_POINTER);
    s = k.a; s.i2h_weight = NULL; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_NULL_POINTER);
    s = k.a; s.h2h_weight = NULL; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_NULL_POINTER);
    s = k.a; s.i2h_bias = NULL; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_NULL_POINTER);
    s = k.a; s.h2h_bias = NULL; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_NULL_POINTER);
    s = k.a; s.h_out = NULL; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_NULL_POINTER);
    s = k.a; s.c_out = NULL; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_NULL_POINTER);
    s = k.a; s.workspace = NULL; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_NULL_POINTER);
    s = k.a; s.workspace_bytes = k.wsb - 1;
    CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_WORKSPACE_TOO_SMALL);
    s = k.a; s.h_out = k.h; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_OVERLAP);
    s = k.a; s.c_out = k.c + 1; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_OVERLAP);
    s = k.a; s.c_out = k.ho + 4; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_OVERLAP);
    s = k.a; s.workspace = k.wi; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_OVERLAP);
    s = k.a; s.h_out = k.bh; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_OVERLAP);
    for (int i = 0; i < 8; i++) CHECK(k.ho[i] == 123.0 && k.co[i] == 456.0);
    case_free(&k);

    case_make(&k, FUSEDRNN_CELL_GRU, 2, 3, 4, 6);
    s = k.a; s.c = k.c; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_UNEXPECTED_CELL_STATE);
    s = k.a; s.c_out = k.co; CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_ERR_UNEXPECTED_CELL_STATE);
    /* inputs may alias each other (only outputs are checked) */
    s = k.a; s.h = k.x; s.hidden_size = 3; s.input_size = 3;
    CHECK_ST(fusedrnn_cell_workspace_size(&s, &b), FUSEDRNN_OK);
    CHECK_ST(fusedrnn_cell_step(&s), FUSEDRNN_OK);
    case_free(&k);
}

/* NaN in one batch row stays in that row. */
static void rows_are_independent(void)
{
    cell_case k;
    case_make(&k, FUSEDRNN_CELL_LSTM, 3, 2, 3, 9);
    k.x[2] = NAN; /* row 1 */
    CHECK_ST(fusedrnn_cell_step(&k.a), FUSEDRNN_OK);
    for (int j = 0; j < 3; j++) {
        CHECK(!isnan(k.ho[j]) && !isnan(k.ho[6 + j]));
        CHECK(isnan(k.ho[3 + j]));
    }
    case_free(&k);
}

void test_cell(void)
{
    every_activation();
    null_states_are_zeros();
    agrees_with_fused_forward();
    float32_step();
    validation();
    rows_are_independent();
}
