"""The single place where fusedrnn.gluon's cells call the C core.

:func:`cell_step` runs ``fusedrnn_cell_step`` (libc/src/cell.c): one time
step of one RNN, LSTM or GRU cell for a batch, with the cell's own weight
and bias arrays. The callers (``rnn_cell``) have already checked shapes and
dtypes and give arrays of one dtype (float32 or float64).
"""
import numpy as np
import scipy_openblas32  # noqa: F401  (loads OpenBLAS before the extension needs it)

from .._fusedrnn_cffi import ffi, lib
from ..errors import raise_for_status

__all__ = ['ACTIVATIONS', 'cell_step']

#: Activation names the C core knows, as Gluon spells them.
ACTIVATIONS = {
    'tanh': lib.FUSEDRNN_ACT_TANH,
    'relu': lib.FUSEDRNN_ACT_RELU,
    'sigmoid': lib.FUSEDRNN_ACT_SIGMOID,
    'softsign': lib.FUSEDRNN_ACT_SOFTSIGN,
    'softrelu': lib.FUSEDRNN_ACT_SOFTRELU,
}
_CELLS = {'rnn': lib.FUSEDRNN_CELL_RNN, 'lstm': lib.FUSEDRNN_CELL_LSTM,
          'gru': lib.FUSEDRNN_CELL_GRU}
_DTYPES = {np.dtype(np.float32): lib.FUSEDRNN_FLOAT32, np.dtype(np.float64): lib.FUSEDRNN_FLOAT64}


def cell_step(kind, x, h, c, i2h_weight, h2h_weight, i2h_bias, h2h_bias,
              activation='tanh', recurrent_activation='sigmoid'):
    """One step of a ``kind`` ('rnn', 'lstm' or 'gru') cell.

    ``x`` is (N, I), ``h`` and ``c`` (N, H) (``c`` only for 'lstm'; either
    may be None for zeros). Returns ``(h_new, c_new)``, ``c_new`` None
    except for LSTM. New arrays; nothing given is written.
    """
    dtype = np.dtype(i2h_weight.dtype)
    arrays = [np.ascontiguousarray(a, dtype) if a is not None else None
              for a in (x, h, c, i2h_weight, h2h_weight, i2h_bias, h2h_bias)]
    x, h, c, wi, wh, bi, bh = arrays
    batch, hidden = x.shape[0], wh.shape[1]
    is_lstm = kind == 'lstm'

    args = ffi.new('fusedrnn_cell_args *')
    lib.fusedrnn_cell_args_init(args)
    args.cell = _CELLS[kind]
    args.dtype = _DTYPES[dtype]
    args.activation = ACTIVATIONS[activation]
    args.recurrent_activation = ACTIVATIONS[recurrent_activation]
    args.batch = batch
    args.input_size = x.shape[1]
    args.hidden_size = hidden
    size = ffi.new('size_t *')
    raise_for_status(lib, ffi, lib.fusedrnn_cell_workspace_size(args, size),
                     'fusedrnn cell step')

    h_out = np.empty((batch, hidden), dtype)
    c_out = np.empty((batch, hidden), dtype) if is_lstm else None
    workspace = np.empty(size[0], np.uint8)
    keep = []  # buffers must outlive the call

    def buf(array):
        if array is None:
            return ffi.NULL
        cdata = ffi.from_buffer('char[]', array)
        keep.append(cdata)
        return cdata

    args.x = buf(x)
    args.h = buf(h)
    args.c = buf(c) if is_lstm else ffi.NULL
    args.i2h_weight = buf(wi)
    args.h2h_weight = buf(wh)
    args.i2h_bias = buf(bi)
    args.h2h_bias = buf(bh)
    args.h_out = buf(h_out)
    args.c_out = buf(c_out)
    args.workspace = buf(workspace)
    args.workspace_bytes = workspace.nbytes
    raise_for_status(lib, ffi, lib.fusedrnn_cell_step(args), 'fusedrnn cell step')
    return h_out, c_out
