"""``fusedrnn.gluon.rnn``: the counterpart of ``mxnet.gluon.rnn`` on numpy arrays.

Replace ``from mxnet.gluon import rnn`` with ``from fusedrnn.gluon import rnn``.
"""
from .rnn_layer import GRU, LSTM, RNN

__all__ = ['RNN', 'LSTM', 'GRU']
