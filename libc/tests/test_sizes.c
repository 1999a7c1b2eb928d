/* Status messages, version, config defaults and size queries. */
#include <math.h>
#include <string.h>

#include "harness.h"
#include "util.h"

void test_status(void)
{
    for (int s = -40; s <= 5; s++) {
        const char *m = fusedrnn_status_message(s);
        CHECK(m != NULL && m[0] != '\0');
    }
    CHECK(strcmp(fusedrnn_status_message(-1000), fusedrnn_status_message(1)) == 0);
    CHECK(strcmp(fusedrnn_status_message(FUSEDRNN_OK), fusedrnn_status_message(-1000)) != 0);
    CHECK(fusedrnn_version() == FUSEDRNN_VERSION);
    CHECK(strcmp(fusedrnn_version_string(), "0.1.0") == 0);

    fusedrnn_config c;
    CHECK_ST(fusedrnn_config_init(NULL), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_config_init(&c), FUSEDRNN_OK);
    CHECK(c.struct_size == sizeof c && c.mode == FUSEDRNN_LSTM && c.num_layers == 1);
    CHECK(c.hidden_size == 0 && c.input_size == 0 && c.dtype == FUSEDRNN_FLOAT32);
    CHECK(c.layout == FUSEDRNN_TNC && c.backend == FUSEDRNN_BACKEND_CPU && c.dropout == 0.0);
    fusedrnn_forward_args a;
    CHECK_ST(fusedrnn_forward_args_init(NULL), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_forward_args_init(&a), FUSEDRNN_OK);
    CHECK(a.struct_size == sizeof a && a.x == NULL && a.max_threads == 0);
}

static int64_t count_of(int mode, int64_t P)
{
    fusedrnn_config c = tu_config(mode, 4, 6, 2, 1, FUSEDRNN_FLOAT32);
    c.projection_size = P;
    fusedrnn_desc *d = NULL;
    int64_t n = -1;
    if (fusedrnn_desc_create(&c, &d) == FUSEDRNN_OK) fusedrnn_param_count(d, &n);
    fusedrnn_desc_destroy(d);
    return n;
}

void test_sizes(void)
{
    CHECK(count_of(FUSEDRNN_LSTM, 0) == 1536);
    CHECK(count_of(FUSEDRNN_LSTM, 3) == 1032);
    CHECK(count_of(FUSEDRNN_GRU, 0) == 1152);
    CHECK(count_of(FUSEDRNN_RNN_TANH, 0) == 384);
    CHECK(count_of(FUSEDRNN_RNN_RELU, 0) == 384);

    fusedrnn_config c = tu_config(FUSEDRNN_LSTM, 4, 6, 3, 1, FUSEDRNN_FLOAT32);
    c.projection_size = 2;
    fusedrnn_desc *d;
    CHECK_ST(fusedrnn_desc_create(&c, &d), FUSEDRNN_OK);
    fusedrnn_config back;
    CHECK_ST(fusedrnn_desc_config(d, &back), FUSEDRNN_OK);
    CHECK(memcmp(&back, &c, sizeof c) == 0);
    int64_t s[3];
    CHECK_ST(fusedrnn_output_shape(d, 5, 7, s), FUSEDRNN_OK);
    CHECK(s[0] == 5 && s[1] == 7 && s[2] == 4);
    CHECK_ST(fusedrnn_state_shape(d, 7, s), FUSEDRNN_OK);
    CHECK(s[0] == 6 && s[1] == 7 && s[2] == 2);
    CHECK_ST(fusedrnn_cell_state_shape(d, 7, s), FUSEDRNN_OK);
    CHECK(s[0] == 6 && s[1] == 7 && s[2] == 6);
    CHECK_ST(fusedrnn_output_shape(d, 0, 7, s), FUSEDRNN_ERR_BAD_SEQ_LEN);
    CHECK_ST(fusedrnn_output_shape(d, 5, 0, s), FUSEDRNN_ERR_BAD_BATCH);
    CHECK_ST(fusedrnn_output_shape(d, INT64_MAX / 2, 4, s), FUSEDRNN_ERR_OVERFLOW);
    CHECK_ST(fusedrnn_state_shape(d, -1, s), FUSEDRNN_ERR_BAD_BATCH);
    CHECK_ST(fusedrnn_state_shape(d, INT64_MAX / 4, s), FUSEDRNN_ERR_OVERFLOW);
    CHECK_ST(fusedrnn_output_shape(NULL, 5, 7, s), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_output_shape(d, 5, 7, NULL), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_state_shape(NULL, 7, s), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_cell_state_shape(d, 7, NULL), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_param_count(d, NULL), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_param_count(NULL, s), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_desc_config(NULL, &back), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_desc_config(d, NULL), FUSEDRNN_ERR_NULL_POINTER);

    /* Workspace and reserve: nonzero, monotone in T and N, training >= inference. */
    size_t prev_w = 0, prev_r = 0, w, w1, r;
    for (int64_t k = 1; k <= 5; k++) {
        CHECK_ST(fusedrnn_workspace_size(d, k, k, 0, &w), FUSEDRNN_OK);
        CHECK_ST(fusedrnn_workspace_size(d, k, k, 1, &w1), FUSEDRNN_OK);
        CHECK_ST(fusedrnn_reserve_size(d, k, k, &r), FUSEDRNN_OK);
        CHECK(w > prev_w && r > prev_r && w > 0 && w1 > 0);
        CHECK_ST(fusedrnn_workspace_size(d, k + 1, k, 0, &w1), FUSEDRNN_OK);
        CHECK(w1 >= w);
        CHECK_ST(fusedrnn_workspace_size(d, k, k + 1, 0, &w1), FUSEDRNN_OK);
        CHECK(w1 >= w);
        prev_w = w;
        prev_r = r;
    }
    CHECK_ST(fusedrnn_workspace_size(d, 3, 3, 2, &w), FUSEDRNN_ERR_BAD_FLAG);
    CHECK_ST(fusedrnn_workspace_size(d, 0, 3, 0, &w), FUSEDRNN_ERR_BAD_SEQ_LEN);
    CHECK_ST(fusedrnn_workspace_size(d, 3, 0, 0, &w), FUSEDRNN_ERR_BAD_BATCH);
    CHECK_ST(fusedrnn_workspace_size(d, 3, 3, 0, NULL), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_workspace_size(NULL, 3, 3, 0, &w), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_reserve_size(d, 3, 3, NULL), FUSEDRNN_ERR_NULL_POINTER);
    CHECK_ST(fusedrnn_reserve_size(d, -3, 3, &r), FUSEDRNN_ERR_BAD_SEQ_LEN);
    /* T*N beyond the BLAS int range, and beyond int64. */
    CHECK_ST(fusedrnn_workspace_size(d, 1 << 20, 1 << 12, 0, &w), FUSEDRNN_ERR_TOO_LARGE);
    CHECK_ST(fusedrnn_workspace_size(d, INT64_MAX / 2, 3, 0, &w), FUSEDRNN_ERR_OVERFLOW);
    CHECK_ST(fusedrnn_reserve_size(d, INT64_MAX / 2, 3, &r), FUSEDRNN_ERR_OVERFLOW);
    fusedrnn_desc_destroy(d);

    /* NTC output shape; GRU has no cell state. */
    c = tu_config(FUSEDRNN_GRU, 3, 5, 1, 0, FUSEDRNN_FLOAT64);
    c.layout = FUSEDRNN_NTC;
    CHECK_ST(fusedrnn_desc_create(&c, &d), FUSEDRNN_OK);
    CHECK_ST(fusedrnn_output_shape(d, 5, 7, s), FUSEDRNN_OK);
    CHECK(s[0] == 7 && s[1] == 5 && s[2] == 5);
    CHECK_ST(fusedrnn_state_shape(d, 7, s), FUSEDRNN_OK);
    CHECK(s[0] == 1 && s[1] == 7 && s[2] == 5);
    CHECK_ST(fusedrnn_cell_state_shape(d, 7, s), FUSEDRNN_ERR_UNEXPECTED_CELL_STATE);
    fusedrnn_desc_destroy(d);
    fusedrnn_desc_destroy(NULL);
}
