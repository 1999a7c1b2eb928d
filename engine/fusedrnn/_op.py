"""fusedrnn.rnn: the fused RNN operator (mx.nd.RNN's contract) on NumPy arrays.

Everything is checked here first, so that a mistake names the argument, what
was expected and what was received; then one call into the C core does the
work. Inputs are never written; C-contiguous inputs cross without a copy.
"""
import functools
import math
import numbers

import numpy as np
import scipy_openblas32  # noqa: F401  (loads OpenBLAS before the extension needs it)

from ._fusedrnn_cffi import ffi, lib
from .errors import raise_for_status

MODES = {
    "rnn_relu": lib.FUSEDRNN_RNN_RELU,
    "rnn_tanh": lib.FUSEDRNN_RNN_TANH,
    "lstm": lib.FUSEDRNN_LSTM,
    "gru": lib.FUSEDRNN_GRU,
}
LAYOUTS = {"TNC": lib.FUSEDRNN_TNC, "NTC": lib.FUSEDRNN_NTC}
_DTYPES = {np.dtype(np.float32): lib.FUSEDRNN_FLOAT32, np.dtype(np.float64): lib.FUSEDRNN_FLOAT64}
_UINT64_MAX = 2**64 - 1


# ---- argument checks -------------------------------------------------------

def _describe(value):
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def _integer(name, value, minimum=1, maximum=None):
    if type(value) is not int:  # exact int is the common case; the ABC check is slow
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an integer, got {_describe(value)}")
        value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        bound = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return value


def _flag(name, value):
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, numbers.Integral) and value in (0, 1)):
        return bool(value)
    raise TypeError(f"{name} must be a bool, got {_describe(value)}")


def _real(name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_describe(value)}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} must not be NaN")
    return value


def _float_array(name, value, dtype, shape):
    """A C-contiguous, aligned, native-order array of `dtype` and `shape`.

    Returns the caller's array itself when it already is one.
    """
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {_describe(value)}")
    if value.dtype.kind != "f" or value.dtype.itemsize != dtype.itemsize:
        raise TypeError(f"{name} must have dtype {dtype.name} (the dtype of data), got {value.dtype}")
    if value.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {value.shape}")
    return np.require(value, dtype=dtype, requirements=("C", "A"))


def _lengths(value, batch, seq_len):
    if not isinstance(value, np.ndarray):
        value = np.asarray(value)
    if value.shape != (batch,):
        raise ValueError(f"sequence_length must have shape ({batch},) (the batch size), got {value.shape}")
    if value.dtype.kind in "iu":
        lengths = value.astype(np.int64)
    elif value.dtype.kind == "f":
        # MXNet passes lengths as float arrays; accept them when integral.
        if not np.all(np.isfinite(value)) or np.any(value != np.floor(value)):
            raise ValueError(f"sequence_length must hold whole numbers, got {value.tolist()}")
        lengths = value.astype(np.int64)
    else:
        raise TypeError(f"sequence_length must be an integer or float array, got dtype {value.dtype}")
    bad = np.flatnonzero((lengths < 0) | (lengths > seq_len))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"sequence_length values must be in [0, {seq_len}] (the sequence length T), "
            f"got {int(lengths[i])} at index {i}"
        )
    return np.ascontiguousarray(lengths)


# ---- descriptors -------------------------------------------------------------

@functools.lru_cache(maxsize=128)
def _descriptor(mode, hidden, layers, inputs, bidirectional, projection, dropout,
                clip, clip_nan, dtype_code, layout_code, use_lengths):
    """A validated C descriptor; immutable, so one may serve every thread."""
    cfg = ffi.new("fusedrnn_config *")
    lib.fusedrnn_config_init(cfg)
    cfg.mode = MODES[mode]
    cfg.hidden_size = hidden
    cfg.num_layers = layers
    cfg.input_size = inputs
    cfg.bidirectional = int(bidirectional)
    cfg.projection_size = projection or 0
    cfg.dropout = dropout
    if clip is not None:
        cfg.use_clip = 1
        cfg.clip_min, cfg.clip_max = clip
    cfg.clip_nan = int(clip_nan)
    cfg.dtype = dtype_code
    cfg.layout = layout_code
    cfg.use_sequence_length = int(use_lengths)
    out = ffi.new("fusedrnn_desc **")
    raise_for_status(lib, ffi, lib.fusedrnn_desc_create(cfg, out), "invalid RNN configuration")
    return ffi.gc(out[0], lib.fusedrnn_desc_destroy)


def _options(state_size, num_layers, mode, bidirectional, p, projection_size,
             clip_min, clip_max, clip_nan, layout, use_sequence_length):
    """Checks the operator's options; returns them normalised."""
    hidden = _integer("state_size", state_size)
    layers = _integer("num_layers", num_layers)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {sorted(MODES)}, got {mode!r}")
    bidirectional = _flag("bidirectional", bidirectional)
    p = _real("p", p)
    if not 0.0 <= p < 1.0:
        raise ValueError(f"p (dropout) must be in [0, 1), got {p}")
    if projection_size is not None:
        if mode != "lstm":
            raise ValueError(f"projection_size is only supported by mode 'lstm', got mode {mode!r}")
        projection_size = _integer("projection_size", projection_size)
        if projection_size >= hidden:
            raise ValueError(
                f"projection_size must be smaller than state_size ({hidden}), got {projection_size}")
    if (clip_min is None) != (clip_max is None):
        raise ValueError("lstm_state_clip_min and lstm_state_clip_max must be given together")
    clip = None
    if clip_min is not None:
        if mode != "lstm":
            raise ValueError(f"lstm_state_clip_min/max are only supported by mode 'lstm', got mode {mode!r}")
        lo, hi = _real("lstm_state_clip_min", clip_min), _real("lstm_state_clip_max", clip_max)
        if lo > hi:
            raise ValueError(f"lstm_state_clip_min ({lo}) must not exceed lstm_state_clip_max ({hi})")
        clip = (lo, hi)
    clip_nan = _flag("lstm_state_clip_nan", clip_nan)
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be 'TNC' or 'NTC', got {layout!r}")
    use_lengths = _flag("use_sequence_length", use_sequence_length)
    return hidden, layers, mode, bidirectional, p, projection_size, clip, clip_nan, layout, use_lengths


# typed: 1 and True must not share an entry (True is rejected as a size).
_options_cached = functools.lru_cache(maxsize=256, typed=True)(_options)


def _checked_options(*args):
    try:
        hash(args)
    except TypeError:  # an unhashable option: check it without the cache
        return _options(*args)
    return _options_cached(*args)


def _query(fn, desc, *args, ctype="int64_t[3]"):
    out = ffi.new(ctype)
    raise_for_status(lib, ffi, fn(desc, *args, out))
    return out


@functools.lru_cache(maxsize=256)
def _plan(desc, seq_len, batch, training, is_lstm):
    """Sizes of one call: parameter count, shapes and scratch bytes."""
    return (
        int(_query(lib.fusedrnn_param_count, desc, ctype="int64_t *")[0]),
        tuple(_query(lib.fusedrnn_output_shape, desc, seq_len, batch)),
        tuple(_query(lib.fusedrnn_state_shape, desc, batch)),
        tuple(_query(lib.fusedrnn_cell_state_shape, desc, batch)) if is_lstm else None,
        _query(lib.fusedrnn_workspace_size, desc, seq_len, batch, int(training), ctype="size_t *")[0],
        _query(lib.fusedrnn_reserve_size, desc, seq_len, batch, ctype="size_t *")[0] if training else 0,
    )


# ---- public API ------------------------------------------------------------

def rnn_param_size(input_size, state_size, num_layers, mode, bidirectional=False, projection_size=None):
    """Length of the flat parameter vector, in MXNet's layout."""
    inputs = _integer("input_size", input_size)
    hidden, layers, mode, bidirectional, _, projection, *_ = _options(
        state_size, num_layers, mode, bidirectional, 0.0, projection_size, None, None, False, "TNC", False)
    desc = _descriptor(mode, hidden, layers, inputs, bidirectional, projection, 0.0,
                       None, False, lib.FUSEDRNN_FLOAT32, lib.FUSEDRNN_TNC, False)
    return int(_query(lib.fusedrnn_param_count, desc, ctype="int64_t *")[0])


def rnn(data, parameters, state=None, state_cell=None, sequence_length=None, *,
        state_size, num_layers, mode, bidirectional=False, p=0.0, state_outputs=False,
        projection_size=None, lstm_state_clip_min=None, lstm_state_clip_max=None,
        lstm_state_clip_nan=False, use_sequence_length=False, layout="TNC",
        training=False, seed=0, max_threads=0):
    """The fused RNN operator, as mx.nd.RNN computes it, on NumPy arrays.

    data is (T, N, I) for layout 'TNC' or (N, T, I) for 'NTC'; parameters is the
    flat vector (see pack_params); state (L*D, N, R) and, for LSTM, state_cell
    (L*D, N, H) default to zeros when None. Returns the output (T, N, D*R) in
    the same layout, or (output, hy) / (output, hy, cy) when state_outputs.

    Extensions beyond mx.nd.RNN: `training` turns dropout on, `seed` keys its
    masks (docs/c-api.md gives the exact stream), `max_threads` caps the worker
    threads (0 = automatic, 1 = the calling thread only); the result does not
    depend on it.
    """
    (hidden, layers, mode, bidirectional, p, projection, clip, clip_nan, layout,
     use_lengths) = _checked_options(state_size, num_layers, mode, bidirectional, p, projection_size,
                                     lstm_state_clip_min, lstm_state_clip_max, lstm_state_clip_nan,
                                     layout, use_sequence_length)
    state_outputs = _flag("state_outputs", state_outputs)
    training = _flag("training", training)
    seed = _integer("seed", seed, 0, _UINT64_MAX)
    max_threads = _integer("max_threads", max_threads, 0, 1024)

    if not isinstance(data, np.ndarray):
        raise TypeError(f"data must be a numpy.ndarray, got {_describe(data)}")
    # The native-order float type of data; a big-endian array is converted.
    dtype = {("f", 4): np.dtype(np.float32), ("f", 8): np.dtype(np.float64)}.get(
        (data.dtype.kind, data.dtype.itemsize))
    if dtype is None:
        raise TypeError(f"data must have dtype float32 or float64, got {data.dtype}")
    if data.ndim != 3:
        raise ValueError(f"data must be 3-D ({layout}), got shape {data.shape}")
    if layout == "TNC":
        seq_len, batch, inputs = data.shape
    else:
        batch, seq_len, inputs = data.shape
    for axis, size in (("T", seq_len), ("N", batch), ("I", inputs)):
        if size < 1:
            raise ValueError(f"data must have a non-empty {axis} axis, got shape {data.shape}")
    data = np.require(data, dtype=dtype, requirements=("C", "A"))

    desc = _descriptor(mode, hidden, layers, inputs, bidirectional, projection, p,
                       clip, clip_nan, _DTYPES[dtype], LAYOUTS[layout], use_lengths)
    is_lstm = mode == "lstm"
    count, out_shape, state_shape, cell_shape, ws_bytes, rs_bytes = _plan(desc, seq_len, batch, training, is_lstm)
    parameters = _float_array("parameters", parameters, dtype, (count,))
    if state is not None:
        state = _float_array("state", state, dtype, state_shape)
    if is_lstm:
        if state_cell is not None:
            state_cell = _float_array("state_cell", state_cell, dtype, cell_shape)
    elif state_cell is not None:
        raise ValueError(f"state_cell is only used by mode 'lstm', got it with mode {mode!r}")
    lengths = None
    if use_lengths:
        if sequence_length is None:
            raise ValueError("sequence_length is required when use_sequence_length is True")
        lengths = _lengths(sequence_length, batch, seq_len)
    elif sequence_length is not None:
        raise ValueError("sequence_length was given but use_sequence_length is False")

    output = np.empty(out_shape, dtype)
    hy = np.empty(state_shape, dtype) if state_outputs else None
    cy = np.empty(cell_shape, dtype) if state_outputs and is_lstm else None
    workspace = np.empty(ws_bytes, np.uint8)
    reserve = np.empty(rs_bytes, np.uint8) if training else None

    args = ffi.new("fusedrnn_forward_args *")
    lib.fusedrnn_forward_args_init(args)
    args.seq_len = seq_len
    args.batch = batch
    keep = []  # buffers must outlive the call

    def buf(array, ctype="char[]"):
        if array is None:
            return ffi.NULL
        cdata = ffi.from_buffer(ctype, array)
        keep.append(cdata)
        return cdata

    args.x = buf(data)
    args.params = buf(parameters)
    args.hx = buf(state)
    args.cx = buf(state_cell)
    args.lengths = buf(lengths, "int64_t[]")
    args.y = buf(output)
    args.hy = buf(hy)
    args.cy = buf(cy)
    args.workspace = buf(workspace)
    args.workspace_bytes = ws_bytes
    if reserve is not None:
        args.reserve = buf(reserve)
        args.reserve_bytes = reserve.nbytes
    args.training = int(training)
    args.seed = seed
    args.max_threads = max_threads
    raise_for_status(lib, ffi, lib.fusedrnn_forward(desc, args), "fusedrnn.rnn")

    if not state_outputs:
        return output
    return (output, hy, cy) if is_lstm else (output, hy)


def core_version():
    """Version string of the loaded C core."""
    return ffi.string(lib.fusedrnn_version_string()).decode("ascii")
