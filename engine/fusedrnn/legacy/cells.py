"""The basic legacy cells RNNCell, LSTMCell, GRUCell (and DropoutCell).

Each wraps the matching :mod:`fusedrnn.gluon` cell, which computes a step
through the C core. The Gluon cell takes its parameters from the legacy
cell's :class:`RNNParams`, so the names are MXNet 0.10's:
``{prefix}i2h_weight``, ``{prefix}i2h_bias``, ``{prefix}h2h_weight``,
``{prefix}h2h_bias``.
"""
import numbers

import numpy as np

from ..gluon import initializer as _init
from ..gluon import rnn as _gluon
from ..gluon.errors import InvalidArgumentError
from ._symbolic import is_symbolic
from . import _sequence as seq
from .base import BaseRNNCell

__all__ = ['RNNCell', 'LSTMCell', 'GRUCell', 'DropoutCell']


def _num_hidden(value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
            or value <= 0:
        raise InvalidArgumentError('num_hidden must be a positive integer, got %r' % (value,))
    return int(value)


class _GluonBackedCell(BaseRNNCell):
    """A legacy cell computing with one Gluon cell that shares its parameters."""

    def _attach(self, gluon_cell):
        self._gluon = gluon_cell
        self.params._adopt(gluon_cell.params)

    def _state_info(self, batch_size):
        return self._gluon.state_info(batch_size)

    def _step_impl(self, inputs, states):
        return self._gluon.forward(inputs, states)

    def reset(self):
        super().reset()
        if hasattr(self, '_gluon'):
            self._gluon.reset()


class _GatedCell(_GluonBackedCell):
    def _set_input_size(self, input_size):
        param = self._gluon.i2h_weight
        rows, cols = param.shape
        if cols == 0:
            param.shape = (rows, input_size)
        elif cols != input_size:
            raise InvalidArgumentError('%s %r has input size %d, not %d'
                                       % (type(self).__name__, self._prefix, cols, input_size))
        return self._num_hidden

    def __repr__(self):
        return '%s(num_hidden=%d, prefix=%r)' % (type(self).__name__, self._num_hidden,
                                                  self._prefix)


class RNNCell(_GatedCell):
    """Elman cell ``h' = activation(W_i2h x + b_i2h + W_h2h h + b_h2h)``, one state (N, H)."""

    _gate_names = ('',)

    def __init__(self, num_hidden, activation='tanh', prefix='rnn_', params=None):
        if is_symbolic(activation) or callable(activation):
            raise NotImplementedError('RNNCell activation must be a name (\'tanh\', \'relu\', '
                                      '\'sigmoid\', \'softsign\', \'softrelu\'); symbolic '
                                      'activations are not supported')
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = _num_hidden(num_hidden)
        self._activation = activation
        self._attach(_gluon.RNNCell(self._num_hidden, activation=activation,
                                    prefix=prefix, params=self.params._dict))


class LSTMCell(_GatedCell):
    """LSTM cell, gates i, f, c, o; states ``[h, c]``, each (N, H).

    ``forget_bias`` is where the forget gate's bias starts: the i2h bias
    is initialised with it in the forget-gate rows (the h2h bias with 0).
    """

    _gate_names = ('_i', '_f', '_c', '_o')

    def __init__(self, num_hidden, prefix='lstm_', params=None, forget_bias=1.0):
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = _num_hidden(num_hidden)
        if isinstance(forget_bias, bool) or not isinstance(forget_bias, numbers.Real):
            raise InvalidArgumentError('forget_bias must be a number, got %r' % (forget_bias,))
        self._forget_bias = float(forget_bias)
        self._attach(_gluon.LSTMCell(
            self._num_hidden, i2h_bias_initializer=_init.LSTMBias(forget_bias=self._forget_bias),
            prefix=prefix, params=self.params._dict))


class GRUCell(_GatedCell):
    """GRU cell in cuDNN's form (reset gate applied after the h2h product), gates r, z, o (new)."""

    _gate_names = ('_r', '_z', '_o')

    def __init__(self, num_hidden, prefix='gru_', params=None):
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = _num_hidden(num_hidden)
        self._attach(_gluon.GRUCell(self._num_hidden, prefix=prefix, params=self.params._dict))


class DropoutCell(_GluonBackedCell):
    """Dropout on the input, in training mode only; no states.

    ``dropout`` is the fraction of elements dropped (kept ones are scaled
    by ``1 / (1 - dropout)``).
    """

    def __init__(self, dropout, prefix='dropout_', params=None):
        super().__init__(prefix=prefix, params=params)
        self._dropout = dropout
        self._attach(_gluon.DropoutCell(dropout, prefix=prefix, params=self.params._dict))

    def _unroll_impl(self, length, inputs, states, layout, merge_outputs):
        # one mask over the whole array when given one (the Gluon cell's rule)
        outputs, _ = self._gluon._unroll(length, inputs, None, layout, merge_outputs, None)
        if merge_outputs is not None:
            outputs = seq.finish_outputs(outputs, layout.find('T'), merge_outputs)
        return outputs, states

    def __repr__(self):
        return 'DropoutCell(dropout=%s, prefix=%r)' % (self._dropout, self._prefix)
