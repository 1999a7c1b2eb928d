/* fusedrnn_forward: validates everything before anything is written, then
 * hands over to the dtype-specific implementation. */
#include <string.h>

#include "checked.h"
#include "internal.h"

fusedrnn_status fusedrnn_forward_args_init(fusedrnn_forward_args *args)
{
    if (args == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    memset(args, 0, sizeof *args);
    args->struct_size = (uint32_t)sizeof *args;
    return FUSEDRNN_OK;
}

typedef struct {
    const void *p;
    size_t n;
} range;

/* Half-open byte ranges; empty ones never overlap. Written without
 * computing p + n, which could wrap for a bogus pointer. */
static int ranges_overlap(range a, range b)
{
    if (a.p == NULL || b.p == NULL || a.n == 0 || b.n == 0) return 0;
    uintptr_t x = (uintptr_t)a.p, y = (uintptr_t)b.p;
    return x <= y ? y - x < a.n : x - y < b.n;
}

static fusedrnn_status check_overlap(const fusedrnn_desc *d, const frnn_plan *pl,
                                     const fusedrnn_forward_args *a)
{
    const size_t es = d->es;
    const range in[] = {
        {a->x, (size_t)pl->n_x * es},
        {a->params, (size_t)d->param_count * es},
        {a->hx, (size_t)pl->n_h * es},
        {a->cx, (size_t)pl->n_c * es},
        {a->lengths, (size_t)pl->N * sizeof(int64_t)},
    };
    const range out[] = {
        {a->y, (size_t)pl->n_y * es},
        {a->hy, (size_t)pl->n_h * es},
        {a->cy, (size_t)pl->n_c * es},
        {a->workspace, a->workspace_bytes},
        {a->training ? a->reserve : NULL, a->reserve_bytes},
    };
    const size_t nin = sizeof in / sizeof in[0], nout = sizeof out / sizeof out[0];
    for (size_t i = 0; i < nout; i++) {
        for (size_t j = 0; j < nin; j++)
            if (ranges_overlap(out[i], in[j])) return FUSEDRNN_ERR_OVERLAP;
        for (size_t j = i + 1; j < nout; j++)
            if (ranges_overlap(out[i], out[j])) return FUSEDRNN_ERR_OVERLAP;
    }
    return FUSEDRNN_OK;
}

fusedrnn_status fusedrnn_forward(const fusedrnn_desc *desc, const fusedrnn_forward_args *args)
{
    if (desc == NULL || args == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    const fusedrnn_forward_args *a = args;
    if (a->struct_size != sizeof(fusedrnn_forward_args)) return FUSEDRNN_ERR_BAD_STRUCT_SIZE;
    if (a->x == NULL || a->params == NULL || a->y == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    if (a->seq_len < 1) return FUSEDRNN_ERR_BAD_SEQ_LEN;
    if (a->batch < 1) return FUSEDRNN_ERR_BAD_BATCH;
    if (a->training != 0 && a->training != 1) return FUSEDRNN_ERR_BAD_FLAG;
    if (a->max_threads < 0) return FUSEDRNN_ERR_BAD_FLAG;
    if (desc->cfg.mode != FUSEDRNN_LSTM && (a->cx != NULL || a->cy != NULL))
        return FUSEDRNN_ERR_UNEXPECTED_CELL_STATE;
    if (desc->cfg.use_sequence_length && a->lengths == NULL)
        return FUSEDRNN_ERR_MISSING_LENGTHS;
    if (!desc->cfg.use_sequence_length && a->lengths != NULL)
        return FUSEDRNN_ERR_UNEXPECTED_LENGTHS;

    frnn_plan pl;
    fusedrnn_status st = frnn_plan_make(desc, a->seq_len, a->batch, a->training, &pl);
    if (st != FUSEDRNN_OK) return st;
    if (a->workspace == NULL && a->workspace_bytes != 0) return FUSEDRNN_ERR_NULL_POINTER;
    if (a->workspace_bytes < pl.ws_bytes) return FUSEDRNN_ERR_WORKSPACE_TOO_SMALL;
    if (a->training) {
        if (a->reserve == NULL && a->reserve_bytes != 0) return FUSEDRNN_ERR_NULL_POINTER;
        if (a->reserve_bytes < pl.rs_bytes) return FUSEDRNN_ERR_RESERVE_TOO_SMALL;
    }
    st = check_overlap(desc, &pl, a);
    if (st != FUSEDRNN_OK) return st;
    if (a->lengths != NULL)
        for (int64_t n = 0; n < pl.N; n++)
            if (a->lengths[n] < 0 || a->lengths[n] > pl.T) return FUSEDRNN_ERR_BAD_LENGTHS;

    unsigned char *ws = frnn_align_up(a->workspace);
    unsigned char *rs = a->training ? frnn_align_up(a->reserve) : NULL;
    if (desc->cfg.dtype == FUSEDRNN_FLOAT64) return frnn_forward_f64(desc, &pl, a, ws, rs);
    return frnn_forward_f32(desc, &pl, a, ws, rs);
}
