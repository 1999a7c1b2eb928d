"""An independent, deliberately plain NumPy reference of the fused RNN forward.

It mirrors ``mx.nd.RNN`` with the semantics fixed in docs/c-api.md (both
biases, GRU reset after the matmul, LSTM projection and cell clipping,
cuDNN-style variable lengths, inter-layer inverted dropout on the Philox
stream). Everything is computed in float64, one time step at a time, with
only the batch dimension vectorised. It is meant to be slow and obviously
right, so that the C core can be checked against it.
"""

import numbers

import numpy as np

from .params import _check_config, param_size, unpack_params
from .philox import dropout_keep_mask

__all__ = ["rnn"]

_LAYOUTS = ("TNC", "NTC")


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------

def _sigmoid(x):
    # 1 / (1 + exp(-x)); exp may overflow to inf for very negative x, which
    # gives the correct limit 0.
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def _as_float_array(name, value, allow_none=False):
    if value is None:
        if allow_none:
            return None
        raise TypeError(f"{name}: expected an array, got None")
    arr = np.asarray(value)
    if arr.dtype.kind not in "fiu":
        raise TypeError(
            f"{name}: expected a real floating-point array, got dtype {arr.dtype}"
        )
    return arr.astype(np.float64)


def _check_bool(name, value):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral) and value in (0, 1):
        return bool(value)
    raise TypeError(f"{name}: expected a bool, got {type(value).__name__} {value!r}")


def _check_shape(name, arr, expected):
    if arr.shape != tuple(expected):
        raise ValueError(
            f"{name}: expected shape {tuple(expected)}, got {arr.shape}"
        )


def _check_clip(mode, clip_min, clip_max):
    """Returns None (no clipping) or (min, max) as floats."""
    if clip_min is None and clip_max is None:
        return None
    if clip_min is None or clip_max is None:
        raise ValueError(
            "lstm_state_clip_min/lstm_state_clip_max: expected both or neither, "
            f"got lstm_state_clip_min={clip_min!r}, lstm_state_clip_max={clip_max!r}"
        )
    if mode != "lstm":
        raise ValueError(
            f"lstm_state_clip_min/max: clipping is only supported for mode 'lstm', "
            f"got mode {mode!r}"
        )
    bounds = []
    for name, v in (("lstm_state_clip_min", clip_min),
                    ("lstm_state_clip_max", clip_max)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(
                f"{name}: expected a finite float, got {type(v).__name__} {v!r}"
            )
        v = float(v)
        if not np.isfinite(v):
            raise ValueError(f"{name}: expected a finite float, got {v!r}")
        bounds.append(v)
    lo, hi = bounds
    if lo > hi:
        raise ValueError(
            "lstm_state_clip_min/max: expected lstm_state_clip_min <= "
            f"lstm_state_clip_max, got min={lo!r} > max={hi!r}"
        )
    return lo, hi


def _check_lengths(sequence_length, use_sequence_length, T, N):
    if not use_sequence_length:
        if sequence_length is not None:
            raise ValueError(
                "sequence_length: expected None because use_sequence_length is "
                "False, got an array"
            )
        return np.full(N, T, dtype=np.int64)
    if sequence_length is None:
        raise ValueError(
            "sequence_length: expected an array of shape "
            f"({N},) because use_sequence_length is True, got None"
        )
    lens = np.asarray(sequence_length)
    if lens.dtype.kind == "f":
        # MXNet passes lengths as a float tensor too; accept whole numbers.
        if not np.all(np.isfinite(lens)) or np.any(lens != np.round(lens)):
            raise ValueError(
                f"sequence_length: expected whole numbers, got {lens.tolist()}"
            )
    elif lens.dtype.kind not in "iu":
        raise TypeError(
            f"sequence_length: expected an integer array, got dtype {lens.dtype}"
        )
    _check_shape("sequence_length", lens, (N,))
    if np.any(lens < 0) or np.any(lens > T):
        raise ValueError(
            f"sequence_length: expected every length in [0, {T}], got {lens.tolist()}"
        )
    return lens.astype(np.int64)


# --------------------------------------------------------------------------
# one cell step, on the rows of the batch that are still running
# --------------------------------------------------------------------------

def _step(mode, x, h, c, w, H, clip, clip_nan):
    """One time step for a batch of rows.

    x (n, I_l), h (n, R), c (n, H) or None; w holds this (layer, dir)'s
    i2h_weight, h2h_weight, i2h_bias, h2h_bias and (projection) h2r_weight.
    Returns (h_new, c_new); h_new is what the layer outputs.
    """
    Wi, Wh = w["i2h_weight"], w["h2h_weight"]
    bi, bh = w["i2h_bias"], w["h2h_bias"]
    xi = x @ Wi.T + bi  # (n, G*H): input part, with its bias
    hh = h @ Wh.T + bh  # (n, G*H): recurrent part, with its bias

    def gate(a, k):
        return a[:, k * H:(k + 1) * H]

    if mode == "rnn_tanh":
        return np.tanh(xi + hh), None
    if mode == "rnn_relu":
        return np.maximum(xi + hh, 0.0), None  # NaN propagates
    if mode == "gru":
        r = _sigmoid(gate(xi, 0) + gate(hh, 0))
        z = _sigmoid(gate(xi, 1) + gate(hh, 1))
        # reset applied after the matmul, with b_hn inside the product
        n = np.tanh(gate(xi, 2) + r * gate(hh, 2))
        return (1.0 - z) * n + z * h, None
    # lstm
    i = _sigmoid(gate(xi, 0) + gate(hh, 0))
    f = _sigmoid(gate(xi, 1) + gate(hh, 1))
    g = np.tanh(gate(xi, 2) + gate(hh, 2))
    o = _sigmoid(gate(xi, 3) + gate(hh, 3))
    c_new = f * c + i * g
    if clip is not None:
        lo, hi = clip
        if clip_nan:
            # C99 fmax/fmin return the non-NaN operand: NaN -> clip_min.
            c_new = np.fmin(np.fmax(c_new, lo), hi)
        else:
            # np.maximum/np.minimum propagate NaN: NaN stays NaN.
            c_new = np.minimum(np.maximum(c_new, lo), hi)
    h_new = o * np.tanh(c_new)
    if "h2r_weight" in w:
        h_new = h_new @ w["h2r_weight"].T  # projection, no bias
    return h_new, c_new


def _run_direction(mode, x_seq, lengths, h0, c0, w, H, R, reverse, clip,
                   clip_nan):
    """Run one direction of one layer over x_seq (T, N, I_l).

    Row b is active at time t iff t < lengths[b]; inactive rows are never
    read, never updated, and output 0. Walking t downwards makes the reverse
    direction start at lengths[b] - 1 from the initial state.
    """
    T, N = x_seq.shape[0], x_seq.shape[1]
    out = np.zeros((T, N, R))
    h = h0.copy()
    c = None if c0 is None else c0.copy()
    times = range(T - 1, -1, -1) if reverse else range(T)
    for t in times:
        rows = np.nonzero(t < lengths)[0]
        if rows.size == 0:
            continue
        x = x_seq[t, rows]  # only the valid rows of step t are read
        h_new, c_new = _step(mode, x, h[rows], None if c is None else c[rows],
                             w, H, clip, clip_nan)
        h[rows] = h_new
        if c is not None:
            c[rows] = c_new
        out[t, rows] = h_new
    return out, h, c


# --------------------------------------------------------------------------
# the operator
# --------------------------------------------------------------------------

def rnn(data, parameters, state=None, state_cell=None, sequence_length=None, *,
        state_size, num_layers, mode, bidirectional=False, p=0.0,
        state_outputs=False, projection_size=None, lstm_state_clip_min=None,
        lstm_state_clip_max=None, lstm_state_clip_nan=False,
        use_sequence_length=False, layout="TNC", training=False, seed=0):
    """Forward of the fused RNN operator, like ``mx.nd.RNN``, in float64.

    data: (T, N, I) for layout 'TNC', (N, T, I) for 'NTC'.
    parameters: flat vector in MXNet's layout (see fusedrnn.params).
    state: (L*D, N, R) initial h, None for zeros.
    state_cell: (L*D, N, H) initial c (LSTM only), None for zeros.
    sequence_length: (N,) lengths in [0, T], given iff use_sequence_length.

    Returns output ((T, N, D*R) or (N, T, D*R)) or, with state_outputs,
    (output, hy) and for LSTM (output, hy, cy); all float64 arrays.
    """
    # ---- options ----------------------------------------------------------
    if not isinstance(layout, str) or layout not in _LAYOUTS:
        raise ValueError(f"layout: expected one of {list(_LAYOUTS)}, got {layout!r}")
    bidirectional = _check_bool("bidirectional", bidirectional)
    state_outputs = _check_bool("state_outputs", state_outputs)
    use_sequence_length = _check_bool("use_sequence_length", use_sequence_length)
    training = _check_bool("training", training)
    lstm_state_clip_nan = _check_bool("lstm_state_clip_nan", lstm_state_clip_nan)
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"p: expected a float in [0, 1), got {type(p).__name__} {p!r}")
    p = float(p)
    if not 0.0 <= p < 1.0:
        raise ValueError(f"p: expected 0 <= p < 1, got {p!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed: expected an int in [0, 2**64), got {type(seed).__name__} {seed!r}"
        )
    if not 0 <= seed < 1 << 64:
        raise ValueError(f"seed: expected an int in [0, 2**64), got {seed!r}")

    # ---- data and configuration -----------------------------------------
    data = _as_float_array("data", data)
    if data.ndim != 3:
        raise ValueError(
            f"data: expected a 3-D array ({'T, N, I' if layout == 'TNC' else 'N, T, I'}), "
            f"got shape {data.shape}"
        )
    x = data if layout == "TNC" else data.transpose(1, 0, 2)
    T, N, I = x.shape
    if T < 1 or N < 1 or I < 1:
        raise ValueError(
            f"data: expected every dimension >= 1, got shape {data.shape}"
        )
    I, H, L, G, D, P, R = _check_config(I, state_size, num_layers, mode,
                                        bidirectional, projection_size)
    clip = _check_clip(mode, lstm_state_clip_min, lstm_state_clip_max)
    is_lstm = mode == "lstm"

    # ---- parameters and states -------------------------------------------
    parameters = _as_float_array("parameters", parameters)
    n_params = param_size(I, H, L, mode, bidirectional, projection_size)
    if parameters.shape != (n_params,):
        raise ValueError(
            f"parameters: expected a flat vector of shape ({n_params},) for "
            f"mode={mode!r}, input_size={I} (from data), state_size={H}, "
            f"num_layers={L}, bidirectional={bidirectional}, "
            f"projection_size={projection_size}; got shape {parameters.shape}"
        )
    weights = unpack_params(parameters, input_size=I, state_size=H,
                            num_layers=L, mode=mode, bidirectional=bidirectional,
                            projection_size=projection_size)

    if state is None:
        h0 = np.zeros((L * D, N, R))
    else:
        h0 = _as_float_array("state", state)
        _check_shape("state", h0, (L * D, N, R))
    if is_lstm:
        if state_cell is None:
            c0 = np.zeros((L * D, N, H))
        else:
            c0 = _as_float_array("state_cell", state_cell)
            _check_shape("state_cell", c0, (L * D, N, H))
    else:
        if state_cell is not None:
            raise ValueError(
                f"state_cell: expected None for mode {mode!r} (only 'lstm' has "
                "a cell state), got an array"
            )
        c0 = None

    lengths = _check_lengths(sequence_length, use_sequence_length, T, N)

    # ---- layers -------------------------------------------------------------
    hy = np.zeros((L * D, N, R))
    cy = np.zeros((L * D, N, H)) if is_lstm else None
    layer_in = x
    for layer in range(L):
        outs = []
        for d in range(D):
            prefix = f"{'lr'[d]}{layer}_"
            w = {k[len(prefix):]: v for k, v in weights.items()
                 if k.startswith(prefix)}
            s = layer * D + d
            out, h_last, c_last = _run_direction(
                mode, layer_in, lengths, h0[s], None if c0 is None else c0[s],
                w, H, R, reverse=(d == 1), clip=clip,
                clip_nan=lstm_state_clip_nan)
            outs.append(out)
            hy[s] = h_last
            if is_lstm:
                cy[s] = c_last
        layer_out = np.concatenate(outs, axis=2)  # [forward | reverse]
        if training and p > 0.0 and layer < L - 1:
            keep = dropout_keep_mask(seed, layer, layer_out.shape, p)
            scale = 1.0 / (1.0 - p)
            layer_out = np.where(keep, layer_out * scale, 0.0)
        layer_in = layer_out

    output = layer_in if layout == "TNC" else layer_in.transpose(1, 0, 2)
    output = np.ascontiguousarray(output)
    if not state_outputs:
        return output
    if is_lstm:
        return output, hy, cy
    return output, hy
