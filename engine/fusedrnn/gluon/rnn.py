"""``fusedrnn.gluon.rnn``: the counterpart of ``mxnet.gluon.rnn`` on numpy arrays.

Replace ``from mxnet.gluon import rnn`` with ``from fusedrnn.gluon import rnn``.
The fused layers (RNN, LSTM, GRU) and the cells (RNNCell, LSTMCell, GRUCell,
the containers and the modifier cells) all compute through the C core.
"""
from .rnn_cell import (BidirectionalCell, DropoutCell, GRUCell, HybridRecurrentCell,
                       HybridSequentialRNNCell, LSTMCell, RecurrentCell, RNNCell,
                       SequentialRNNCell)
from .rnn_layer import GRU, LSTM, RNN
from .rnn_modifier import ModifierCell, ResidualCell, ZoneoutCell

__all__ = ['RNN', 'LSTM', 'GRU',
           'RecurrentCell', 'HybridRecurrentCell', 'RNNCell', 'LSTMCell', 'GRUCell',
           'SequentialRNNCell', 'HybridSequentialRNNCell', 'BidirectionalCell',
           'DropoutCell', 'ModifierCell', 'ZoneoutCell', 'ResidualCell']
