/*
 * FusedRNN.xs - the thin XS layer of AI::FusedRNN over the fusedrnn C core.
 *
 * Everything here works on plain Perl scalars: sizes are integers, array
 * data are byte strings (in practice the data SV of a PDL, reached through
 * PDL's get_dataref, so no copy is made).  The XS checks every byte length
 * against the descriptor's shapes itself, so it cannot be made to read or
 * write out of bounds even when called directly.  The friendly argument
 * handling (PDLs, named options, messages) lives in lib/AI/FusedRNN.pm.
 */
#define PERL_NO_GET_CONTEXT
#include "EXTERN.h"
#include "perl.h"
#include "XSUB.h"

#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "fusedrnn.h"

typedef fusedrnn_desc *AI__FusedRNN__Desc;

#define FR_DESC_CLASS "AI::FusedRNN::Desc"
#define FR_ERROR_CLASS "AI::FusedRNN::Error"

/* Throws an AI::FusedRNN::Error object carrying the core's status. */
static void
fr_throw(pTHX_ int status, const char *where)
{
    HV *hv = newHV();
    SV *rv;
    (void)hv_stores(hv, "status", newSViv(status));
    (void)hv_stores(hv, "where", newSVpv(where, 0));
    (void)hv_stores(hv, "message",
                    newSVpvf("%s: %s (fusedrnn status %d)", where,
                             fusedrnn_status_message(status), status));
    rv = sv_bless(newRV_noinc((SV *)hv), gv_stashpv(FR_ERROR_CLASS, GV_ADD));
    croak_sv(sv_2mortal(rv));
}

static const char *
fr_describe(pTHX_ SV *sv)
{
    if (!SvOK(sv)) return "undef";
    if (SvROK(sv)) return sv_isobject(sv) ? "an object" : "a reference";
    return "a non-integer value";
}

/* Strict integer conversion: undef, references, non-numeric strings,
 * fractions, NaN/Inf and values outside [lo, hi] croak with `name`. */
static IV
fr_sv_to_iv(pTHX_ SV *sv, const char *name, IV lo, IV hi)
{
    IV v = 0;
    int ok = 0;
    if (SvGMAGICAL(sv)) mg_get(sv);
    if (!SvOK(sv) || SvROK(sv))
        croak("%s: expected an integer, got %s", name, fr_describe(aTHX_ sv));
    if (SvPOK(sv) && !SvIOK(sv) && !SvNOK(sv)) {
        STRLEN len;
        const char *pv = SvPV(sv, len);
        UV uv = 0;
        int flags = grok_number(pv, len, &uv);
        if ((flags & IS_NUMBER_IN_UV) && !(flags & IS_NUMBER_NOT_INT) &&
            !(flags & IS_NUMBER_GREATER_THAN_UV_MAX)) {
            if (flags & IS_NUMBER_NEG) {
                if (uv <= (UV)IV_MAX + 1) { v = uv == (UV)IV_MAX + 1 ? IV_MIN : -(IV)uv; ok = 1; }
            } else if (uv <= (UV)IV_MAX) {
                v = (IV)uv; ok = 1;
            }
        }
    } else if (SvIOK(sv)) {
        if (SvIsUV(sv)) {
            if (SvUVX(sv) <= (UV)IV_MAX) { v = (IV)SvUVX(sv); ok = 1; }
        } else {
            v = SvIVX(sv); ok = 1;
        }
    } else if (SvNOK(sv)) {
        NV nv = SvNVX(sv);
        if (nv == nv && nv >= -9.2233720368547758e18 && nv < 9.2233720368547758e18 &&
            nv == floor(nv)) {
            v = (IV)nv; ok = 1;
        }
    }
    if (!ok) croak("%s: expected an integer, got %s", name, fr_describe(aTHX_ sv));
    if (v < lo || v > hi)
        croak("%s: expected an integer in [%" IVdf ", %" IVdf "], got %" IVdf,
              name, lo, hi, v);
    return v;
}

/* Unsigned 64-bit (the dropout seed): 0 .. 2**64-1, exactly. */
static UV
fr_sv_to_uv(pTHX_ SV *sv, const char *name)
{
    if (SvGMAGICAL(sv)) mg_get(sv);
    if (!SvOK(sv) || SvROK(sv))
        croak("%s: expected a non-negative integer, got %s", name, fr_describe(aTHX_ sv));
    if (SvPOK(sv) && !SvIOK(sv) && !SvNOK(sv)) {
        STRLEN len;
        const char *pv = SvPV(sv, len);
        UV uv = 0;
        int flags = grok_number(pv, len, &uv);
        if ((flags & IS_NUMBER_IN_UV) && !(flags & IS_NUMBER_NOT_INT) &&
            !(flags & IS_NUMBER_GREATER_THAN_UV_MAX) && !(flags & IS_NUMBER_NEG))
            return uv;
    } else if (SvIOK(sv)) {
        if (SvIsUV(sv)) return SvUVX(sv);
        if (SvIVX(sv) >= 0) return (UV)SvIVX(sv);
    } else if (SvNOK(sv)) {
        NV nv = SvNVX(sv);
        if (nv == nv && nv >= 0 && nv < 1.8446744073709552e19 && nv == floor(nv))
            return (UV)nv;
    }
    croak("%s: expected an integer in [0, 2**64-1], got %s", name, fr_describe(aTHX_ sv));
    return 0; /* not reached */
}

static NV
fr_sv_to_nv(pTHX_ SV *sv, const char *name)
{
    if (SvGMAGICAL(sv)) mg_get(sv);
    if (!SvOK(sv) || SvROK(sv) || !looks_like_number(sv))
        croak("%s: expected a number, got %s", name,
              !SvOK(sv) ? "undef" : SvROK(sv) ? "a reference" : "a non-numeric value");
    return SvNV(sv);
}

static fusedrnn_desc *
fr_desc_from_sv(pTHX_ SV *sv, const char *what)
{
    IV iv;
    if (!(SvROK(sv) && sv_derived_from(sv, FR_DESC_CLASS)))
        croak("%s: expected an " FR_DESC_CLASS " object, got %s", what,
              !SvOK(sv) ? "undef" : SvROK(sv) ? "another reference" : "a plain scalar");
    iv = SvIV(SvRV(sv));
    if (iv == 0) croak("%s: the " FR_DESC_CLASS " has been destroyed", what);
    return INT2PTR(fusedrnn_desc *, iv);
}

static size_t
fr_elsize(int32_t dtype)
{
    return dtype == FUSEDRNN_FLOAT64 ? sizeof(double) : sizeof(float);
}

/* n = a*b*c elements, times es bytes, with overflow checks. */
static int
fr_bytes3(const int64_t s[3], size_t es, size_t *out)
{
    uint64_t n = 1;
    int k;
    for (k = 0; k < 3; k++) {
        if (s[k] < 0) return 0;
        if (s[k] != 0 && n > UINT64_MAX / (uint64_t)s[k]) return 0;
        n *= (uint64_t)s[k];
    }
    if (n > SIZE_MAX / es) return 0;
    *out = (size_t)n * es;
    return 1;
}

/* An input buffer: undef gives NULL when optional. */
static const void *
fr_in_buf(pTHX_ SV *sv, const char *name, size_t want, int optional)
{
    STRLEN len;
    const char *pv;
    if (SvGMAGICAL(sv)) mg_get(sv);
    if (!SvOK(sv)) {
        if (optional) return NULL;
        croak("%s: a buffer is required, got undef", name);
    }
    if (SvROK(sv)) croak("%s: expected a byte string, got a reference", name);
    pv = SvPV(sv, len);
    if (SvUTF8(sv)) croak("%s: expected a byte string, got a character string", name);
    if (len != want)
        croak("%s: expected %lu bytes, got %lu", name, (unsigned long)want,
              (unsigned long)len);
    return pv;
}

/* An output buffer: written in place, so it must be a writable string of
 * exactly the right length. */
static void *
fr_out_buf(pTHX_ SV *sv, const char *name, size_t want, int optional)
{
    STRLEN len;
    char *pv;
    if (SvGMAGICAL(sv)) mg_get(sv);
    if (!SvOK(sv)) {
        if (optional) return NULL;
        croak("%s: a buffer is required, got undef", name);
    }
    if (SvROK(sv)) croak("%s: expected a byte string, got a reference", name);
    if (SvREADONLY(sv)) croak("%s: the output buffer is read-only", name);
    if (SvUTF8(sv)) croak("%s: expected a byte string, got a character string", name);
    pv = SvPV_force(sv, len);
    if (len != want)
        croak("%s: expected %lu bytes, got %lu", name, (unsigned long)want,
              (unsigned long)len);
    return pv;
}

static SV *
fr_shape_av(pTHX_ const int64_t s[3])
{
    AV *av = newAV();
    int k;
    for (k = 0; k < 3; k++) av_push(av, newSViv((IV)s[k]));
    return newRV_noinc((SV *)av);
}

MODULE = AI::FusedRNN    PACKAGE = AI::FusedRNN

PROTOTYPES: DISABLE

int
version()
  CODE:
    RETVAL = fusedrnn_version();
  OUTPUT:
    RETVAL

const char *
version_string()
  CODE:
    RETVAL = fusedrnn_version_string();
  OUTPUT:
    RETVAL

int
header_version()
  CODE:
    RETVAL = FUSEDRNN_VERSION;
  OUTPUT:
    RETVAL

const char *
status_message(status)
    SV *status
  CODE:
    RETVAL = fusedrnn_status_message(
        (int)fr_sv_to_iv(aTHX_ status, "status_message: status", INT_MIN, INT_MAX));
  OUTPUT:
    RETVAL

int
_dropout_keep(seed, layer, index, p)
    SV *seed
    SV *layer
    SV *index
    SV *p
  PREINIT:
    int32_t keep = 0;
    fusedrnn_status st;
  CODE:
    st = fusedrnn_dropout_keep((uint64_t)fr_sv_to_uv(aTHX_ seed, "dropout_keep: seed"),
                               (int64_t)fr_sv_to_iv(aTHX_ layer, "dropout_keep: layer", IV_MIN, IV_MAX),
                               (int64_t)fr_sv_to_iv(aTHX_ index, "dropout_keep: index", IV_MIN, IV_MAX),
                               (double)fr_sv_to_nv(aTHX_ p, "dropout_keep: p"), &keep);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::dropout_keep");
    RETVAL = keep;
  OUTPUT:
    RETVAL

# derive_seed(seed, index): the index-th seed of a training run keyed by seed.
UV
_derive_seed(seed, index)
    SV *seed
    SV *index
  PREINIT:
    uint64_t out = 0;
    fusedrnn_status st;
  CODE:
    st = fusedrnn_derive_seed((uint64_t)fr_sv_to_uv(aTHX_ seed, "derive_seed: seed"),
                              (uint64_t)fr_sv_to_uv(aTHX_ index, "derive_seed: index"), &out);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::derive_seed");
    RETVAL = (UV)out;
  OUTPUT:
    RETVAL

# _dropout_mask(seed, stream, offset, count, p): a byte string of count
# bytes, each 0 (dropped) or 1 (kept).
SV *
_dropout_mask(seed, stream, offset, count, p)
    SV *seed
    SV *stream
    SV *offset
    SV *count
    SV *p
  PREINIT:
    fusedrnn_status st;
    uint64_t s;
    IV k, off, n;
    NV pv;
    SV *out;
  CODE:
    s = (uint64_t)fr_sv_to_uv(aTHX_ seed, "dropout_mask: seed");
    k = fr_sv_to_iv(aTHX_ stream, "dropout_mask: stream", 0, (IV)UINT32_MAX);
    off = fr_sv_to_iv(aTHX_ offset, "dropout_mask: offset", 0, IV_MAX);
    /* 2**40 bytes is far beyond any mask a layer needs; refuse before allocating */
    n = fr_sv_to_iv(aTHX_ count, "dropout_mask: count", 0, (IV)1 << 40);
    pv = fr_sv_to_nv(aTHX_ p, "dropout_mask: p");
    if (!(pv >= 0.0 && pv < 1.0))
        fr_throw(aTHX_ FUSEDRNN_ERR_BAD_DROPOUT, "AI::FusedRNN::dropout_mask");
    if (off > IV_MAX - n)
        fr_throw(aTHX_ FUSEDRNN_ERR_OVERFLOW, "AI::FusedRNN::dropout_mask");
    out = newSV((STRLEN)n + 1);
    SvPOK_on(out);
    SvCUR_set(out, (STRLEN)n);
    *SvEND(out) = '\0';
    st = fusedrnn_dropout_mask(s, (int64_t)k, (int64_t)off, (int64_t)n, (double)pv,
                               (uint8_t *)SvPVX(out));
    if (st != FUSEDRNN_OK) {
        SvREFCNT_dec(out);
        fr_throw(aTHX_ st, "AI::FusedRNN::dropout_mask");
    }
    RETVAL = out;
  OUTPUT:
    RETVAL

# _cell_step(cell, dtype, activation, recurrent_activation, N, I, H,
#            x, h, c, i2h_weight, h2h_weight, i2h_bias, h2h_bias)
# Enum codes and sizes as integers; arrays as byte strings of exactly the
# sizes the sizes imply (h, c may be undef for zeros; c only for LSTM).
# Returns (h_out) or, for LSTM, (h_out, c_out) as new byte strings.
void
_cell_step(cell, dtype, activation, recurrent_activation, batch, input_size, hidden_size, x, h, c, i2h_weight, h2h_weight, i2h_bias, h2h_bias)
    SV *cell
    SV *dtype
    SV *activation
    SV *recurrent_activation
    SV *batch
    SV *input_size
    SV *hidden_size
    SV *x
    SV *h
    SV *c
    SV *i2h_weight
    SV *h2h_weight
    SV *i2h_bias
    SV *h2h_bias
  PREINIT:
    fusedrnn_cell_args a;
    fusedrnn_status st;
    size_t es, ws_bytes = 0, b_x, b_h, b_wi, b_wh, b_b;
    int64_t G, s3[3];
    SV *h_out, *c_out = NULL;
    void *ws = NULL;
  PPCODE:
    fusedrnn_cell_args_init(&a);
    a.cell = (int32_t)fr_sv_to_iv(aTHX_ cell, "cell_step: cell", INT32_MIN, INT32_MAX);
    a.dtype = (int32_t)fr_sv_to_iv(aTHX_ dtype, "cell_step: dtype", INT32_MIN, INT32_MAX);
    a.activation = (int32_t)fr_sv_to_iv(aTHX_ activation, "cell_step: activation", INT32_MIN, INT32_MAX);
    a.recurrent_activation = (int32_t)fr_sv_to_iv(aTHX_ recurrent_activation, "cell_step: recurrent_activation", INT32_MIN, INT32_MAX);
    a.batch = (int64_t)fr_sv_to_iv(aTHX_ batch, "cell_step: batch", IV_MIN, IV_MAX);
    a.input_size = (int64_t)fr_sv_to_iv(aTHX_ input_size, "cell_step: input_size", IV_MIN, IV_MAX);
    a.hidden_size = (int64_t)fr_sv_to_iv(aTHX_ hidden_size, "cell_step: hidden_size", IV_MIN, IV_MAX);
    /* the core validates the codes and sizes (and their products) here */
    st = fusedrnn_cell_workspace_size(&a, &ws_bytes);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::cell_step");
    G = a.cell == FUSEDRNN_CELL_LSTM ? 4 : a.cell == FUSEDRNN_CELL_GRU ? 3 : 1;
    es = fr_elsize(a.dtype);
    s3[0] = a.batch; s3[1] = a.input_size; s3[2] = 1;
    if (!fr_bytes3(s3, es, &b_x)) fr_throw(aTHX_ FUSEDRNN_ERR_OVERFLOW, "AI::FusedRNN::cell_step");
    s3[0] = a.batch; s3[1] = a.hidden_size; s3[2] = 1;
    if (!fr_bytes3(s3, es, &b_h)) fr_throw(aTHX_ FUSEDRNN_ERR_OVERFLOW, "AI::FusedRNN::cell_step");
    s3[0] = G; s3[1] = a.hidden_size; s3[2] = a.input_size;
    if (!fr_bytes3(s3, es, &b_wi)) fr_throw(aTHX_ FUSEDRNN_ERR_OVERFLOW, "AI::FusedRNN::cell_step");
    s3[0] = G; s3[1] = a.hidden_size; s3[2] = a.hidden_size;
    if (!fr_bytes3(s3, es, &b_wh)) fr_throw(aTHX_ FUSEDRNN_ERR_OVERFLOW, "AI::FusedRNN::cell_step");
    s3[0] = G; s3[1] = a.hidden_size; s3[2] = 1;
    if (!fr_bytes3(s3, es, &b_b)) fr_throw(aTHX_ FUSEDRNN_ERR_OVERFLOW, "AI::FusedRNN::cell_step");
    /* the outputs are fresh strings, so they cannot alias an input */
    h_out = sv_2mortal(newSV(b_h + 1));
    SvPOK_on(h_out); SvCUR_set(h_out, b_h); *SvEND(h_out) = '\0';
    if (a.cell == FUSEDRNN_CELL_LSTM) {
        c_out = sv_2mortal(newSV(b_h + 1));
        SvPOK_on(c_out); SvCUR_set(c_out, b_h); *SvEND(c_out) = '\0';
    }
    a.x = fr_in_buf(aTHX_ x, "cell_step: x", b_x, 0);
    a.h = fr_in_buf(aTHX_ h, "cell_step: h", b_h, 1);
    if (a.cell == FUSEDRNN_CELL_LSTM) {
        a.c = fr_in_buf(aTHX_ c, "cell_step: c", b_h, 1);
    } else {
        SvGETMAGIC(c);
        if (SvOK(c)) fr_throw(aTHX_ FUSEDRNN_ERR_UNEXPECTED_CELL_STATE, "AI::FusedRNN::cell_step");
    }
    a.i2h_weight = fr_in_buf(aTHX_ i2h_weight, "cell_step: i2h_weight", b_wi, 0);
    a.h2h_weight = fr_in_buf(aTHX_ h2h_weight, "cell_step: h2h_weight", b_wh, 0);
    a.i2h_bias = fr_in_buf(aTHX_ i2h_bias, "cell_step: i2h_bias", b_b, 0);
    a.h2h_bias = fr_in_buf(aTHX_ h2h_bias, "cell_step: h2h_bias", b_b, 0);
    a.h_out = SvPVX(h_out);
    a.c_out = c_out ? SvPVX(c_out) : NULL;
    if (ws_bytes > 0) {
        ws = malloc(ws_bytes);
        if (ws == NULL) fr_throw(aTHX_ FUSEDRNN_ERR_OUT_OF_MEMORY, "AI::FusedRNN::cell_step (workspace)");
    }
    a.workspace = ws;
    a.workspace_bytes = ws_bytes;
    st = fusedrnn_cell_step(&a);
    free(ws);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::cell_step");
    XPUSHs(h_out);
    if (c_out) XPUSHs(c_out);

MODULE = AI::FusedRNN    PACKAGE = AI::FusedRNN::Desc

# Positional, already-normalised fields (lib/AI/FusedRNN.pm builds them
# from a hash); each is still range-checked here.
SV *
_create(klass, mode, hidden_size, num_layers, input_size, bidirectional, projection_size, dropout, use_clip, clip_min, clip_max, clip_nan, dtype, layout, use_sequence_length, backend)
    SV *klass
    SV *mode
    SV *hidden_size
    SV *num_layers
    SV *input_size
    SV *bidirectional
    SV *projection_size
    SV *dropout
    SV *use_clip
    SV *clip_min
    SV *clip_max
    SV *clip_nan
    SV *dtype
    SV *layout
    SV *use_sequence_length
    SV *backend
  PREINIT:
    fusedrnn_config cfg;
    fusedrnn_desc *desc = NULL;
    fusedrnn_status st;
    const char *cls;
  CODE:
    cls = SvOK(klass) && !SvROK(klass) ? SvPV_nolen(klass) : FR_DESC_CLASS;
    fusedrnn_config_init(&cfg);
    cfg.mode = (int32_t)fr_sv_to_iv(aTHX_ mode, "mode", INT32_MIN, INT32_MAX);
    cfg.hidden_size = (int64_t)fr_sv_to_iv(aTHX_ hidden_size, "hidden_size", IV_MIN, IV_MAX);
    cfg.num_layers = (int64_t)fr_sv_to_iv(aTHX_ num_layers, "num_layers", IV_MIN, IV_MAX);
    cfg.input_size = (int64_t)fr_sv_to_iv(aTHX_ input_size, "input_size", IV_MIN, IV_MAX);
    cfg.bidirectional = (int32_t)fr_sv_to_iv(aTHX_ bidirectional, "bidirectional", INT32_MIN, INT32_MAX);
    cfg.projection_size = (int64_t)fr_sv_to_iv(aTHX_ projection_size, "projection_size", IV_MIN, IV_MAX);
    cfg.dropout = (double)fr_sv_to_nv(aTHX_ dropout, "dropout");
    cfg.use_clip = (int32_t)fr_sv_to_iv(aTHX_ use_clip, "use_clip", INT32_MIN, INT32_MAX);
    cfg.clip_min = (double)fr_sv_to_nv(aTHX_ clip_min, "clip_min");
    cfg.clip_max = (double)fr_sv_to_nv(aTHX_ clip_max, "clip_max");
    cfg.clip_nan = (int32_t)fr_sv_to_iv(aTHX_ clip_nan, "clip_nan", INT32_MIN, INT32_MAX);
    cfg.dtype = (int32_t)fr_sv_to_iv(aTHX_ dtype, "dtype", INT32_MIN, INT32_MAX);
    cfg.layout = (int32_t)fr_sv_to_iv(aTHX_ layout, "layout", INT32_MIN, INT32_MAX);
    cfg.use_sequence_length = (int32_t)fr_sv_to_iv(aTHX_ use_sequence_length, "use_sequence_length", INT32_MIN, INT32_MAX);
    cfg.backend = (int32_t)fr_sv_to_iv(aTHX_ backend, "backend", INT32_MIN, INT32_MAX);
    st = fusedrnn_desc_create(&cfg, &desc);
    if (st != FUSEDRNN_OK || desc == NULL)
        fr_throw(aTHX_ st != FUSEDRNN_OK ? (int)st : (int)FUSEDRNN_ERR_NULL_POINTER,
                 "AI::FusedRNN::Desc::new");
    RETVAL = sv_setref_pv(newSV(0), cls, (void *)desc);
  OUTPUT:
    RETVAL

void
DESTROY(self)
    SV *self
  CODE:
    if (SvROK(self)) {
        SV *inner = SvRV(self);
        IV iv = SvIV(inner);
        if (iv != 0) {
            fusedrnn_desc_destroy(INT2PTR(fusedrnn_desc *, iv));
            sv_setiv(inner, 0);
        }
    }

int
CLONE_SKIP(...)
  CODE:
    /* A descriptor belongs to the interpreter that made it: a new ithread
       gets undef instead of a second owner of the same pointer. */
    PERL_UNUSED_VAR(items);
    RETVAL = 1;
  OUTPUT:
    RETVAL

SV *
config(desc)
    AI::FusedRNN::Desc desc
  PREINIT:
    fusedrnn_config c;
    fusedrnn_status st;
    HV *hv;
  CODE:
    st = fusedrnn_desc_config(desc, &c);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::Desc::config");
    hv = newHV();
    (void)hv_stores(hv, "mode", newSViv(c.mode));
    (void)hv_stores(hv, "hidden_size", newSViv((IV)c.hidden_size));
    (void)hv_stores(hv, "num_layers", newSViv((IV)c.num_layers));
    (void)hv_stores(hv, "input_size", newSViv((IV)c.input_size));
    (void)hv_stores(hv, "bidirectional", newSViv(c.bidirectional));
    (void)hv_stores(hv, "projection_size", newSViv((IV)c.projection_size));
    (void)hv_stores(hv, "dropout", newSVnv(c.dropout));
    (void)hv_stores(hv, "use_clip", newSViv(c.use_clip));
    (void)hv_stores(hv, "clip_min", newSVnv(c.clip_min));
    (void)hv_stores(hv, "clip_max", newSVnv(c.clip_max));
    (void)hv_stores(hv, "clip_nan", newSViv(c.clip_nan));
    (void)hv_stores(hv, "dtype", newSViv(c.dtype));
    (void)hv_stores(hv, "layout", newSViv(c.layout));
    (void)hv_stores(hv, "use_sequence_length", newSViv(c.use_sequence_length));
    (void)hv_stores(hv, "backend", newSViv(c.backend));
    RETVAL = newRV_noinc((SV *)hv);
  OUTPUT:
    RETVAL

IV
param_count(desc)
    AI::FusedRNN::Desc desc
  PREINIT:
    int64_t n = 0;
    fusedrnn_status st;
  CODE:
    st = fusedrnn_param_count(desc, &n);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::Desc::param_count");
    RETVAL = (IV)n;
  OUTPUT:
    RETVAL

SV *
output_shape(desc, seq_len, batch)
    AI::FusedRNN::Desc desc
    SV *seq_len
    SV *batch
  PREINIT:
    int64_t s[3];
    fusedrnn_status st;
  CODE:
    st = fusedrnn_output_shape(desc,
            (int64_t)fr_sv_to_iv(aTHX_ seq_len, "output_shape: seq_len", IV_MIN, IV_MAX),
            (int64_t)fr_sv_to_iv(aTHX_ batch, "output_shape: batch", IV_MIN, IV_MAX), s);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::Desc::output_shape");
    RETVAL = fr_shape_av(aTHX_ s);
  OUTPUT:
    RETVAL

SV *
state_shape(desc, batch)
    AI::FusedRNN::Desc desc
    SV *batch
  PREINIT:
    int64_t s[3];
    fusedrnn_status st;
  CODE:
    st = fusedrnn_state_shape(desc,
            (int64_t)fr_sv_to_iv(aTHX_ batch, "state_shape: batch", IV_MIN, IV_MAX), s);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::Desc::state_shape");
    RETVAL = fr_shape_av(aTHX_ s);
  OUTPUT:
    RETVAL

SV *
cell_state_shape(desc, batch)
    AI::FusedRNN::Desc desc
    SV *batch
  PREINIT:
    int64_t s[3];
    fusedrnn_status st;
  CODE:
    st = fusedrnn_cell_state_shape(desc,
            (int64_t)fr_sv_to_iv(aTHX_ batch, "cell_state_shape: batch", IV_MIN, IV_MAX), s);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::Desc::cell_state_shape");
    RETVAL = fr_shape_av(aTHX_ s);
  OUTPUT:
    RETVAL

UV
workspace_size(desc, seq_len, batch, training)
    AI::FusedRNN::Desc desc
    SV *seq_len
    SV *batch
    SV *training
  PREINIT:
    size_t bytes = 0;
    fusedrnn_status st;
  CODE:
    st = fusedrnn_workspace_size(desc,
            (int64_t)fr_sv_to_iv(aTHX_ seq_len, "workspace_size: seq_len", IV_MIN, IV_MAX),
            (int64_t)fr_sv_to_iv(aTHX_ batch, "workspace_size: batch", IV_MIN, IV_MAX),
            (int32_t)fr_sv_to_iv(aTHX_ training, "workspace_size: training", INT32_MIN, INT32_MAX),
            &bytes);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::Desc::workspace_size");
    RETVAL = (UV)bytes;
  OUTPUT:
    RETVAL

UV
reserve_size(desc, seq_len, batch)
    AI::FusedRNN::Desc desc
    SV *seq_len
    SV *batch
  PREINIT:
    size_t bytes = 0;
    fusedrnn_status st;
  CODE:
    st = fusedrnn_reserve_size(desc,
            (int64_t)fr_sv_to_iv(aTHX_ seq_len, "reserve_size: seq_len", IV_MIN, IV_MAX),
            (int64_t)fr_sv_to_iv(aTHX_ batch, "reserve_size: batch", IV_MIN, IV_MAX),
            &bytes);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::Desc::reserve_size");
    RETVAL = (UV)bytes;
  OUTPUT:
    RETVAL

# forward_raw(desc, T, N, x, params, hx, cx, lengths, y, hy, cy, training, seed, max_threads)
# x .. lengths are byte strings read in place (hx, cx, lengths may be undef);
# y, hy, cy are byte strings of exactly the output sizes, written in place
# (hy, cy may be undef).  lengths holds native int64 values.
void
forward_raw(desc, seq_len, batch, x, params, hx, cx, lengths, y, hy, cy, training, seed, max_threads)
    AI::FusedRNN::Desc desc
    SV *seq_len
    SV *batch
    SV *x
    SV *params
    SV *hx
    SV *cx
    SV *lengths
    SV *y
    SV *hy
    SV *cy
    SV *training
    SV *seed
    SV *max_threads
  PREINIT:
    fusedrnn_config c;
    fusedrnn_forward_args a;
    fusedrnn_status st;
    int64_t T, N, cnt, s_x[3], s_y[3], s_h[3], s_c[3];
    size_t es, b_x, b_p, b_y, b_h, b_c = 0, b_len, ws_bytes = 0, rs_bytes = 0;
    int32_t is_lstm;
    void *ws = NULL, *rs = NULL;
  CODE:
    st = fusedrnn_desc_config(desc, &c);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::Desc::forward_raw");
    fusedrnn_forward_args_init(&a);
    T = (int64_t)fr_sv_to_iv(aTHX_ seq_len, "forward_raw: seq_len", IV_MIN, IV_MAX);
    N = (int64_t)fr_sv_to_iv(aTHX_ batch, "forward_raw: batch", IV_MIN, IV_MAX);
    a.seq_len = T;
    a.batch = N;
    a.training = (int32_t)fr_sv_to_iv(aTHX_ training, "forward_raw: training", INT32_MIN, INT32_MAX);
    a.seed = (uint64_t)fr_sv_to_uv(aTHX_ seed, "forward_raw: seed");
    a.max_threads = (int32_t)fr_sv_to_iv(aTHX_ max_threads, "forward_raw: max_threads", 0, INT32_MAX);
    es = fr_elsize(c.dtype);
    is_lstm = c.mode == FUSEDRNN_LSTM;

    /* Shapes (the core validates T, N). */
    st = fusedrnn_output_shape(desc, T, N, s_y);
    if (st == FUSEDRNN_OK) st = fusedrnn_state_shape(desc, N, s_h);
    if (st == FUSEDRNN_OK && is_lstm) st = fusedrnn_cell_state_shape(desc, N, s_c);
    if (st == FUSEDRNN_OK) st = fusedrnn_param_count(desc, &cnt);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::Desc::forward_raw");
    s_x[0] = s_y[0]; s_x[1] = s_y[1]; s_x[2] = c.input_size;
    {
        int64_t s_p[3], s_l[3];
        s_p[0] = cnt; s_p[1] = 1; s_p[2] = 1;
        s_l[0] = N; s_l[1] = 1; s_l[2] = 1;
        if (!fr_bytes3(s_x, es, &b_x) || !fr_bytes3(s_y, es, &b_y) ||
            !fr_bytes3(s_h, es, &b_h) || !fr_bytes3(s_p, es, &b_p) ||
            !fr_bytes3(s_l, sizeof(int64_t), &b_len) ||
            (is_lstm && !fr_bytes3(s_c, es, &b_c)))
            fr_throw(aTHX_ FUSEDRNN_ERR_OVERFLOW, "AI::FusedRNN::Desc::forward_raw");
    }
    /* Outputs first: forcing a shared (copy-on-write) string to be
       writable may move its buffer, and an input aliasing an output must
       then see the same address so that the core reports the overlap. */
    a.y = fr_out_buf(aTHX_ y, "forward_raw: y", b_y, 0);
    a.hy = fr_out_buf(aTHX_ hy, "forward_raw: hy", b_h, 1);
    if (is_lstm) {
        a.cy = fr_out_buf(aTHX_ cy, "forward_raw: cy", b_c, 1);
    } else {
        SvGETMAGIC(cy);
        if (SvOK(cy)) fr_throw(aTHX_ FUSEDRNN_ERR_UNEXPECTED_CELL_STATE, "AI::FusedRNN::Desc::forward_raw");
    }
    a.x = fr_in_buf(aTHX_ x, "forward_raw: x", b_x, 0);
    a.params = fr_in_buf(aTHX_ params, "forward_raw: params", b_p, 0);
    a.hx = fr_in_buf(aTHX_ hx, "forward_raw: hx", b_h, 1);
    if (is_lstm) {
        a.cx = fr_in_buf(aTHX_ cx, "forward_raw: cx", b_c, 1);
    } else {
        SvGETMAGIC(cx);
        if (SvOK(cx)) fr_throw(aTHX_ FUSEDRNN_ERR_UNEXPECTED_CELL_STATE, "AI::FusedRNN::Desc::forward_raw");
    }
    SvGETMAGIC(lengths);
    if (c.use_sequence_length && !SvOK(lengths))
        fr_throw(aTHX_ FUSEDRNN_ERR_MISSING_LENGTHS, "AI::FusedRNN::Desc::forward_raw");
    if (!c.use_sequence_length && SvOK(lengths))
        fr_throw(aTHX_ FUSEDRNN_ERR_UNEXPECTED_LENGTHS, "AI::FusedRNN::Desc::forward_raw");
    a.lengths = (const int64_t *)fr_in_buf(aTHX_ lengths, "forward_raw: lengths", b_len, 1);
    /* The pointers above stay valid: nothing below touches a Perl value
       until the scratch buffers are freed again. */
    st = fusedrnn_workspace_size(desc, T, N, a.training, &ws_bytes);
    if (st == FUSEDRNN_OK && a.training == 1) st = fusedrnn_reserve_size(desc, T, N, &rs_bytes);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::Desc::forward_raw");
    if (ws_bytes > 0) {
        ws = malloc(ws_bytes);
        if (ws == NULL) fr_throw(aTHX_ FUSEDRNN_ERR_OUT_OF_MEMORY, "AI::FusedRNN::Desc::forward_raw (workspace)");
    }
    if (rs_bytes > 0) {
        rs = malloc(rs_bytes);
        if (rs == NULL) {
            free(ws);
            fr_throw(aTHX_ FUSEDRNN_ERR_OUT_OF_MEMORY, "AI::FusedRNN::Desc::forward_raw (reserve)");
        }
    }
    a.workspace = ws;
    a.workspace_bytes = ws_bytes;
    a.reserve = rs;
    a.reserve_bytes = rs_bytes;
    st = fusedrnn_forward(desc, &a);
    free(ws);
    free(rs);
    if (st != FUSEDRNN_OK) fr_throw(aTHX_ st, "AI::FusedRNN::rnn");
    SvSETMAGIC(y);
    if (a.hy) SvSETMAGIC(hy);
    if (a.cy) SvSETMAGIC(cy);
