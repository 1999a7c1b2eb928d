"""The core's random streams: derived seeds and dropout masks (docs/c-api.md).

Both come from the C core's Philox4x32-10, so the Python and Perl bindings
(and any implementation following docs/c-api.md) draw identical values.
"""
import numpy as np

from ._fusedrnn_cffi import ffi, lib
from ._op import _integer, _real
from .errors import raise_for_status

_UINT64_MAX = 2**64 - 1


def derive_seed(seed, index):
    """The index-th seed of a training run keyed by seed (both in [0, 2**64))."""
    out = ffi.new("uint64_t *")
    raise_for_status(lib, ffi, lib.fusedrnn_derive_seed(_integer("seed", seed, 0, _UINT64_MAX),
                                                        _integer("index", index, 0, _UINT64_MAX), out))
    return int(out[0])


def dropout_mask(seed, stream, shape, p):
    """Boolean keep-mask of `shape`: element i (row-major) is kept iff
    fusedrnn_dropout_keep(seed, stream, i, p) keeps it."""
    shape = tuple(int(n) for n in shape)
    keep = np.empty(shape, np.uint8)
    status = lib.fusedrnn_dropout_mask(_integer("seed", seed, 0, _UINT64_MAX),
                                       _integer("stream", stream, 0, 2**32 - 1), 0, keep.size,
                                       _real("p", p), ffi.from_buffer("uint8_t[]", keep))
    raise_for_status(lib, ffi, status, "dropout_mask")
    return keep.view(np.bool_)
