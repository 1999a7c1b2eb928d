"""fusedrnn: the fused RNN operator and MXNet Gluon's rnn API on one C core.

    fusedrnn.rnn(...)            the operator (mx.nd.RNN's contract) on NumPy arrays
    fusedrnn.rnn_param_size(...) length of the flat parameter vector
    fusedrnn.pack_params / unpack_params   flat vector <-> {'l0_i2h_weight': ...}
    fusedrnn.reference           a slow, plain NumPy float64 engine to check against
"""
from ._op import core_version, rnn, rnn_param_size
from .errors import FusedRNNError, FusedRNNResourceError, FusedRNNValueError
from .params import pack_params, unpack_params

__version__ = "0.1.0"

__all__ = [
    "FusedRNNError",
    "FusedRNNResourceError",
    "FusedRNNValueError",
    "__version__",
    "core_version",
    "pack_params",
    "rnn",
    "rnn_param_size",
    "unpack_params",
]
