"""Read and write MXNet 1.x NDArray list files (``.params``, ``mx.nd.save``).

Pure NumPy; MXNet is never imported.

Layout of a file (all integers little-endian)::

    u64  list magic, always 0x112
    u64  reserved, 0
    u64  number of arrays
    ...  that many arrays, each:
         u32  array magic (0xF993FAC9 in 1.x; 0xF993FACA when written with
              numpy-shape semantics by ``npx.save``)
         i32  storage type (0 dense; 1 row_sparse and 2 csr are refused here)
         i32  ndim, then ndim x i64 dims
         i32  device type, i32 device id (ignored on reading)
         i32  dtype flag (see ``_FLAG_TO_DTYPE``)
         ...  the elements, C order
    u64  number of names (0, or the number of arrays)
    ...  each name: u64 byte length, then UTF-8 bytes

Two older per-array layouts are also read: magic 0xF993FAC8 (a u32 ndim and
i64 dims, no storage type) and the oldest one, where the first u32 is the
ndim itself, followed by u32 dims.  Those two come from the format's history
rather than from files at hand.

Every size claimed by the file is checked against the bytes actually left
before anything is allocated; any inconsistency is reported as ``ValueError``
naming the source and the offset.
"""

from __future__ import annotations

import os
import struct
from typing import Dict, List, Mapping, Sequence, Union

import numpy as np

__all__ = ["load", "loads", "save", "dumps", "LIST_MAGIC", "ARRAY_MAGIC_V2",
           "ARRAY_MAGIC_V3"]

LIST_MAGIC = 0x112
ARRAY_MAGIC_V1 = 0xF993FAC8
ARRAY_MAGIC_V2 = 0xF993FAC9
ARRAY_MAGIC_V3 = 0xF993FACA

# mshadow's type flags, as MXNet 1.9.1 writes them
_FLAG_TO_DTYPE = {
    0: np.dtype("<f4"),
    1: np.dtype("<f8"),
    2: np.dtype("<f2"),
    3: np.dtype("u1"),
    4: np.dtype("<i4"),
    5: np.dtype("i1"),
    6: np.dtype("<i8"),
    7: np.dtype("?"),
}
# keyed by (kind, itemsize) so that either byte order maps to the same flag
_KIND_TO_FLAG = {(dt.kind, dt.itemsize): flag for flag, dt in _FLAG_TO_DTYPE.items()}
_STORAGE_NAMES = {-1: "undefined", 0: "default", 1: "row_sparse", 2: "csr"}
_CPU = 1
# the oldest layout stores ndim where later files put a magic; anything
# larger than this is not read as such an ndim
_LEGACY_MAX_NDIM = 32

Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]
Loaded = Union[Dict[str, np.ndarray], List[np.ndarray]]


class _Reader:
    """A bounds-checked cursor over the file's bytes."""

    def __init__(self, buf: memoryview, source: str):
        self.buf = buf
        self.pos = 0
        self.source = source

    @property
    def left(self) -> int:
        return len(self.buf) - self.pos

    def fail(self, what: str, at: int = None) -> ValueError:
        at = self.pos if at is None else at
        return ValueError("%s: %s (at byte offset %d of %d)"
                          % (self.source, what, at, len(self.buf)))

    def take(self, n: int, what: str) -> memoryview:
        if n < 0 or n > self.left:
            raise self.fail("truncated or corrupt: %s needs %d bytes, only %d left"
                            % (what, n, self.left))
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str, what: str):
        size = struct.calcsize(fmt)
        return struct.unpack(fmt, self.take(size, what))[0]

    def u32(self, what):
        return self.unpack("<I", what)

    def i32(self, what):
        return self.unpack("<i", what)

    def u64(self, what):
        return self.unpack("<Q", what)


def _read_dims(r: _Reader, ndim: int, fmt: str, where: str) -> tuple:
    width = struct.calcsize(fmt)
    if ndim * width > r.left:
        raise r.fail("truncated or corrupt: %s claims %d dimensions, only %d bytes left"
                     % (where, ndim, r.left))
    raw = r.take(ndim * width, where + " shape")
    dims = struct.unpack("<%d%s" % (ndim, fmt[-1]), raw) if ndim else ()
    for d in dims:
        if d < 0:
            raise r.fail("%s has an unknown or negative dimension in shape %s"
                         % (where, dims))
    return tuple(int(d) for d in dims)


def _read_payload(r: _Reader, shape: tuple, where: str) -> np.ndarray:
    r.i32(where + " device type")
    r.i32(where + " device id")
    flag = r.i32(where + " dtype flag")
    dtype = _FLAG_TO_DTYPE.get(flag)
    if dtype is None:
        raise r.fail("%s has unknown dtype flag %d (known: %s)"
                     % (where, flag, ", ".join("%d=%s" % (k, v.name)
                                               for k, v in sorted(_FLAG_TO_DTYPE.items()))))
    count = 1
    for d in shape:
        count *= d
    nbytes = count * dtype.itemsize
    if nbytes > r.left:
        raise r.fail("truncated or corrupt: %s of shape %s and dtype %s needs %d bytes "
                     "of data, only %d left" % (where, shape, dtype.name, nbytes, r.left))
    raw = r.take(nbytes, where + " data")
    if count == 0:
        return np.zeros(shape, dtype=dtype.newbyteorder("="))
    arr = np.frombuffer(raw, dtype=dtype, count=count).reshape(shape)
    return arr.astype(dtype.newbyteorder("="), copy=True)


def _read_array(r: _Reader, index: int) -> np.ndarray:
    where = "array #%d" % index
    start = r.pos
    magic = r.u32(where + " magic")
    if magic in (ARRAY_MAGIC_V2, ARRAY_MAGIC_V3):
        stype = r.i32(where + " storage type")
        if stype != 0:
            kind = _STORAGE_NAMES.get(stype)
            if kind in ("row_sparse", "csr"):
                raise r.fail("%s uses %s (sparse) storage, which is not supported; "
                             "only dense arrays can be read" % (where, kind), start)
            raise r.fail("%s has unknown storage type %d" % (where, stype), start)
        ndim = r.i32(where + " ndim")
        # 1.x shape rules: ndim 0 means "no array"; numpy-shape files use -1
        # for that and 0 for a scalar
        is_none = ndim < 0 or (ndim == 0 and magic == ARRAY_MAGIC_V2)
        if is_none:
            raise r.fail("%s is an empty placeholder NDArray with no shape and no data; "
                         "it cannot be represented as a numpy array" % where, start)
        shape = _read_dims(r, ndim, "<q", where)
    elif magic == ARRAY_MAGIC_V1:
        ndim = r.u32(where + " ndim")
        if ndim == 0:
            raise r.fail("%s is an empty placeholder NDArray with no shape and no data; "
                         "it cannot be represented as a numpy array" % where, start)
        shape = _read_dims(r, ndim, "<q", where)
    elif magic <= _LEGACY_MAX_NDIM:
        ndim = magic
        if ndim == 0:
            raise r.fail("%s is an empty placeholder NDArray with no shape and no data; "
                         "it cannot be represented as a numpy array" % where, start)
        shape = _read_dims(r, ndim, "<I", where)
    else:
        raise r.fail("%s does not start with a known NDArray magic (found 0x%08X)"
                     % (where, magic), start)
    return _read_payload(r, shape, where)


def loads(data: Union[bytes, bytearray, memoryview], source: str = "<bytes>") -> Loaded:
    """Parse the bytes of an NDArray list file.

    Returns ``{name: array}`` when the file stores names, else a list in file
    order (as ``mx.nd.load`` does).  Raises ``ValueError`` for anything that
    is not a well-formed dense file.
    """
    buf = memoryview(bytes(data) if not isinstance(data, (bytes, memoryview)) else data)
    if buf.ndim != 1 or buf.itemsize != 1:
        buf = buf.cast("B")
    r = _Reader(buf, source)
    if len(buf) < 24:
        raise r.fail("too short for an MXNet NDArray file (%d bytes; the header alone "
                     "is 24)" % len(buf), 0)
    magic = r.u64("file magic")
    if magic != LIST_MAGIC:
        raise r.fail("not an MXNet NDArray file: magic is 0x%X, expected 0x%X"
                     % (magic, LIST_MAGIC), 0)
    r.u64("reserved field")
    count = r.u64("array count")
    # the smallest array record is 4 bytes; never trust a count the rest of
    # the file could not possibly hold
    if count > r.left // 4:
        raise r.fail("corrupt: claims %d arrays but only %d bytes follow"
                     % (count, r.left), 16)
    arrays = [_read_array(r, i) for i in range(count)]

    nnames = r.u64("name count")
    if nnames not in (0, count):
        raise r.fail("corrupt: %d names for %d arrays" % (nnames, count), r.pos - 8)
    names = []
    for i in range(nnames):
        length = r.u64("length of name #%d" % i)
        if length > r.left:
            raise r.fail("truncated or corrupt: name #%d claims %d bytes, only %d left"
                         % (i, length, r.left), r.pos - 8)
        raw = r.take(length, "name #%d" % i)
        try:
            names.append(bytes(raw).decode("utf-8"))
        except UnicodeDecodeError:
            raise r.fail("name #%d is not valid UTF-8" % i, r.pos - length) from None
    if r.left:
        raise r.fail("corrupt: %d unexpected bytes after the last name" % r.left)
    if not names:
        return arrays
    out: Dict[str, np.ndarray] = {}
    for name, arr in zip(names, arrays):
        if name in out:
            raise ValueError("%s: name %r appears twice" % (source, name))
        out[name] = arr
    return out


def load(src: Source) -> Loaded:
    """Load an NDArray list file from a path, or from its bytes.

    ``{name: ndarray}`` for named files (``save_parameters``, ``mx.nd.save``
    of a dict), a list for unnamed ones.
    """
    if isinstance(src, (bytes, bytearray, memoryview)):
        return loads(src, "<bytes>")
    path = os.fspath(src)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except IsADirectoryError:
        raise ValueError("%s: is a directory, not an NDArray file" % path) from None
    return loads(data, path)


def _encode_array(out: list, arr: np.ndarray, label: str, np_shape: bool) -> None:
    dtype = arr.dtype
    flag = _KIND_TO_FLAG.get((dtype.kind, dtype.itemsize))
    if flag is None:
        raise ValueError("%s: dtype %s cannot be stored in an MXNet NDArray file "
                         "(supported: %s)" % (label, dtype, ", ".join(
                             sorted(d.name for d in _FLAG_TO_DTYPE.values()))))
    if arr.ndim == 0 and not np_shape:
        raise ValueError("%s: a 0-d array cannot be written in the 1.x layout (ndim 0 "
                         "means 'no array' there); reshape it to (1,) or pass "
                         "np_shape=True" % label)
    le = _FLAG_TO_DTYPE[flag]
    data = np.ascontiguousarray(arr, dtype=le)
    out.append(struct.pack("<Ii", ARRAY_MAGIC_V3 if np_shape else ARRAY_MAGIC_V2, 0))
    out.append(struct.pack("<i", arr.ndim))
    out.append(struct.pack("<%dq" % arr.ndim, *arr.shape))
    out.append(struct.pack("<iii", _CPU, 0, flag))
    out.append(data.tobytes(order="C"))


def dumps(arrays: Union[Mapping[str, np.ndarray], Sequence[np.ndarray]],
          np_shape: bool = False) -> bytes:
    """The bytes ``save`` would write."""
    if isinstance(arrays, Mapping):
        names = list(arrays.keys())
        values = [arrays[k] for k in names]
        for k in names:
            if not isinstance(k, str):
                raise ValueError("array names must be str, got %r" % (k,))
    elif isinstance(arrays, (list, tuple)):
        names, values = [], list(arrays)
    else:
        raise ValueError("expected a dict of name -> array or a list of arrays, got %s"
                         % type(arrays).__name__)
    out = [struct.pack("<QQQ", LIST_MAGIC, 0, len(values))]
    for i, v in enumerate(values):
        label = ("array %r" % names[i]) if names else ("array #%d" % i)
        _encode_array(out, np.asarray(v), label, np_shape)
    out.append(struct.pack("<Q", len(names)))
    for k in names:
        raw = k.encode("utf-8")
        out.append(struct.pack("<Q", len(raw)))
        out.append(raw)
    return b"".join(out)


def save(path: Union[str, "os.PathLike[str]"],
         arrays: Union[Mapping[str, np.ndarray], Sequence[np.ndarray]],
         np_shape: bool = False) -> None:
    """Write arrays in the layout ``mx.nd.save``/``save_parameters`` use.

    A dict keeps its names (what ``load_parameters`` expects); a list is
    written unnamed.  ``np_shape=True`` writes the numpy-shape variant that
    ``npx.save`` produces (needed for 0-d arrays; MXNet 1.x only reads it in
    numpy mode).
    """
    data = dumps(arrays, np_shape=np_shape)
    with open(os.fspath(path), "wb") as f:
        f.write(data)
