"""FusedRNNCell: a whole multi-layer (bi)directional RNN in one call of :func:`fusedrnn.rnn`.

Its parameters are one flat vector named ``{params prefix}parameters`` in
the operator's layout (see :mod:`fusedrnn.params`).
"""
import numbers

import numpy as np

from .. import params as _flat
from .._op import rnn as _fused_rnn
from ..gluon import initializer as _init
from ..gluon import mode as _mode
from ..gluon.errors import InvalidArgumentError
from . import _sequence as seq
from .base import BaseRNNCell

__all__ = ['FusedRNNCell']

_GATE_NAMES = {'rnn_relu': ('',), 'rnn_tanh': ('',), 'lstm': ('_i', '_f', '_c', '_o'),
               'gru': ('_r', '_z', '_o')}


def _config_sizes(num_hidden, num_layers, mode, bidirectional):
    return num_hidden, num_layers, len(_GATE_NAMES[mode]), 2 if bidirectional else 1


def input_size_of(size, num_hidden, num_layers, mode, bidirectional):
    """The input width I for which the flat vector of this configuration has ``size`` elements."""
    h, layers, gates, dirs = _config_sizes(num_hidden, num_layers, mode, bidirectional)
    rest = size - (layers - 1) * dirs * gates * h * (dirs * h + h + 2)
    block = dirs * gates * h
    inputs = rest // block - h - 2 if rest > 0 else 0
    if rest <= 0 or rest % block or inputs < 1:
        raise InvalidArgumentError(
            'a flat parameter vector of %d elements does not fit FusedRNNCell(num_hidden=%d, '
            'num_layers=%d, mode=%r, bidirectional=%s) for any input size'
            % (size, num_hidden, num_layers, mode, bool(bidirectional)))
    return int(inputs)


class _FusedRNNInit(_init.Initializer):
    """Initialises the flat vector piece by piece with the global initializer.

    Weights and biases are filled as separate matrices would be (biases 0
    by default); for LSTM the forget-gate rows of every i2h bias are then
    set to ``forget_bias`` (the h2h biases stay 0).
    """

    def __init__(self, num_hidden, num_layers, mode, bidirectional, forget_bias):
        super().__init__(num_hidden=num_hidden, num_layers=num_layers, mode=mode,
                         bidirectional=bool(bidirectional), forget_bias=forget_bias)

    def _init_weight(self, name, arr):
        cfg = self._kwargs
        inputs = input_size_of(arr.size, cfg['num_hidden'], cfg['num_layers'], cfg['mode'],
                               cfg['bidirectional'])
        pieces = _flat.unpack_params(arr.reshape(-1), input_size=inputs,
                                     state_size=cfg['num_hidden'],
                                     num_layers=cfg['num_layers'], mode=cfg['mode'],
                                     bidirectional=cfg['bidirectional'])
        global_init = getattr(name, 'global_init', None) or _init.Uniform()
        for piece_name, view in pieces.items():
            global_init(_init.InitDesc(piece_name), view)
        if cfg['mode'] == 'lstm':
            h = cfg['num_hidden']
            for piece_name, view in pieces.items():
                if piece_name.endswith('_i2h_bias'):
                    view[h:2 * h] = cfg['forget_bias']


class FusedRNNCell(BaseRNNCell):
    """A fused RNN over ``num_layers`` layers; it can be unrolled, not stepped.

    ``mode`` is 'rnn_relu', 'rnn_tanh', 'lstm' or 'gru'. ``dropout`` acts on
    the output of every layer but the last, in training mode only.
    ``get_next_state`` makes :meth:`unroll` return the final states
    (otherwise ``[]``). ``prefix`` None means ``mode + '_'``.
    """

    def __init__(self, num_hidden, num_layers=1, mode='lstm', bidirectional=False, dropout=0.,
                 get_next_state=False, forget_bias=1.0, prefix=None, params=None):
        if mode not in _GATE_NAMES:
            raise InvalidArgumentError('mode must be one of %s, got %r'
                                       % (sorted(_GATE_NAMES), mode))
        for what, value in (('num_hidden', num_hidden), ('num_layers', num_layers)):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
                    or value <= 0:
                raise InvalidArgumentError('%s must be a positive integer, got %r'
                                           % (what, value))
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) \
                or not 0 <= dropout < 1:
            raise InvalidArgumentError('dropout must be a number in [0, 1), got %r' % (dropout,))
        if prefix is None:
            prefix = '%s_' % mode
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = int(num_hidden)
        self._num_layers = int(num_layers)
        self._mode = mode
        self._bidirectional = bool(bidirectional)
        self._dropout = float(dropout)
        self._get_next_state = bool(get_next_state)
        self._forget_bias = float(forget_bias)
        self._directions = ['l', 'r'] if self._bidirectional else ['l']
        self._parameter = self.params.get(
            'parameters', shape=(0,), allow_deferred_init=True,
            init=_FusedRNNInit(self._num_hidden, self._num_layers, mode, self._bidirectional,
                               self._forget_bias))

    def __repr__(self):
        return ('FusedRNNCell(num_hidden=%d, num_layers=%d, mode=%r, bidirectional=%s, '
                'dropout=%s, prefix=%r)' % (self._num_hidden, self._num_layers, self._mode,
                                            self._bidirectional, self._dropout, self._prefix))

    @property
    def _gate_names(self):
        return _GATE_NAMES[self._mode]

    def _state_info(self, batch_size):
        shape = (len(self._directions) * self._num_layers, batch_size, self._num_hidden)
        count = 2 if self._mode == 'lstm' else 1
        return [{'shape': shape, '__layout__': 'LNC'} for _ in range(count)]

    def _steppable(self):
        return False

    def _step_impl(self, inputs, states):
        raise NotImplementedError('FusedRNNCell cannot be stepped; use unroll(), or unfuse() '
                                  'for an equivalent stack of cells that can be stepped')

    def _config(self):
        return dict(state_size=self._num_hidden, num_layers=self._num_layers, mode=self._mode,
                    bidirectional=self._bidirectional)

    def _set_input_size(self, input_size):
        size = _flat.param_size(input_size, **self._config())
        param = self._parameter
        if param.shape in (None, (0,)):
            param.shape = (size,)
        elif param.shape != (size,):
            raise InvalidArgumentError(
                'FusedRNNCell %r holds %d parameters, which fit input size %d, not %d'
                % (self._prefix, param.shape[0], input_size_of(
                    param.shape[0], self._num_hidden, self._num_layers, self._mode,
                    self._bidirectional), input_size))
        return len(self._directions) * self._num_hidden

    def _unroll_impl(self, length, inputs, states, layout, merge_outputs):
        data = seq.format_sequence(length, inputs, layout, True)[0]
        if data.ndim != 3:
            raise InvalidArgumentError('FusedRNNCell needs inputs of 3 dimensions in layout %s, '
                                       'got shape %s' % (layout, data.shape))
        self._set_input_size(data.shape[2])
        if self._parameter.is_deferred:
            self._parameter._finish_deferred_init()
        flat = self._parameter.data()
        if data.dtype != flat.dtype:
            raise TypeError('the input has dtype %s but the parameters of FusedRNNCell %r are %s'
                            % (data.dtype, self._prefix, flat.dtype))
        h0, c0 = states[0], (states[1] if self._mode == 'lstm' else None)
        training, seed_value = _mode.resolve()
        result = _fused_rnn(data, flat, h0, c0, p=self._dropout, state_outputs=True,
                            layout=layout, training=training, seed=seed_value, **self._config())
        outputs = result[0]
        next_states = list(result[1:]) if self._get_next_state else []
        return seq.finish_outputs(outputs, layout.find('T'), merge_outputs,
                                  default_merge=True), next_states

    # -- weights --------------------------------------------------------------------------
    def _slices(self, input_size):
        """(unpacked name, layout name, gate index) for every per-gate piece."""
        names = []
        for layer in range(self._num_layers):
            for d in self._directions:
                for group in ('i2h', 'h2h'):
                    for kind in ('weight', 'bias'):
                        for g, gate in enumerate(self._gate_names):
                            names.append(('%s%s%d_%s%s_%s' % (self._prefix, d, layer, group,
                                                              gate, kind),
                                          '%s%d_%s_%s' % (d, layer, group, kind), g))
        return names

    def unpack_weights(self, args):
        """Split ``args['<prefix>parameters']`` into per-layer, per-direction, per-gate arrays.

        Names: ``{prefix}{l|r}{layer}_{i2h|h2h}{gate}_{weight|bias}`` with
        gates ``_i _f _c _o`` (lstm), ``_r _z _o`` (gru; ``_o`` is the new
        gate) or none (rnn_relu, rnn_tanh).
        """
        args = dict(args)
        key = self._parameter.name
        if key not in args:
            raise KeyError('FusedRNNCell %r: no array named %r in the dict given'
                           % (self._prefix, key))
        arr = np.asarray(args.pop(key)).reshape(-1)
        inputs = input_size_of(arr.size, self._num_hidden, self._num_layers, self._mode,
                               self._bidirectional)
        pieces = _flat.unpack_params(arr, input_size=inputs, **self._config())
        h = self._num_hidden
        for name, source, g in self._slices(inputs):
            args[name] = pieces[source][g * h:(g + 1) * h].copy()
        return args

    def pack_weights(self, args):
        """The inverse of :meth:`unpack_weights`: one flat ``'<prefix>parameters'`` vector."""
        args = dict(args)
        first = '%sl0_i2h%s_weight' % (self._prefix, self._gate_names[0])
        if first not in args:
            raise KeyError('FusedRNNCell %r: no array named %r in the dict given'
                           % (self._prefix, first))
        inputs = np.shape(args[first])[1]
        parts = {}
        for name, source, g in self._slices(inputs):
            if name not in args:
                raise KeyError('FusedRNNCell %r: no array named %r in the dict given'
                               % (self._prefix, name))
            parts.setdefault(source, []).append(np.asarray(args.pop(name)))
        dtype = parts['l0_i2h_weight'][0].dtype
        joined = {source: np.concatenate(chunks, axis=0) for source, chunks in parts.items()}
        args[self._parameter.name] = _flat.pack_params(joined, input_size=inputs, dtype=dtype,
                                                       **self._config())
        return args

    # -- unfuse ---------------------------------------------------------------------------
    def unfuse(self):
        """The equivalent :class:`SequentialRNNCell` of basic cells.

        One cell per layer named ``{prefix}l{i}_`` (a BidirectionalCell of
        ``{prefix}l{i}_`` and ``{prefix}r{i}_`` cells when bidirectional), a
        DropoutCell after every layer but the last when ``dropout`` is set.
        When this cell's parameters exist they are copied over (through
        unpack_weights/pack_weights), so the stack computes the same outputs.
        """
        from .cells import DropoutCell, GRUCell, LSTMCell, RNNCell
        from .containers import BidirectionalCell, SequentialRNNCell

        def make(cell_prefix):
            if self._mode == 'lstm':
                return LSTMCell(self._num_hidden, prefix=cell_prefix,
                                forget_bias=self._forget_bias)
            if self._mode == 'gru':
                return GRUCell(self._num_hidden, prefix=cell_prefix)
            return RNNCell(self._num_hidden, activation=self._mode[4:], prefix=cell_prefix)

        stack = SequentialRNNCell()
        for i in range(self._num_layers):
            if self._bidirectional:
                stack.add(BidirectionalCell(make('%sl%d_' % (self._prefix, i)),
                                            make('%sr%d_' % (self._prefix, i)),
                                            output_prefix='%sbi_l%d_' % (self._prefix, i)))
            else:
                stack.add(make('%sl%d_' % (self._prefix, i)))
            if self._dropout > 0 and i != self._num_layers - 1:
                stack.add(DropoutCell(self._dropout, prefix='%sdropout%d_' % (self._prefix, i)))
        if self._parameter.is_initialized:
            key = self._parameter.name
            unpacked = self.unpack_weights({key: self._parameter.data()})
            stack.set_weights(stack.pack_weights(unpacked))
        return stack
