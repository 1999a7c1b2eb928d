/* Config defaults, validation and the immutable descriptor. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checked.h"
#include "internal.h"

fusedrnn_status fusedrnn_config_init(fusedrnn_config *cfg)
{
    if (cfg == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    memset(cfg, 0, sizeof *cfg);
    cfg->struct_size = (uint32_t)sizeof *cfg;
    cfg->mode = FUSEDRNN_LSTM;
    cfg->num_layers = 1;
    cfg->dtype = FUSEDRNN_FLOAT32;
    cfg->layout = FUSEDRNN_TNC;
    cfg->backend = FUSEDRNN_BACKEND_CPU;
    return FUSEDRNN_OK;
}

static int is_flag(int32_t v) { return v == 0 || v == 1; }

/* Field checks in a fixed order, so one bad field gives one status. */
static fusedrnn_status check_fields(const fusedrnn_config *c)
{
    if (c->struct_size != sizeof(fusedrnn_config)) return FUSEDRNN_ERR_BAD_STRUCT_SIZE;
    if (c->mode < FUSEDRNN_RNN_RELU || c->mode > FUSEDRNN_GRU) return FUSEDRNN_ERR_BAD_MODE;
    if (c->dtype != FUSEDRNN_FLOAT32 && c->dtype != FUSEDRNN_FLOAT64) return FUSEDRNN_ERR_BAD_DTYPE;
    if (c->layout != FUSEDRNN_TNC && c->layout != FUSEDRNN_NTC) return FUSEDRNN_ERR_BAD_LAYOUT;
    if (c->backend != FUSEDRNN_BACKEND_CPU && c->backend != FUSEDRNN_BACKEND_CUDA)
        return FUSEDRNN_ERR_BAD_BACKEND;
    if (!is_flag(c->bidirectional) || !is_flag(c->use_clip) || !is_flag(c->clip_nan) ||
        !is_flag(c->use_sequence_length))
        return FUSEDRNN_ERR_BAD_FLAG;
    if (c->hidden_size < 1) return FUSEDRNN_ERR_BAD_HIDDEN_SIZE;
    if (c->num_layers < 1) return FUSEDRNN_ERR_BAD_NUM_LAYERS;
    if (c->input_size < 1) return FUSEDRNN_ERR_BAD_INPUT_SIZE;
    if (!(c->dropout >= 0.0 && c->dropout < 1.0)) return FUSEDRNN_ERR_BAD_DROPOUT;
    if (c->projection_size != 0 &&
        (c->mode != FUSEDRNN_LSTM || c->projection_size < 0 ||
         c->projection_size >= c->hidden_size))
        return FUSEDRNN_ERR_BAD_PROJECTION;
    if (c->use_clip &&
        (c->mode != FUSEDRNN_LSTM || !isfinite(c->clip_min) || !isfinite(c->clip_max) ||
         c->clip_min > c->clip_max))
        return FUSEDRNN_ERR_BAD_CLIP;
    return FUSEDRNN_OK;
}

/* Derived sizes; OVERFLOW if any does not fit, TOO_LARGE if a matrix
 * dimension exceeds the 32-bit BLAS int. */
static fusedrnn_status derive(const fusedrnn_config *c, struct fusedrnn_desc *d)
{
    frnn_ck ck = {0};
    d->G = c->mode == FUSEDRNN_LSTM ? 4 : c->mode == FUSEDRNN_GRU ? 3 : 1;
    d->D = c->bidirectional ? 2 : 1;
    d->H = c->hidden_size;
    d->P = c->projection_size;
    d->R = d->P ? d->P : d->H;
    d->L = c->num_layers;
    d->In = c->input_size;
    d->es = c->dtype == FUSEDRNN_FLOAT64 ? sizeof(double) : sizeof(float);
    d->GH = ck_mul(&ck, d->G, d->H);
    d->DR = ck_mul(&ck, d->D, d->R);
    int64_t hh = ck_mul(&ck, d->GH, d->R);
    int64_t hr = ck_mul(&ck, d->P, d->H);
    d->w0 = ck_add(&ck, ck_add(&ck, ck_mul(&ck, d->GH, d->In), hh), hr);
    d->wl = ck_add(&ck, ck_add(&ck, ck_mul(&ck, d->GH, d->DR), hh), hr);
    d->w_total = ck_add(&ck, ck_mul(&ck, d->D, d->w0),
                        ck_mul(&ck, ck_mul(&ck, d->L - 1, d->D), d->wl));
    int64_t biases = ck_mul(&ck, ck_mul(&ck, d->L, d->D), ck_mul(&ck, 2, d->GH));
    d->param_count = ck_add(&ck, d->w_total, biases);
    (void)ck_bytes(&ck, d->param_count, d->es);
    int64_t extra = c->mode == FUSEDRNN_LSTM || c->mode == FUSEDRNN_GRU ? d->H : 0;
    d->rg = ck_add(&ck, d->GH, extra);
    if (ck.bad) return FUSEDRNN_ERR_OVERFLOW;
    const int64_t dims[] = {d->GH, d->In, d->H, d->R, d->DR, d->rg};
    for (size_t k = 0; k < sizeof dims / sizeof dims[0]; k++)
        if (dims[k] > INT32_MAX) return FUSEDRNN_ERR_TOO_LARGE;
    return FUSEDRNN_OK;
}

fusedrnn_status fusedrnn_desc_create(const fusedrnn_config *cfg, fusedrnn_desc **out)
{
    if (out == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    *out = NULL;
    if (cfg == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    struct fusedrnn_desc tmp;
    memset(&tmp, 0, sizeof tmp);
    fusedrnn_status st = check_fields(cfg);
    if (st != FUSEDRNN_OK) return st;
    st = derive(cfg, &tmp);
    if (st != FUSEDRNN_OK) return st;
    if (cfg->backend != FUSEDRNN_BACKEND_CPU) return FUSEDRNN_ERR_BACKEND_UNAVAILABLE;
    tmp.cfg = *cfg;
    struct fusedrnn_desc *d = malloc(sizeof *d);
    if (d == NULL) return FUSEDRNN_ERR_OUT_OF_MEMORY;
    *d = tmp;
    *out = d;
    return FUSEDRNN_OK;
}

void fusedrnn_desc_destroy(fusedrnn_desc *desc)
{
    free(desc);
}

fusedrnn_status fusedrnn_desc_config(const fusedrnn_desc *desc, fusedrnn_config *out)
{
    if (desc == NULL || out == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    *out = desc->cfg;
    return FUSEDRNN_OK;
}

fusedrnn_status fusedrnn_param_count(const fusedrnn_desc *desc, int64_t *count)
{
    if (desc == NULL || count == NULL) return FUSEDRNN_ERR_NULL_POINTER;
    *count = desc->param_count;
    return FUSEDRNN_OK;
}
