/*
 * fusedrnn.h - the one public header of the fusedrnn C core.
 *
 * The fused RNN operator (Elman RNN relu/tanh, LSTM with projection and
 * cell-state clipping, GRU in the "reset after matmul" form) over a flat
 * parameter vector laid out exactly as MXNet's fused RNN operator lays it out.
 *
 * Usage, in order:
 *   1. fusedrnn_config_init(&cfg); fill in the fields you need.
 *   2. fusedrnn_desc_create(&cfg, &desc)   validates the config once.
 *   3. size queries: fusedrnn_param_count, fusedrnn_output_shape,
 *      fusedrnn_state_shape, fusedrnn_cell_state_shape,
 *      fusedrnn_workspace_size, fusedrnn_reserve_size.
 *   4. fusedrnn_forward(desc, &args) with caller-owned buffers.
 *   5. fusedrnn_desc_destroy(desc).
 *
 * Every function returns a fusedrnn_status; fusedrnn_status_message() turns
 * it into text. Nothing here aborts, exits, prints or keeps global mutable
 * state: a descriptor is immutable after creation and may be shared by any
 * number of threads calling fusedrnn_forward concurrently, each with its own
 * buffers.
 */
#ifndef FUSEDRNN_H
#define FUSEDRNN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versioning --------------------------------------------------------- */
#define FUSEDRNN_VERSION_MAJOR 0
#define FUSEDRNN_VERSION_MINOR 1
#define FUSEDRNN_VERSION_PATCH 0
/* MAJOR*10000 + MINOR*100 + PATCH: compare with fusedrnn_version(). */
#define FUSEDRNN_VERSION                                                       \
    (FUSEDRNN_VERSION_MAJOR * 10000 + FUSEDRNN_VERSION_MINOR * 100 +           \
     FUSEDRNN_VERSION_PATCH)

/* ---- visibility --------------------------------------------------------- */
#if defined(_WIN32) || defined(__CYGWIN__)
#  ifdef FUSEDRNN_BUILDING
#    define FUSEDRNN_PUBLIC __declspec(dllexport)
#  else
#    define FUSEDRNN_PUBLIC __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define FUSEDRNN_PUBLIC __attribute__((visibility("default")))
#else
#  define FUSEDRNN_PUBLIC
#endif

/* ---- status ------------------------------------------------------------- */
typedef enum fusedrnn_status {
    FUSEDRNN_OK = 0,
    FUSEDRNN_ERR_NULL_POINTER = -1,        /* a required pointer is NULL */
    FUSEDRNN_ERR_BAD_STRUCT_SIZE = -2,     /* struct_size field not recognised */
    FUSEDRNN_ERR_BAD_MODE = -3,            /* mode is not a fusedrnn_mode */
    FUSEDRNN_ERR_BAD_HIDDEN_SIZE = -4,     /* hidden_size < 1 */
    FUSEDRNN_ERR_BAD_NUM_LAYERS = -5,      /* num_layers < 1 */
    FUSEDRNN_ERR_BAD_INPUT_SIZE = -6,      /* input_size < 1 */
    FUSEDRNN_ERR_BAD_DROPOUT = -7,         /* dropout not in [0, 1) or NaN */
    FUSEDRNN_ERR_BAD_PROJECTION = -8,      /* projection on a non-LSTM mode, or not 0 < P < H */
    FUSEDRNN_ERR_BAD_CLIP = -9,            /* clipping on a non-LSTM mode, NaN bound, or min > max */
    FUSEDRNN_ERR_BAD_DTYPE = -10,          /* dtype is not a fusedrnn_dtype */
    FUSEDRNN_ERR_BAD_LAYOUT = -11,         /* layout is not a fusedrnn_layout */
    FUSEDRNN_ERR_BAD_BACKEND = -12,        /* backend unknown */
    FUSEDRNN_ERR_BACKEND_UNAVAILABLE = -13,/* backend known but not compiled into this build */
    FUSEDRNN_ERR_BAD_FLAG = -14,           /* a boolean field is neither 0 nor 1, or max_threads < 0 */
    FUSEDRNN_ERR_BAD_SEQ_LEN = -15,        /* seq_len (T) < 1 */
    FUSEDRNN_ERR_BAD_BATCH = -16,          /* batch (N) < 1 */
    FUSEDRNN_ERR_BAD_LENGTHS = -17,        /* a sequence length < 0 or > T */
    FUSEDRNN_ERR_MISSING_LENGTHS = -18,    /* use_sequence_length set but lengths NULL */
    FUSEDRNN_ERR_UNEXPECTED_LENGTHS = -19, /* lengths given but use_sequence_length not set */
    FUSEDRNN_ERR_UNEXPECTED_CELL_STATE = -20, /* cx/cy given for a non-LSTM mode */
    FUSEDRNN_ERR_OVERFLOW = -21,           /* a size computation overflows */
    FUSEDRNN_ERR_TOO_LARGE = -22,          /* a matrix dimension exceeds the BLAS int range */
    FUSEDRNN_ERR_WORKSPACE_TOO_SMALL = -23, /* workspace_bytes < fusedrnn_workspace_size */
    FUSEDRNN_ERR_RESERVE_TOO_SMALL = -24,  /* training forward: reserve_bytes < fusedrnn_reserve_size */
    FUSEDRNN_ERR_OUT_OF_MEMORY = -25,      /* descriptor allocation failed */
    FUSEDRNN_ERR_THREAD = -26,             /* a worker thread could not be started */
    FUSEDRNN_ERR_OVERLAP = -27,            /* an output buffer overlaps an input or another output */
    FUSEDRNN_ERR_NOT_IMPLEMENTED = -28     /* a declared feature this build does not provide */
} fusedrnn_status;

/* A static, never-NULL English sentence for any status, known or not. */
FUSEDRNN_PUBLIC const char *fusedrnn_status_message(int status);

/* ---- enums -------------------------------------------------------------- */
typedef enum fusedrnn_mode {
    FUSEDRNN_RNN_RELU = 0, /* G = 1 */
    FUSEDRNN_RNN_TANH = 1, /* G = 1 */
    FUSEDRNN_LSTM = 2,     /* G = 4, gate blocks i, f, g, o */
    FUSEDRNN_GRU = 3       /* G = 3, gate blocks r, z, n; reset after matmul */
} fusedrnn_mode;

typedef enum fusedrnn_dtype {
    FUSEDRNN_FLOAT32 = 0,
    FUSEDRNN_FLOAT64 = 1
} fusedrnn_dtype;

typedef enum fusedrnn_layout {
    FUSEDRNN_TNC = 0, /* data and output are (T, N, C) */
    FUSEDRNN_NTC = 1  /* data and output are (N, T, C); states stay (L*D, N, C) */
} fusedrnn_layout;

typedef enum fusedrnn_backend {
    FUSEDRNN_BACKEND_CPU = 0,
    FUSEDRNN_BACKEND_CUDA = 1 /* reserved: reports FUSEDRNN_ERR_BACKEND_UNAVAILABLE in CPU builds */
} fusedrnn_backend;

/* ---- configuration ------------------------------------------------------ */
/*
 * Plain data. Always start from fusedrnn_config_init(), which sets
 * struct_size and the defaults, so that fields added by later versions keep
 * their defaults in code compiled against this header.
 *
 * Booleans are int and must be exactly 0 or 1.
 */
typedef struct fusedrnn_config {
    uint32_t struct_size;        /* sizeof(fusedrnn_config); set by fusedrnn_config_init */
    int32_t mode;                /* fusedrnn_mode; default FUSEDRNN_LSTM */
    int64_t hidden_size;         /* H >= 1; default 0 (must be set) */
    int64_t num_layers;          /* L >= 1; default 1 */
    int64_t input_size;          /* I >= 1; default 0 (must be set) */
    int32_t bidirectional;       /* D = 2 when 1; default 0 */
    int64_t projection_size;     /* P; 0 = no projection; LSTM only, 0 < P < H */
    double dropout;              /* p in [0, 1); applied between layers in training only */
    int32_t use_clip;            /* 1: clamp the LSTM cell state to [clip_min, clip_max] */
    double clip_min;
    double clip_max;
    int32_t clip_nan;            /* 1: a NaN cell state becomes clip_min at the clamp (docs/c-api.md) */
    int32_t dtype;               /* fusedrnn_dtype; default FUSEDRNN_FLOAT32 */
    int32_t layout;              /* fusedrnn_layout; default FUSEDRNN_TNC */
    int32_t use_sequence_length; /* 1: forward takes per-sequence lengths */
    int32_t backend;             /* fusedrnn_backend; default FUSEDRNN_BACKEND_CPU */
} fusedrnn_config;

/* An immutable, validated descriptor. Opaque. */
typedef struct fusedrnn_desc fusedrnn_desc;

/* ---- version ------------------------------------------------------------ */
/* FUSEDRNN_VERSION of the library actually loaded. */
FUSEDRNN_PUBLIC int fusedrnn_version(void);
/* "MAJOR.MINOR.PATCH", static storage. */
FUSEDRNN_PUBLIC const char *fusedrnn_version_string(void);

/* ---- setup -------------------------------------------------------------- */
FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_config_init(fusedrnn_config *cfg);

/* Validates cfg and, on success, stores a new descriptor in *out (which is
 * set to NULL on any failure). The config is copied; cfg may be reused. */
FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_desc_create(const fusedrnn_config *cfg,
                                                     fusedrnn_desc **out);
/* Frees a descriptor; NULL is accepted and does nothing. */
FUSEDRNN_PUBLIC void fusedrnn_desc_destroy(fusedrnn_desc *desc);

/* A copy of the validated configuration the descriptor holds. */
FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_desc_config(const fusedrnn_desc *desc,
                                                     fusedrnn_config *out);

/* ---- size queries (all sizes in elements unless the name says bytes) ---- */
/* Length of the flat parameter vector (MXNet layout). */
FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_param_count(const fusedrnn_desc *desc,
                                                     int64_t *count);

/* Output shape as the layout orders it: TNC -> (T, N, D*R); NTC -> (N, T, D*R).
 * R = projection_size when set, else hidden_size. */
FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_output_shape(const fusedrnn_desc *desc,
                                                      int64_t seq_len, int64_t batch,
                                                      int64_t shape[3]);
/* h state: (L*D, N, R). */
FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_state_shape(const fusedrnn_desc *desc,
                                                     int64_t batch, int64_t shape[3]);
/* LSTM c state: (L*D, N, H). FUSEDRNN_ERR_UNEXPECTED_CELL_STATE for other modes. */
FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_cell_state_shape(const fusedrnn_desc *desc,
                                                          int64_t batch,
                                                          int64_t shape[3]);
/* Scratch bytes a forward of this size needs (training 0 or 1). */
FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_workspace_size(const fusedrnn_desc *desc,
                                                        int64_t seq_len, int64_t batch,
                                                        int32_t training,
                                                        size_t *bytes);
/* Bytes a training forward keeps for a later backward pass. The layout of
 * the reserve is private and may change between versions. */
FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_reserve_size(const fusedrnn_desc *desc,
                                                      int64_t seq_len, int64_t batch,
                                                      size_t *bytes);

/* ---- execution ---------------------------------------------------------- */
/*
 * Arguments of one forward call. All arrays are dense, C-contiguous, of the
 * descriptor's dtype (lengths are int64), and owned by the caller.
 * Start from fusedrnn_forward_args_init(), which sets struct_size and zeros
 * everything else.
 *
 *   x        (T, N, I) or (N, T, I)     required
 *   params   (param_count,)             required
 *   hx       (L*D, N, R)                NULL means zeros
 *   cx       (L*D, N, H)                LSTM only; NULL means zeros
 *   lengths  (N,) int64                 required iff use_sequence_length
 *   y        output shape               required
 *   hy       (L*D, N, R)                optional final h
 *   cy       (L*D, N, H)                optional final c, LSTM only
 *   workspace / workspace_bytes         >= fusedrnn_workspace_size (NULL ok when 0)
 *   reserve / reserve_bytes             training only: >= fusedrnn_reserve_size
 *   training 0 or 1                     dropout acts only when 1
 *   seed                                keys the dropout masks (see docs/c-api.md)
 *   max_threads                         0 = automatic; 1 = run on the calling thread only
 *
 * Outputs must not overlap inputs or each other (FUSEDRNN_ERR_OVERLAP).
 * On any error status no output buffer has been written.
 */
typedef struct fusedrnn_forward_args {
    uint32_t struct_size;
    int64_t seq_len;
    int64_t batch;
    const void *x;
    const void *params;
    const void *hx;
    const void *cx;
    const int64_t *lengths;
    void *y;
    void *hy;
    void *cy;
    void *workspace;
    size_t workspace_bytes;
    void *reserve;
    size_t reserve_bytes;
    int32_t training;
    uint64_t seed;
    int32_t max_threads;
} fusedrnn_forward_args;

FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_forward_args_init(fusedrnn_forward_args *args);

FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_forward(const fusedrnn_desc *desc,
                                                 const fusedrnn_forward_args *args);

/* ---- dropout stream ----------------------------------------------------- */
/*
 * The exact mask the forward pass uses, exposed so that tests and other
 * implementations can reproduce it: for dropout after layer `layer` (0-based)
 * and logical element index `index` (row-major over (T, N, D*R) whatever the
 * layout), writes 1 to *keep when the element is kept, 0 when dropped.
 */
FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_dropout_keep(uint64_t seed, int64_t layer,
                                                      int64_t index, double p,
                                                      int32_t *keep);

/* The bulk form: keep[i] (0 or 1) = fusedrnn_dropout_keep(seed, stream,
 * offset + i, p) for i < count. The bindings draw the masks of DropoutCell
 * and ZoneoutCell with it, so Python and Perl drop the same elements. */
FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_dropout_mask(uint64_t seed, int64_t stream,
                                                      int64_t offset, int64_t count,
                                                      double p, uint8_t *keep);

/* The index-th seed of a training run keyed by `seed` (docs/c-api.md):
 * a separate Philox domain from the masks, so derived seeds and mask words
 * never coincide by construction. */
FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_derive_seed(uint64_t seed, uint64_t index,
                                                     uint64_t *out);

/* ---- one step of one cell (Gluon's RNNCell, LSTMCell, GRUCell) --------- */
/*
 * A single time step of a single recurrent cell for a batch of N rows, with
 * the cell's own weights (not the flat vector of the fused operator):
 *
 *   i2h_weight (G*H, I)   h2h_weight (G*H, H)   i2h_bias, h2h_bias (G*H,)
 *
 * G = 1 (FUSEDRNN_CELL_RNN), 4 (LSTM, gate blocks i, f, g, o) or 3 (GRU,
 * blocks r, z, n). With gx = x W_i2h^T + b_i2h and gh = h W_h2h^T + b_h2h,
 * act = activation and ract = recurrent_activation:
 *
 *   RNN   h' = act(gx + gh)
 *   LSTM  i, f, o = ract(gx + gh) on their blocks, g = act(gx + gh) on its
 *         block; c' = f * c + i * g; h' = o * act(c')
 *   GRU   r, z = ract(gx + gh) on their blocks;
 *         n = act(gx_n + r * gh_n)  (reset applied after the matmul);
 *         h' = (1 - z) * n + z * h
 *
 * The RNN cell reads only `activation`; all cells validate both fields.
 * Gluon's cells use tanh/sigmoid for LSTM and GRU (the defaults set by
 * fusedrnn_cell_args_init).
 */
typedef enum fusedrnn_cell_type {
    FUSEDRNN_CELL_RNN = 0,  /* G = 1 */
    FUSEDRNN_CELL_LSTM = 1, /* G = 4 */
    FUSEDRNN_CELL_GRU = 2   /* G = 3 */
} fusedrnn_cell_type;

typedef enum fusedrnn_activation {
    FUSEDRNN_ACT_TANH = 0,
    FUSEDRNN_ACT_RELU = 1,     /* max(v, 0); NaN stays NaN */
    FUSEDRNN_ACT_SIGMOID = 2,  /* 1 / (1 + exp(-v)) */
    FUSEDRNN_ACT_SOFTSIGN = 3, /* v / (1 + |v|) */
    FUSEDRNN_ACT_SOFTRELU = 4  /* log(1 + exp(v)); v itself when v > 20 */
} fusedrnn_activation;

/*
 * Arguments of one cell step. Arrays are dense, C-contiguous, of `dtype`
 * and owned by the caller. Start from fusedrnn_cell_args_init(), which sets
 * struct_size, cell = FUSEDRNN_CELL_RNN, activation = FUSEDRNN_ACT_TANH,
 * recurrent_activation = FUSEDRNN_ACT_SIGMOID and zeros everything else.
 *
 *   x         (N, I)          required
 *   h         (N, H)          NULL means zeros
 *   c         (N, H)          LSTM only; NULL means zeros
 *   i2h_weight, h2h_weight, i2h_bias, h2h_bias   required, shapes above
 *   h_out     (N, H)          required: the new h (also the cell's output)
 *   c_out     (N, H)          required for LSTM, must be NULL otherwise
 *   workspace / workspace_bytes   >= fusedrnn_cell_workspace_size
 *
 * Status codes: FUSEDRNN_ERR_BAD_MODE for an unknown cell type or
 * activation; BAD_DTYPE, BAD_BATCH, BAD_INPUT_SIZE, BAD_HIDDEN_SIZE for the
 * sizes; OVERFLOW / TOO_LARGE when a size does not fit; UNEXPECTED_CELL_STATE
 * for c or c_out given to a non-LSTM cell (and NULL_POINTER for a missing
 * c_out on LSTM); WORKSPACE_TOO_SMALL; OVERLAP when an output or the
 * workspace overlaps an input or another output. On any error status
 * nothing has been written.
 */
typedef struct fusedrnn_cell_args {
    uint32_t struct_size;
    int32_t cell;                 /* fusedrnn_cell_type */
    int32_t dtype;                /* fusedrnn_dtype */
    int32_t activation;           /* fusedrnn_activation */
    int32_t recurrent_activation; /* fusedrnn_activation (LSTM and GRU gates) */
    int64_t batch;                /* N >= 1 */
    int64_t input_size;           /* I >= 1 */
    int64_t hidden_size;          /* H >= 1 */
    const void *x;
    const void *h;
    const void *c;
    const void *i2h_weight;
    const void *h2h_weight;
    const void *i2h_bias;
    const void *h2h_bias;
    void *h_out;
    void *c_out;
    void *workspace;
    size_t workspace_bytes;
} fusedrnn_cell_args;

FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_cell_args_init(fusedrnn_cell_args *args);

/* Scratch bytes fusedrnn_cell_step needs for these arguments (reads only the
 * type, dtype, activations and sizes; pointers are not looked at). */
FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_cell_workspace_size(const fusedrnn_cell_args *args,
                                                             size_t *bytes);

/* One step: writes h_out (and c_out for LSTM). Runs on the calling thread
 * (plus whatever threads the BLAS library uses for its GEMMs). */
FUSEDRNN_PUBLIC fusedrnn_status fusedrnn_cell_step(const fusedrnn_cell_args *args);

#ifdef __cplusplus
}
#endif

#endif /* FUSEDRNN_H */
