/* Shape and size queries, and the private workspace/reserve layouts. */
#include "checked.h"
#include "internal.h"

fusedrnn_status frnn_plan_make(const fusedrnn_desc *d, int64_t T, int64_t N,
                               int training, frnn_plan *pl)
{
    if (T < 1) return FUSEDRNN_ERR_BAD_SEQ_LEN;
    if (N < 1) return FUSEDRNN_ERR_BAD_BATCH;
    if (training != 0 && training != 1) return FUSEDRNN_ERR_BAD_FLAG;
    frnn_ck ck = {0};
    const size_t es = d->es;
    const int lstm = d->cfg.mode == FUSEDRNN_LSTM;
    *pl = (frnn_plan){0};
    pl->T = T;
    pl->N = N;
    pl->training = training;
    pl->TN = ck_mul(&ck, T, N);
    pl->n_x = ck_mul(&ck, pl->TN, d->In);
    pl->n_y = ck_mul(&ck, pl->TN, d->DR);
    int64_t states = ck_mul(&ck, d->L, d->D);
    pl->n_h = ck_mul(&ck, ck_mul(&ck, states, N), d->R);
    pl->n_c = lstm ? ck_mul(&ck, ck_mul(&ck, states, N), d->H) : 0;
    (void)ck_bytes(&ck, pl->n_x, es);
    (void)ck_bytes(&ck, pl->n_h, es);
    (void)ck_bytes(&ck, pl->n_c, es);

    /* Workspace: per-direction scratch (directions may run concurrently),
     * then the inter-layer buffers, all in TNC order. */
    size_t cur = 0;
    const size_t y_bytes = ck_bytes(&ck, pl->n_y, es);
    for (int64_t dir = 0; dir < d->D; dir++) {
        pl->ws_gx[dir] = ck_take(&ck, &cur, ck_bytes(&ck, ck_mul(&ck, pl->TN, d->GH), es));
        pl->ws_gh[dir] = ck_take(&ck, &cur, ck_bytes(&ck, ck_mul(&ck, N, d->GH), es));
        pl->ws_h[dir] = ck_take(&ck, &cur, ck_bytes(&ck, ck_mul(&ck, N, d->R), es));
        if (lstm) pl->ws_c[dir] = ck_take(&ck, &cur, ck_bytes(&ck, ck_mul(&ck, N, d->H), es));
        if (d->P) {
            pl->ws_hf[dir] = ck_take(&ck, &cur, ck_bytes(&ck, ck_mul(&ck, N, d->H), es));
            pl->ws_r[dir] = ck_take(&ck, &cur, ck_bytes(&ck, ck_mul(&ck, N, d->P), es));
        }
    }
    int nbuf;
    if (training)
        nbuf = d->L > 1 && d->cfg.dropout > 0.0 ? 1 : 0; /* the dropped copy */
    else
        nbuf = d->L > 2 ? 2 : (int)(d->L - 1); /* ping-pong between layers */
    for (int k = 0; k < nbuf; k++) pl->ws_buf[k] = ck_take(&ck, &cur, y_bytes);
    pl->ws_bytes = ck_zadd(&ck, cur, FRNN_ALIGN); /* slack to align the base */

    /* Reserve, one block per layer: the layer's output before dropout
     * (TNC, at offset 0), then per direction (T, N, rg) gate values. */
    cur = 0;
    (void)ck_take(&ck, &cur, y_bytes);
    for (int64_t dir = 0; dir < d->D; dir++)
        pl->rs_gates[dir] = ck_take(&ck, &cur, ck_bytes(&ck, ck_mul(&ck, pl->TN, d->rg), es));
    pl->rs_layer = cur;
    size_t layers = (uint64_t)d->L > SIZE_MAX ? (ck.bad = 1, 0) : (size_t)d->L;
    pl->rs_bytes = ck_zadd(&ck, ck_zmul(&ck, layers, cur), FRNN_ALIGN);

    if (ck.bad) return FUSEDRNN_ERR_OVERFLOW;
    if (pl->TN > INT32_MAX) return FUSEDRNN_ERR_TOO_LARGE; /* GEMM rows */
    return FUSEDRNN_OK;
}

fusedrnn_status fusedrnn_output_shape(const fusedrnn_desc *desc, int64_t seq_len,
                                      int64_t batch, int64_t shape[3])
{
    if (desc == NULL || shape == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    if (seq_len < 1) return FUSEDRNN_ERR_BAD_SEQ_LEN;
    if (batch < 1) return FUSEDRNN_ERR_BAD_BATCH;
    frnn_ck ck = {0};
    (void)ck_bytes(&ck, ck_mul(&ck, ck_mul(&ck, seq_len, batch), desc->DR), desc->es);
    if (ck.bad) return FUSEDRNN_ERR_OVERFLOW;
    int ntc = desc->cfg.layout == FUSEDRNN_NTC;
    shape[0] = ntc ? batch : seq_len;
    shape[1] = ntc ? seq_len : batch;
    shape[2] = desc->DR;
    return FUSEDRNN_OK;
}

static fusedrnn_status state_shape(const fusedrnn_desc *desc, int64_t batch,
                                   int64_t width, int64_t shape[3])
{
    if (batch < 1) return FUSEDRNN_ERR_BAD_BATCH;
    frnn_ck ck = {0};
    int64_t rows = ck_mul(&ck, desc->L, desc->D);
    (void)ck_bytes(&ck, ck_mul(&ck, ck_mul(&ck, rows, batch), width), desc->es);
    if (ck.bad) return FUSEDRNN_ERR_OVERFLOW;
    shape[0] = rows;
    shape[1] = batch;
    shape[2] = width;
    return FUSEDRNN_OK;
}

fusedrnn_status fusedrnn_state_shape(const fusedrnn_desc *desc, int64_t batch,
                                     int64_t shape[3])
{
    if (desc == NULL || shape == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    return state_shape(desc, batch, desc->R, shape);
}

fusedrnn_status fusedrnn_cell_state_shape(const fusedrnn_desc *desc, int64_t batch,
                                          int64_t shape[3])
{
    if (desc == NULL || shape == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    if (desc->cfg.mode != FUSEDRNN_LSTM) return FUSEDRNN_ERR_UNEXPECTED_CELL_STATE;
    return state_shape(desc, batch, desc->H, shape);
}

fusedrnn_status fusedrnn_workspace_size(const fusedrnn_desc *desc, int64_t seq_len,
                                        int64_t batch, int32_t training, size_t *bytes)
{
    if (desc == NULL || bytes == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    frnn_plan pl;
    fusedrnn_status st = frnn_plan_make(desc, seq_len, batch, training, &pl);
    if (st == FUSEDRNN_OK) *bytes = pl.ws_bytes;
    return st;
}

fusedrnn_status fusedrnn_reserve_size(const fusedrnn_desc *desc, int64_t seq_len,
                                      int64_t batch, size_t *bytes)
{
    if (desc == NULL || bytes == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    frnn_plan pl;
    fusedrnn_status st = frnn_plan_make(desc, seq_len, batch, 1, &pl);
    if (st == FUSEDRNN_OK) *bytes = pl.rs_bytes;
    return st;
}
