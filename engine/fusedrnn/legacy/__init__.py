"""``fusedrnn.legacy``: MXNet 0.10's ``mxnet.rnn`` cell API on numpy arrays.

Replace ``mx.rnn`` with ``fusedrnn.legacy`` (``from fusedrnn import legacy as rnn``).
The cells compute through the C core: the basic cells with the
:mod:`fusedrnn.gluon` cells, :class:`FusedRNNCell` with :func:`fusedrnn.rnn`.
MXNet's cells were symbolic; these own numpy parameters, created by
``cell.initialize(...)`` or set with ``cell.set_weights(...)``.
Everything that needs an MXNet Symbol or Module raises NotImplementedError
naming what to use instead. See docs/python.md, "Legacy `mxnet.rnn` API".
"""
from .base import BaseRNNCell, zeros
from .cells import DropoutCell, GRUCell, LSTMCell, RNNCell
from .checkpoint import do_rnn_checkpoint, load_rnn_checkpoint, save_rnn_checkpoint
from .containers import BidirectionalCell, SequentialRNNCell
from .fused import FusedRNNCell
from .io import BucketSentenceIter, DataBatch, encode_sentences
from .modifiers import ModifierCell, ResidualCell, ZoneoutCell
from .params import RNNParams

__all__ = ['BaseRNNCell', 'RNNCell', 'LSTMCell', 'GRUCell', 'FusedRNNCell',
           'SequentialRNNCell', 'BidirectionalCell', 'DropoutCell', 'ModifierCell',
           'ZoneoutCell', 'ResidualCell', 'RNNParams', 'zeros',
           'save_rnn_checkpoint', 'load_rnn_checkpoint', 'do_rnn_checkpoint',
           'encode_sentences', 'BucketSentenceIter', 'DataBatch']
