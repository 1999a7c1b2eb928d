"""Philox4x32-10 and the dropout keep-mask stream, vectorised in NumPy.

Philox4x32-10 is the counter-based generator of Salmon et al. (SC'11), as in
Random123's ``philox4x32_10``. The dropout stream built on it is specified in
docs/c-api.md ("The dropout stream"):

* key = (low 32 bits of seed, high 32 bits of seed);
* counter = (low 32 bits of index, high 32 bits of index, layer, 0), with
  ``index = (t*N + n)*(D*R) + j`` the row-major position of the element in
  the logical (T, N, D*R) output of the layer being dropped, whatever the
  data layout;
* the element is kept iff ``x0 / 2**32 >= p`` (x0 = first output word).
"""

import numbers

import numpy as np

__all__ = [
    "PHILOX_M0",
    "PHILOX_M1",
    "PHILOX_W0",
    "PHILOX_W1",
    "philox4x32_10",
    "seed_to_key",
    "dropout_keep",
    "dropout_keep_mask",
]

PHILOX_M0 = 0xD2511F53  # multiplier applied to c0
PHILOX_M1 = 0xCD9E8D57  # multiplier applied to c2
PHILOX_W0 = 0x9E3779B9  # key schedule increment of k0 (golden ratio)
PHILOX_W1 = 0xBB67AE85  # key schedule increment of k1 (sqrt(3) - 1)

_MASK32 = np.uint64(0xFFFFFFFF)
_SHIFT32 = np.uint64(32)


def philox4x32_10(counter, key):
    """Apply Philox4x32-10 to every counter.

    counter: array-like of shape (..., 4), values in [0, 2**32).
    key: array-like of shape (2,), values in [0, 2**32).
    Returns a uint32 array of shape (..., 4).
    """
    ctr = _as_uint32_words("counter", counter)
    if ctr.ndim < 1 or ctr.shape[-1] != 4:
        raise ValueError(f"counter: expected shape (..., 4), got {ctr.shape}")
    k = _as_uint32_words("key", key)
    if k.shape != (2,):
        raise ValueError(f"key: expected shape (2,), got {k.shape}")

    # Work in uint64 so that each 32x32 product is exact; every stored word
    # stays below 2**32.
    c0, c1, c2, c3 = (ctr[..., i].astype(np.uint64) for i in range(4))
    k0, k1 = np.uint64(k[0]), np.uint64(k[1])
    m0, m1 = np.uint64(PHILOX_M0), np.uint64(PHILOX_M1)
    w0, w1 = np.uint64(PHILOX_W0), np.uint64(PHILOX_W1)
    for rnd in range(10):
        if rnd > 0:  # key bump between rounds
            k0 = (k0 + w0) & _MASK32
            k1 = (k1 + w1) & _MASK32
        prod0 = m0 * c0
        prod1 = m1 * c2
        hi0, lo0 = prod0 >> _SHIFT32, prod0 & _MASK32
        hi1, lo1 = prod1 >> _SHIFT32, prod1 & _MASK32
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return np.stack([c0, c1, c2, c3], axis=-1).astype(np.uint32)


def _as_uint32_words(name, value):
    arr = np.asarray(value)
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"{name}: expected an integer array, got dtype {arr.dtype}"
        )
    if arr.size and (arr.min() < 0 or arr.max() > 0xFFFFFFFF):
        raise ValueError(
            f"{name}: expected values in [0, 2**32), got range "
            f"[{arr.min()}, {arr.max()}]"
        )
    return arr.astype(np.uint32)


def _check_int_range(name, value, hi):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name}: expected an int, got {type(value).__name__} {value!r}"
        )
    value = int(value)
    if not 0 <= value < hi:
        raise ValueError(
            f"{name}: expected an int in [0, {hi}), got {value}"
        )
    return value


def _check_p(p):
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"p: expected a float in [0, 1), got {type(p).__name__} {p!r}")
    p = float(p)
    if not 0.0 <= p < 1.0:  # also rejects NaN
        raise ValueError(f"p: expected 0 <= p < 1, got {p!r}")
    return p


def seed_to_key(seed):
    """The Philox key (k0, k1) = (low, high) 32 bits of a 64-bit seed."""
    seed = _check_int_range("seed", seed, 1 << 64)
    return np.array([seed & 0xFFFFFFFF, seed >> 32], dtype=np.uint32)


def _keep_from_indices(seed, layer, index, p):
    key = seed_to_key(seed)
    idx = np.asarray(index, dtype=np.uint64)
    counter = np.empty(idx.shape + (4,), dtype=np.uint64)
    counter[..., 0] = idx & _MASK32
    counter[..., 1] = idx >> _SHIFT32
    counter[..., 2] = layer
    counter[..., 3] = 0
    x0 = philox4x32_10(counter, key)[..., 0]
    u = x0.astype(np.float64) / 4294967296.0  # exact: x0 < 2**32
    return u >= p


def dropout_keep(seed, layer, index, p):
    """Scalar form (as ``fusedrnn_dropout_keep``): True iff the element at
    logical index ``index`` of layer ``layer``'s output is kept."""
    seed = _check_int_range("seed", seed, 1 << 64)
    layer = _check_int_range("layer", layer, 1 << 32)
    index = _check_int_range("index", index, 1 << 64)
    p = _check_p(p)
    return bool(_keep_from_indices(seed, layer, index, p))


def dropout_keep_mask(seed, layer, shape_TND, p):
    """Boolean keep mask of shape ``shape_TND`` = (T, N, D*R) for the dropout
    applied to the output of layer ``layer`` (0-based); element (t, n, j) has
    index ``(t*N + n)*(D*R) + j``. To use it with an (N, T, C) layout,
    transpose the mask; the stream does not depend on the layout."""
    seed = _check_int_range("seed", seed, 1 << 64)
    layer = _check_int_range("layer", layer, 1 << 32)
    p = _check_p(p)
    try:
        shape = tuple(int(s) for s in shape_TND)
    except TypeError:
        raise TypeError(
            f"shape_TND: expected a (T, N, D*R) tuple of ints, got {shape_TND!r}"
        ) from None
    if len(shape) != 3 or any(s < 0 for s in shape):
        raise ValueError(
            f"shape_TND: expected 3 non-negative sizes (T, N, D*R), got {shape}"
        )
    total = int(np.prod(shape, dtype=object))
    if total > 1 << 64:
        raise ValueError(f"shape_TND: more than 2**64 elements: {shape}")
    index = np.arange(total, dtype=np.uint64).reshape(shape)
    return _keep_from_indices(seed, layer, index, p)
