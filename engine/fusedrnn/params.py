"""The flat parameter vector of MXNet's fused RNN operator, in pure NumPy.

Layout (see docs/c-api.md and the reference notes):

* all weights first, then all biases;
* inside each group, layer 0 .. L-1, and inside a layer the forward
  direction ``l`` before the reverse direction ``r``;
* per (layer, direction) the weights are ``i2h_weight (G*H, I_l)``,
  ``h2h_weight (G*H, R)`` and, with projection, ``h2r_weight (P, H)``; the
  biases are ``i2h_bias (G*H,)`` and ``h2h_bias (G*H,)`` (``h2r`` has none).

G is the number of gate blocks (1 for the Elman modes, 4 for LSTM, 3 for
GRU); R is the projection size P when set, else H; I_0 is the input size and
I_l = D*R for l > 0. Each matrix is row-major and multiplies as ``x @ W.T``.

Names are ``{l|r}{layer}_{i2h|h2h|h2r}_{weight|bias}``, e.g. ``l0_i2h_weight``.
"""

import numbers

import numpy as np

__all__ = [
    "MODES",
    "num_gates",
    "param_layout",
    "param_size",
    "pack_params",
    "unpack_params",
]

#: Gate blocks per mode, in the order the rows of each matrix hold them.
MODES = {
    "rnn_relu": 1,
    "rnn_tanh": 1,
    "lstm": 4,  # i, f, g, o
    "gru": 3,   # r, z, n
}


def num_gates(mode):
    """Number of gate blocks G for ``mode`` (validated)."""
    _check_mode(mode)
    return MODES[mode]


def _check_mode(mode):
    if not isinstance(mode, str):
        raise TypeError(
            f"mode: expected a str, one of {sorted(MODES)}, "
            f"got {type(mode).__name__} {mode!r}"
        )
    if mode not in MODES:
        raise ValueError(
            f"mode: expected one of {sorted(MODES)}, got {mode!r}"
        )


def _check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name}: expected a positive int, got {type(value).__name__} {value!r}"
        )
    if value < 1:
        raise ValueError(f"{name}: expected an int > 0, got {value!r}")
    return int(value)


def _check_config(input_size, state_size, num_layers, mode, bidirectional,
                  projection_size):
    """Validate a configuration; returns (I, H, L, G, D, P or 0, R)."""
    _check_mode(mode)
    input_size = _check_positive_int("input_size", input_size)
    state_size = _check_positive_int("state_size", state_size)
    num_layers = _check_positive_int("num_layers", num_layers)
    if not isinstance(bidirectional, (bool, np.bool_)) and bidirectional not in (0, 1):
        raise TypeError(
            f"bidirectional: expected a bool, got "
            f"{type(bidirectional).__name__} {bidirectional!r}"
        )
    if projection_size is None:
        proj = 0
    else:
        if isinstance(projection_size, bool) or not isinstance(
                projection_size, numbers.Integral):
            raise TypeError(
                f"projection_size: expected None or an int, got "
                f"{type(projection_size).__name__} {projection_size!r}"
            )
        proj = int(projection_size)
        if mode != "lstm":
            raise ValueError(
                f"projection_size: projection is only supported for mode "
                f"'lstm', got projection_size={proj} with mode {mode!r}"
            )
        if not 0 < proj < state_size:
            raise ValueError(
                f"projection_size: expected 0 < projection_size < state_size "
                f"(= {state_size}), got {proj}"
            )
    gates = MODES[mode]
    dirs = 2 if bidirectional else 1
    rec = proj if proj else state_size
    return input_size, state_size, num_layers, gates, dirs, proj, rec


def param_layout(input_size, state_size, num_layers, mode, bidirectional=False,
                 projection_size=None):
    """Ordered list of ``(name, shape, offset)`` of every parameter in the
    flat vector, in MXNet's order (offsets in elements)."""
    I, H, L, G, D, P, R = _check_config(input_size, state_size, num_layers,
                                        mode, bidirectional, projection_size)
    dir_names = "lr"[:D]
    entries = []
    offset = 0

    def add(name, shape):
        nonlocal offset
        entries.append((name, shape, offset))
        offset += int(np.prod(shape))

    for layer in range(L):
        in_size = I if layer == 0 else D * R
        for d in dir_names:
            add(f"{d}{layer}_i2h_weight", (G * H, in_size))
            add(f"{d}{layer}_h2h_weight", (G * H, R))
            if P:
                add(f"{d}{layer}_h2r_weight", (P, H))
    for layer in range(L):
        for d in dir_names:
            add(f"{d}{layer}_i2h_bias", (G * H,))
            add(f"{d}{layer}_h2h_bias", (G * H,))
    return entries


def param_size(input_size, state_size, num_layers, mode, bidirectional=False,
               projection_size=None):
    """Length of the flat parameter vector."""
    layout = param_layout(input_size, state_size, num_layers, mode,
                          bidirectional, projection_size)
    name, shape, offset = layout[-1]
    return offset + int(np.prod(shape))


def pack_params(params_dict, *, input_size, state_size, num_layers, mode,
                bidirectional=False, projection_size=None, dtype=None):
    """Concatenate named parameters into the flat vector.

    ``params_dict`` maps every name of :func:`param_layout` (and no other) to
    an array of exactly the listed shape. ``dtype`` None means the common
    NumPy result type of the values when that is floating, else float64.
    Returns a new 1-D C-contiguous array.
    """
    layout = param_layout(input_size, state_size, num_layers, mode,
                          bidirectional, projection_size)
    try:
        keys = list(params_dict.keys())
    except AttributeError:
        raise TypeError(
            f"params_dict: expected a mapping of name -> array, got "
            f"{type(params_dict).__name__}"
        ) from None
    expected = [name for name, _, _ in layout]
    expected_set = set(expected)
    missing = [k for k in expected if k not in params_dict]
    extra = [k for k in keys if k not in expected_set]
    if missing:
        raise ValueError(
            f"params_dict: missing key(s) {missing}; expected exactly the keys "
            f"{expected}, got {keys}"
        )
    if extra:
        raise ValueError(
            f"params_dict: unexpected key(s) {extra}; expected exactly the keys "
            f"{expected}, got {keys}"
        )
    arrays = []
    for name, shape, _ in layout:
        arr = np.asarray(params_dict[name])
        if arr.shape != tuple(shape):
            raise ValueError(
                f"params_dict[{name!r}]: expected shape {tuple(shape)}, "
                f"got {arr.shape}"
            )
        if arr.dtype.kind not in "fiu":
            raise TypeError(
                f"params_dict[{name!r}]: expected a real numeric array, got "
                f"dtype {arr.dtype}"
            )
        arrays.append(arr)
    if dtype is None:
        out_dtype = np.result_type(*arrays)
        if out_dtype.kind != "f":
            out_dtype = np.dtype(np.float64)
    else:
        out_dtype = np.dtype(dtype)
    total = param_size(input_size, state_size, num_layers, mode,
                       bidirectional, projection_size)
    flat = np.empty(total, dtype=out_dtype)
    for (name, shape, offset), arr in zip(layout, arrays):
        flat[offset:offset + arr.size] = arr.reshape(-1)
    return flat


def unpack_params(flat, *, input_size, state_size, num_layers, mode,
                  bidirectional=False, projection_size=None):
    """Split a flat parameter vector into a dict name -> array of its shape.

    The dict is ordered as :func:`param_layout`. The arrays are views of
    ``flat`` when it is a contiguous NumPy array (copies otherwise).
    """
    layout = param_layout(input_size, state_size, num_layers, mode,
                          bidirectional, projection_size)
    flat = np.asarray(flat)
    total = param_size(input_size, state_size, num_layers, mode,
                       bidirectional, projection_size)
    if flat.ndim != 1:
        raise ValueError(
            f"flat: expected a 1-D array of length {total}, got shape {flat.shape}"
        )
    if flat.shape[0] != total:
        raise ValueError(
            f"flat: expected length {total} for this configuration, "
            f"got {flat.shape[0]}"
        )
    out = {}
    for name, shape, offset in layout:
        size = int(np.prod(shape))
        out[name] = flat[offset:offset + size].reshape(shape)
    return out
