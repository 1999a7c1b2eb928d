/* Every documented bad argument gives its own status and writes nothing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "util.h"

static fusedrnn_status create_with(fusedrnn_config c)
{
    fusedrnn_desc *d = (fusedrnn_desc *)&c; /* must be reset to NULL on failure */
    fusedrnn_status st = fusedrnn_desc_create(&c, &d);
    if (st != FUSEDRNN_OK && d != NULL) { th_failed++; fprintf(stderr, "FAIL: *out not NULL\n"); }
    fusedrnn_desc_destroy(st == FUSEDRNN_OK ? d : NULL);
    return st;
}

static void test_config_errors(void)
{
    const fusedrnn_config ok = tu_config(FUSEDRNN_LSTM, 3, 4, 2, 1, FUSEDRNN_FLOAT32);
    fusedrnn_config c = ok;
    fusedrnn_desc *d = (fusedrnn_desc *)&c;
    CHECK_ST(fusedrnn_desc_create(NULL, &d), FUSEDRNN_ERR_NULL_POINTER);
    CHECK(d == NULL);
    CHECK_ST(fusedrnn_desc_create(&c, NULL), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(create_with(ok), FUSEDRNN_OK);

#define BAD(field, value, status) do { c = ok; c.field = value; CHECK_ST(create_with(c), status); } while (0)
    BAD(struct_size, sizeof(fusedrnn_config) - 8, FUSEDRNN_ERR_BAD_STRUCT_SIZE);
    BAD(struct_size, sizeof(fusedrnn_config) + 8, FUSEDRNN_ERR_BAD_STRUCT_SIZE);
    BAD(struct_size, 0, FUSEDRNN_ERR_BAD_STRUCT_SIZE);
    BAD(mode, 4, FUSEDRNN_ERR_BAD_MODE);
    BAD(mode, -1, FUSEDRNN_ERR_BAD_MODE);
    BAD(hidden_size, 0, FUSEDRNN_ERR_BAD_HIDDEN_SIZE);
    BAD(hidden_size, -5, FUSEDRNN_ERR_BAD_HIDDEN_SIZE);
    BAD(num_layers, 0, FUSEDRNN_ERR_BAD_NUM_LAYERS);
    BAD(input_size, 0, FUSEDRNN_ERR_BAD_INPUT_SIZE);
    BAD(dropout, -0.1, FUSEDRNN_ERR_BAD_DROPOUT);
    BAD(dropout, 1.0, FUSEDRNN_ERR_BAD_DROPOUT);
    BAD(dropout, NAN, FUSEDRNN_ERR_BAD_DROPOUT);
    BAD(projection_size, 4, FUSEDRNN_ERR_BAD_PROJECTION);
    BAD(projection_size, -1, FUSEDRNN_ERR_BAD_PROJECTION);
    BAD(dtype, 2, FUSEDRNN_ERR_BAD_DTYPE);
    BAD(layout, 2, FUSEDRNN_ERR_BAD_LAYOUT);
    BAD(backend, 7, FUSEDRNN_ERR_BAD_BACKEND);
    BAD(backend, FUSEDRNN_BACKEND_CUDA, FUSEDRNN_ERR_BACKEND_UNAVAILABLE);
    BAD(bidirectional, 2, FUSEDRNN_ERR_BAD_FLAG);
    BAD(use_clip, -1, FUSEDRNN_ERR_BAD_FLAG);
    BAD(clip_nan, 3, FUSEDRNN_ERR_BAD_FLAG);
    BAD(use_sequence_length, 2, FUSEDRNN_ERR_BAD_FLAG);
    BAD(hidden_size, (int64_t)1 << 40, FUSEDRNN_ERR_OVERFLOW);
    BAD(num_layers, (int64_t)1 << 62, FUSEDRNN_ERR_OVERFLOW);
    BAD(input_size, INT64_MAX, FUSEDRNN_ERR_OVERFLOW);
    BAD(input_size, (int64_t)1 << 31, FUSEDRNN_ERR_TOO_LARGE);
    /* GH = 4 * 2^29 = 2^31 rows exceed the BLAS int. */
    c = ok; c.num_layers = 1; c.bidirectional = 0; c.input_size = 1; c.hidden_size = (int64_t)1 << 29;
    CHECK_ST(create_with(c), FUSEDRNN_ERR_TOO_LARGE);
    /* Projection and clipping belong to LSTM only. */
    c = ok; c.mode = FUSEDRNN_GRU; c.projection_size = 2;
    CHECK_ST(create_with(c), FUSEDRNN_ERR_BAD_PROJECTION);
    c = ok; c.mode = FUSEDRNN_RNN_TANH; c.use_clip = 1; c.clip_min = -1; c.clip_max = 1;
    CHECK_ST(create_with(c), FUSEDRNN_ERR_BAD_CLIP);
    c = ok; c.use_clip = 1; c.clip_min = 1; c.clip_max = -1;
    CHECK_ST(create_with(c), FUSEDRNN_ERR_BAD_CLIP);
    c = ok; c.use_clip = 1; c.clip_min = NAN; c.clip_max = 1;
    CHECK_ST(create_with(c), FUSEDRNN_ERR_BAD_CLIP);
    c = ok; c.use_clip = 1; c.clip_min = -1; c.clip_max = INFINITY;
    CHECK_ST(create_with(c), FUSEDRNN_ERR_BAD_CLIP);
    c = ok; c.use_clip = 1; c.clip_min = 2; c.clip_max = 2;
    CHECK_ST(create_with(c), FUSEDRNN_OK);
    /* Bounds are ignored without use_clip; clip_nan alone is accepted. */
    c = ok; c.clip_min = NAN; c.clip_max = -INFINITY; c.clip_nan = 1;
    CHECK_ST(create_with(c), FUSEDRNN_OK);
#undef BAD
}

/* A valid forward setup that each case breaks in one way. */
typedef struct {
    fusedrnn_desc *d;
    fusedrnn_forward_args a;
    unsigned char *y, *hy, *cy;
    size_t ny, nh, nc;
    int64_t lengths[3];
} setup;

enum { T_ = 4, N_ = 3 };

static void setup_make(setup *s, int mode, int use_len)
{
    memset(s, 0, sizeof *s);
    fusedrnn_config c = tu_config(mode, 3, 4, 2, 1, FUSEDRNN_FLOAT32);
    c.use_sequence_length = use_len;
    c.dropout = 0.5;
    fusedrnn_desc_create(&c, &s->d);
    int64_t np, sh[3];
    fusedrnn_param_count(s->d, &np);
    fusedrnn_forward_args_init(&s->a);
    s->a.seq_len = T_;
    s->a.batch = N_;
    float *x = calloc(T_ * N_ * 3, sizeof(float)), *p = calloc((size_t)np, sizeof(float));
    s->a.x = x;
    s->a.params = p;
    fusedrnn_state_shape(s->d, N_, sh);
    s->nh = (size_t)(sh[0] * sh[1] * sh[2]) * sizeof(float);
    s->nc = mode == FUSEDRNN_LSTM ? (size_t)(sh[0] * sh[1] * 4) * sizeof(float) : 0;
    s->ny = (size_t)(T_ * N_ * 8) * sizeof(float);
    s->a.hx = calloc(1, s->nh);
    s->a.cx = s->nc ? calloc(1, s->nc) : NULL;
    /* One block for y, hy, cy so that overlaps can be arranged. */
    s->y = malloc(s->ny + s->nh + s->nc + 64);
    memset(s->y, 0xAB, s->ny + s->nh + s->nc + 64);
    s->hy = s->y + s->ny;
    s->cy = s->nc ? s->hy + s->nh : NULL;
    s->a.y = s->y;
    s->a.hy = s->hy;
    s->a.cy = s->cy;
    s->lengths[0] = 4; s->lengths[1] = 0; s->lengths[2] = 2;
    s->a.lengths = use_len ? s->lengths : NULL;
    fusedrnn_workspace_size(s->d, T_, N_, 1, &s->a.workspace_bytes);
    fusedrnn_reserve_size(s->d, T_, N_, &s->a.reserve_bytes);
    s->a.workspace = malloc(s->a.workspace_bytes);
    s->a.reserve = malloc(s->a.reserve_bytes);
    s->a.training = 1;
}

static void setup_free(setup *s)
{
    free((void *)s->a.x); free((void *)s->a.params); free((void *)s->a.hx);
    free((void *)s->a.cx); free(s->y); free(s->a.workspace); free(s->a.reserve);
    fusedrnn_desc_destroy(s->d);
}

/* Runs a broken copy of the args; checks the status and that y/hy/cy still
 * hold the sentinel. */
static void expect(setup *s, fusedrnn_forward_args a, fusedrnn_status want, int line)
{
    fusedrnn_status st = fusedrnn_forward(s->d, &a);
    size_t total = s->ny + s->nh + s->nc;
    int untouched = 1;
    for (size_t i = 0; i < total; i++) untouched &= s->y[i] == 0xAB;
    if (st == want && untouched) th_passed++;
    else {
        th_failed++;
        fprintf(stderr, "FAIL line %d: status %d want %d, outputs untouched %d\n", line,
                (int)st, (int)want, untouched);
    }
}
#define EXPECT(s, a, want) expect(s, a, want, __LINE__)

static void test_forward_errors(void)
{
    setup s;
    setup_make(&s, FUSEDRNN_LSTM, 1);
    fusedrnn_forward_args a;
    const fusedrnn_forward_args ok = s.a;

    CHECK_ST(fusedrnn_forward(NULL, &ok), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_forward(s.d, NULL), FUSEDRNN_ERR_NULL_POINTER);
#define CASE(stmt, want) do { a = ok; stmt; EXPECT(&s, a, want); } while (0)
    CASE(a.struct_size = 8, FUSEDRNN_ERR_BAD_STRUCT_SIZE);
    CASE(a.struct_size += 8, FUSEDRNN_ERR_BAD_STRUCT_SIZE);
    CASE(a.x = NULL, FUSEDRNN_ERR_NULL_POINTER);
    CASE(a.params = NULL, FUSEDRNN_ERR_NULL_POINTER);
    CASE(a.y = NULL, FUSEDRNN_ERR_NULL_POINTER);
    CASE(a.seq_len = 0, FUSEDRNN_ERR_BAD_SEQ_LEN);
    CASE(a.batch = -2, FUSEDRNN_ERR_BAD_BATCH);
    CASE(a.training = 2, FUSEDRNN_ERR_BAD_FLAG);
    CASE(a.max_threads = -1, FUSEDRNN_ERR_BAD_FLAG);
    CASE(a.lengths = NULL, FUSEDRNN_ERR_MISSING_LENGTHS);
    CASE(s.lengths[1] = -1, FUSEDRNN_ERR_BAD_LENGTHS);
    s.lengths[1] = 0;
    CASE(s.lengths[2] = T_ + 1, FUSEDRNN_ERR_BAD_LENGTHS);
    s.lengths[2] = 2;
    CASE(a.workspace_bytes -= 1, FUSEDRNN_ERR_WORKSPACE_TOO_SMALL);
    CASE((a.workspace = NULL, a.workspace_bytes = 0), FUSEDRNN_ERR_WORKSPACE_TOO_SMALL);
    CASE(a.workspace = NULL, FUSEDRNN_ERR_NULL_POINTER);
    CASE(a.reserve_bytes -= 1, FUSEDRNN_ERR_RESERVE_TOO_SMALL);
    CASE((a.reserve = NULL, a.reserve_bytes = 0), FUSEDRNN_ERR_RESERVE_TOO_SMALL);
    CASE(a.reserve = NULL, FUSEDRNN_ERR_NULL_POINTER);
    /* T*N past the BLAS int range; sizes past int64. */
    CASE(a.batch = (int64_t)1 << 40, FUSEDRNN_ERR_TOO_LARGE);
    CASE(a.seq_len = INT64_MAX / 2, FUSEDRNN_ERR_OVERFLOW);
    /* Overlaps: outputs with inputs, workspace, reserve, each other. */
    CASE(a.y = (void *)a.x, FUSEDRNN_ERR_OVERLAP);
    CASE(a.hy = s.y + s.ny - 4, FUSEDRNN_ERR_OVERLAP);
    CASE(a.cy = s.hy, FUSEDRNN_ERR_OVERLAP);
    CASE(a.hy = (void *)((const char *)a.params + 4), FUSEDRNN_ERR_OVERLAP);
    CASE(a.cy = (void *)a.cx, FUSEDRNN_ERR_OVERLAP);
    CASE(a.hy = (void *)a.hx, FUSEDRNN_ERR_OVERLAP);
    CASE(a.lengths = (const int64_t *)(s.y + 8), FUSEDRNN_ERR_OVERLAP);
    CASE(a.workspace = s.y + 4, FUSEDRNN_ERR_OVERLAP);
    CASE(a.reserve = a.workspace, FUSEDRNN_ERR_OVERLAP);
    CASE(a.workspace = a.reserve, FUSEDRNN_ERR_OVERLAP);
    /* The reserve is not used, so not checked, in inference. */
    a = ok; a.training = 0; a.reserve = a.workspace;
    CHECK_ST(fusedrnn_forward(s.d, &a), FUSEDRNN_OK);
    /* Adjacent but disjoint buffers are fine. */
    CHECK_ST(fusedrnn_forward(s.d, &ok), FUSEDRNN_OK);
    setup_free(&s);

    /* Lengths on a desc without use_sequence_length; cell state on GRU. */
    setup_make(&s, FUSEDRNN_GRU, 0);
    const fusedrnn_forward_args ok2 = s.a;
    a = ok2; a.lengths = s.lengths; EXPECT(&s, a, FUSEDRNN_ERR_UNEXPECTED_LENGTHS);
    float cbuf[64];
    a = ok2; a.cx = cbuf; EXPECT(&s, a, FUSEDRNN_ERR_UNEXPECTED_CELL_STATE);
    a = ok2; a.cy = cbuf; EXPECT(&s, a, FUSEDRNN_ERR_UNEXPECTED_CELL_STATE);
    CHECK_ST(fusedrnn_forward(s.d, &ok2), FUSEDRNN_OK);
    setup_free(&s);
#undef CASE
}

void test_validation(void)
{
    test_config_errors();
    test_forward_errors();
}
