/* fusedrnn_cell_step: one time step of one Gluon-style cell (RNNCell,
 * LSTMCell, GRUCell) on caller buffers. Validates everything before
 * anything is written, then runs the dtype-specific body of cell_impl.h. */
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "checked.h"
#include "internal.h"

#define REAL float
#define SUF(name) name##_f32
#define GEMM scipy_cblas_sgemm
#define R_EXP expf
#define R_TANH tanhf
#define R_LOG1P log1pf
#define R_FABS fabsf
#include "cell_impl.h"
#undef REAL
#undef SUF
#undef GEMM
#undef R_EXP
#undef R_TANH
#undef R_LOG1P
#undef R_FABS

#define REAL double
#define SUF(name) name##_f64
#define GEMM scipy_cblas_dgemm
#define R_EXP exp
#define R_TANH tanh
#define R_LOG1P log1p
#define R_FABS fabs
#include "cell_impl.h"

fusedrnn_status fusedrnn_cell_args_init(fusedrnn_cell_args *args)
{
    if (args == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    memset(args, 0, sizeof *args);
    args->struct_size = (uint32_t)sizeof *args;
    args->cell = FUSEDRNN_CELL_RNN;
    args->dtype = FUSEDRNN_FLOAT32;
    args->activation = FUSEDRNN_ACT_TANH;
    args->recurrent_activation = FUSEDRNN_ACT_SIGMOID;
    return FUSEDRNN_OK;
}

static int known_act(int32_t a)
{
    return a >= FUSEDRNN_ACT_TANH && a <= FUSEDRNN_ACT_SOFTRELU;
}

/* Element counts of every buffer, computed once with overflow checks. */
typedef struct {
    int64_t G, GH, n_x, n_h, n_wi, n_wh, n_g;
    size_t es, ws_bytes;
} cell_sizes;

static fusedrnn_status cell_plan(const fusedrnn_cell_args *a, cell_sizes *s)
{
    if (a->struct_size != sizeof(fusedrnn_cell_args)) return FUSEDRNN_ERR_BAD_STRUCT_SIZE;
    switch (a->cell) {
    case FUSEDRNN_CELL_RNN: s->G = 1; break;
    case FUSEDRNN_CELL_LSTM: s->G = 4; break;
    case FUSEDRNN_CELL_GRU: s->G = 3; break;
    default: return FUSEDRNN_ERR_BAD_MODE;
    }
    if (!known_act(a->activation) || !known_act(a->recurrent_activation))
        return FUSEDRNN_ERR_BAD_MODE;
    if (a->dtype == FUSEDRNN_FLOAT32) s->es = sizeof(float);
    else if (a->dtype == FUSEDRNN_FLOAT64) s->es = sizeof(double);
    else return FUSEDRNN_ERR_BAD_DTYPE;
    if (a->batch < 1) return FUSEDRNN_ERR_BAD_BATCH;
    if (a->input_size < 1) return FUSEDRNN_ERR_BAD_INPUT_SIZE;
    if (a->hidden_size < 1) return FUSEDRNN_ERR_BAD_HIDDEN_SIZE;

    frnn_ck ck = {0};
    const int64_t N = a->batch, In = a->input_size, H = a->hidden_size;
    s->GH = ck_mul(&ck, s->G, H);
    s->n_x = ck_mul(&ck, N, In);
    s->n_h = ck_mul(&ck, N, H);
    s->n_wi = ck_mul(&ck, s->GH, In);
    s->n_wh = ck_mul(&ck, s->GH, H);
    s->n_g = ck_mul(&ck, N, s->GH);
    size_t cursor = 0;
    (void)ck_take(&ck, &cursor, ck_bytes(&ck, s->n_g, s->es));
    (void)ck_take(&ck, &cursor, ck_bytes(&ck, s->n_g, s->es));
    s->ws_bytes = ck_zadd(&ck, cursor, FRNN_ALIGN); /* room to align the base */
    /* Every buffer must also be addressable in bytes. */
    (void)ck_bytes(&ck, s->n_x, s->es);
    (void)ck_bytes(&ck, s->n_wi, s->es);
    (void)ck_bytes(&ck, s->n_wh, s->es);
    (void)ck_bytes(&ck, s->n_h, s->es);
    if (ck.bad) return FUSEDRNN_ERR_OVERFLOW;
    /* GEMM dimensions and leading dimensions are 32-bit BLAS integers. */
    if (N > INT32_MAX || In > INT32_MAX || s->GH > INT32_MAX) return FUSEDRNN_ERR_TOO_LARGE;
    return FUSEDRNN_OK;
}

fusedrnn_status fusedrnn_cell_workspace_size(const fusedrnn_cell_args *args, size_t *bytes)
{
    if (args == NULL || bytes == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    cell_sizes s;
    fusedrnn_status st = cell_plan(args, &s);
    if (st != FUSEDRNN_OK) return st;
    *bytes = s.ws_bytes;
    return FUSEDRNN_OK;
}

typedef struct {
    const void *p;
    size_t n;
} cell_range;

/* Half-open byte ranges; empty ones never overlap. No p + n is computed,
 * so a bogus pointer cannot wrap. */
static int cell_overlap(cell_range a, cell_range b)
{
    if (a.p == NULL || b.p == NULL || a.n == 0 || b.n == 0) return 0;
    uintptr_t x = (uintptr_t)a.p, y = (uintptr_t)b.p;
    return x <= y ? y - x < a.n : x - y < b.n;
}

fusedrnn_status fusedrnn_cell_step(const fusedrnn_cell_args *args)
{
    if (args == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    const fusedrnn_cell_args *a = args;
    cell_sizes s;
    fusedrnn_status st = cell_plan(a, &s);
    if (st != FUSEDRNN_OK) return st;
    if (a->x == NULL || a->i2h_weight == NULL || a->h2h_weight == NULL ||
        a->i2h_bias == NULL || a->h2h_bias == NULL || a->h_out == NULL)
        return FUSEDRNN_ERR_NULL_POINTER;
    if (a->cell == FUSEDRNN_CELL_LSTM) {
        if (a->c_out == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    } else if (a->c != NULL || a->c_out != NULL) {
        return FUSEDRNN_ERR_UNEXPECTED_CELL_STATE;
    }
    if (a->workspace == NULL && a->workspace_bytes != 0) return FUSEDRNN_ERR_NULL_POINTER;
    if (a->workspace_bytes < s.ws_bytes) return FUSEDRNN_ERR_WORKSPACE_TOO_SMALL;

    const size_t es = s.es;
    const cell_range in[] = {
        {a->x, (size_t)s.n_x * es},
        {a->h, (size_t)s.n_h * es},
        {a->c, (size_t)s.n_h * es},
        {a->i2h_weight, (size_t)s.n_wi * es},
        {a->h2h_weight, (size_t)s.n_wh * es},
        {a->i2h_bias, (size_t)s.GH * es},
        {a->h2h_bias, (size_t)s.GH * es},
    };
    const cell_range out[] = {
        {a->h_out, (size_t)s.n_h * es},
        {a->c_out, (size_t)s.n_h * es},
        {a->workspace, a->workspace_bytes},
    };
    const size_t nin = sizeof in / sizeof in[0], nout = sizeof out / sizeof out[0];
    for (size_t i = 0; i < nout; i++) {
        for (size_t j = 0; j < nin; j++)
            if (cell_overlap(out[i], in[j])) return FUSEDRNN_ERR_OVERLAP;
        for (size_t j = i + 1; j < nout; j++)
            if (cell_overlap(out[i], out[j])) return FUSEDRNN_ERR_OVERLAP;
    }

    unsigned char *ws = frnn_align_up(a->workspace);
    if (a->dtype == FUSEDRNN_FLOAT32) cell_run_f32(a, s.G, ws);
    else cell_run_f64(a, s.G, ws);
    return FUSEDRNN_OK;
}
