"""Fused multi-layer recurrent layers: RNN, LSTM, GRU.

Constructor arguments, their positions and defaults are those of MXNet
1.9.1's ``mxnet.gluon.rnn`` layers (the code, where its docstrings differ:
LSTM's ``i2h_bias_initializer`` defaults to ``'zeros'``, RNN's
``activation`` to ``'relu'``). Every layer also takes, by keyword only,
``prefix``, ``params`` and ``use_sequence_length``.

Calling a layer:

* ``layer(x)`` returns the output only (zero begin states);
* ``layer(x, states)`` returns ``(output, new_states)``, ``new_states`` a
  list (``[h]``, or ``[h, c]`` for LSTM). RNN and GRU accept a single array
  for ``states``;
* with ``use_sequence_length=True`` the third argument (or keyword)
  ``sequence_length`` gives each batch entry's valid length;
* keyword-only ``training`` and ``seed`` override the mode set by
  :func:`fusedrnn.gluon.train_mode` / :func:`~fusedrnn.gluon.predict_mode`.

Inputs are numpy arrays laid out as ``layout`` says (``'TNC'`` or ``'NTC'``);
states are always ``(num_layers * directions, N, size)``. The input, the
states and the parameters must share one dtype (float32 or float64).
"""
import inspect

import numpy as np

from . import mode as _mode
from ._kernel import fused_rnn
from .block import HybridBlock
from .errors import InvalidArgumentError

__all__ = ['RNN', 'LSTM', 'GRU', 'zeros']

_GATES = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}
_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def zeros(shape, dtype='float32', **kwargs):
    """Default ``func`` of :meth:`begin_state`: a zero array (extra keywords ignored)."""
    return np.zeros(shape, dtype=dtype)


def _call_state_func(func, info, kwargs):
    """Call a begin-state factory with what it can take.

    Gluon factories take ``shape``, ``dtype``, ``name`` and any other keyword;
    numpy's (``np.zeros``, ``np.ones``, ...) take only ``shape`` and ``dtype``.
    """
    try:
        sig = inspect.signature(func)
        names = set(sig.parameters)
        takes_any = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())
    except (TypeError, ValueError):
        names, takes_any = {'shape', 'dtype'}, False
    chosen = {k: v for k, v in info.items() if takes_any or k in names}
    chosen.update((k, v) for k, v in kwargs.items()
                  if k != 'ctx' or takes_any or 'ctx' in names)
    return func(**chosen)


def _positive_int(value, what):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value <= 0:
        raise InvalidArgumentError('%s must be a positive integer, got %r' % (what, value))
    return int(value)


class _RNNLayer(HybridBlock):
    """Shared implementation of the fused layers."""

    def __init__(self, hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                 i2h_weight_initializer, h2h_weight_initializer,
                 i2h_bias_initializer, h2h_bias_initializer,
                 mode, projection_size, h2r_weight_initializer,
                 lstm_state_clip_min, lstm_state_clip_max, lstm_state_clip_nan,
                 dtype, use_sequence_length=False, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        if layout not in ('TNC', 'NTC'):
            raise InvalidArgumentError(
                "Invalid layout %s; must be one of ['TNC' or 'NTC']" % (layout,))
        hidden_size = _positive_int(hidden_size, 'hidden_size')
        num_layers = _positive_int(num_layers, 'num_layers')
        if isinstance(input_size, (bool, np.bool_)) or not isinstance(
                input_size, (int, np.integer)) or input_size < 0:
            raise InvalidArgumentError(
                'input_size must be a non-negative integer (0: infer it), got %r' % (input_size,))
        input_size = int(input_size)
        if not 0 <= float(dropout) < 1:
            raise InvalidArgumentError('dropout must be in [0, 1), got %r' % (dropout,))
        if np.dtype(dtype) not in _DTYPES:
            raise InvalidArgumentError('dtype must be float32 or float64, got %r' % (dtype,))
        if projection_size:
            projection_size = _positive_int(projection_size, 'projection_size')
            if projection_size >= hidden_size:
                raise InvalidArgumentError(
                    'projection_size must be smaller than hidden_size, got %d >= %d'
                    % (projection_size, hidden_size))
        else:
            projection_size = None
        if (lstm_state_clip_min is None) != (lstm_state_clip_max is None):
            raise InvalidArgumentError(
                'state_clip_min and state_clip_max must be given together')
        if lstm_state_clip_min is not None:
            lo, hi = float(lstm_state_clip_min), float(lstm_state_clip_max)
            if not (np.isfinite(lo) and np.isfinite(hi)):
                raise InvalidArgumentError('state clipping bounds must be finite numbers')
            if lo > hi:
                raise InvalidArgumentError(
                    'state_clip_min must not exceed state_clip_max, got %r > %r'
                    % (lstm_state_clip_min, lstm_state_clip_max))

        self._hidden_size = hidden_size
        self._projection_size = projection_size
        self._num_layers = num_layers
        self._mode = mode
        self._layout = layout
        self._dropout = dropout
        self._dir = 2 if bidirectional else 1
        self._input_size = input_size
        self._i2h_weight_initializer = i2h_weight_initializer
        self._h2h_weight_initializer = h2h_weight_initializer
        self._i2h_bias_initializer = i2h_bias_initializer
        self._h2h_bias_initializer = h2h_bias_initializer
        self._h2r_weight_initializer = h2r_weight_initializer
        self._lstm_state_clip_min = lstm_state_clip_min
        self._lstm_state_clip_max = lstm_state_clip_max
        self._lstm_state_clip_nan = bool(lstm_state_clip_nan)
        self._dtype = np.dtype(dtype).name
        self._use_sequence_length = bool(use_sequence_length)
        self._gates = _GATES[mode]

        gates_rows = self._gates * hidden_size
        recurrent = projection_size or hidden_size
        layer_in = input_size
        for layer in range(num_layers):
            for d in 'lr'[:self._dir]:
                stem = '%s%d_' % (d, layer)
                self._register_param(stem + 'i2h_weight', (gates_rows, layer_in),
                                     i2h_weight_initializer, dtype)
                self._register_param(stem + 'h2h_weight', (gates_rows, recurrent),
                                     h2h_weight_initializer, dtype)
                self._register_param(stem + 'i2h_bias', (gates_rows,),
                                     i2h_bias_initializer, dtype)
                self._register_param(stem + 'h2h_bias', (gates_rows,),
                                     h2h_bias_initializer, dtype)
                if projection_size:
                    self._register_param(stem + 'h2r_weight', (projection_size, hidden_size),
                                         h2r_weight_initializer, dtype)
            layer_in = recurrent * self._dir

    def _register_param(self, name, shape, init, dtype):
        param = self.params.get(name, shape=shape, init=init,
                                allow_deferred_init=True, dtype=dtype)
        setattr(self, name, param)
        return param

    def __repr__(self):
        text = '%s(%s, %s' % (type(self).__name__, self._mapping(), self._layout)
        if self._num_layers != 1:
            text += ', num_layers=%s' % self._num_layers
        if self._dropout != 0:
            text += ', dropout=%s' % self._dropout
        if self._dir == 2:
            text += ', bidirectional'
        return text + ')'

    def _mapping(self):
        rows, cols = self.l0_i2h_weight.shape
        return '%s -> %s' % (cols if cols else None, rows // self._gates)

    def _collect_params_with_prefix(self, prefix=''):
        # Structural names of MXNet's fused layers: the unfused cell stack they
        # stand for, e.g. '_unfused.0.l_cell.i2h_weight' when bidirectional.
        if prefix:
            prefix += '.'
        bidirectional = self._dir == 2
        result = {}
        for key, value in self._reg_params.items():
            direction, layer, rest = key[0], key[1:key.index('_')], key[key.index('_') + 1:]
            if bidirectional:
                result[prefix + '_unfused.%s.%s_cell.%s' % (layer, direction, rest)] = value
            else:
                result[prefix + '_unfused.%s.%s' % (layer, rest)] = value
        for name, child in self._children.items():
            result.update(child._collect_params_with_prefix(prefix + name))
        return result

    # -- states -----------------------------------------------------------------
    def state_info(self, batch_size=0):
        raise NotImplementedError

    def begin_state(self, batch_size=0, func=zeros, **kwargs):
        """Begin states made by ``func`` from :meth:`state_info` (zeros by default).

        ``kwargs`` (e.g. ``dtype``) override the entries of state_info. ``func``
        may be a Gluon-style factory (keywords ``shape``, ``dtype``, ``name``,
        ...) or a numpy one such as ``np.ones``.
        """
        states = []
        for i, info in enumerate(self.state_info(batch_size)):
            info = dict(info) if info is not None else {}
            info.update(kwargs)
            info.setdefault('name', '%sh0_%d' % (self.prefix, i))
            explicit = {k: info.pop(k) for k in list(kwargs) if k in info}
            states.append(_call_state_func(func, info, explicit))
        return states

    # -- forward ------------------------------------------------------------------
    def forward(self, inputs, states=None, sequence_length=None, *, training=None, seed=None):
        x = inputs if isinstance(inputs, np.ndarray) else np.asarray(inputs)
        if x.ndim != 3:
            raise InvalidArgumentError('%s expects a 3-d input in layout %s, got shape %s'
                                       % (type(self).__name__, self._layout, x.shape))
        batch_size = x.shape[self._layout.find('N')]
        self._finish_params(x.shape[2])
        skip_states = states is None
        if skip_states:
            states = self.begin_state(batch_size, dtype=x.dtype)
        elif isinstance(states, np.ndarray):
            states = [states]
        else:
            states = [s if isinstance(s, np.ndarray) else np.asarray(s) for s in states]
        infos = self.state_info(batch_size)
        for state, info in zip(states, infos):
            if tuple(state.shape) != info['shape']:
                raise InvalidArgumentError('Invalid recurrent state shape. Expecting %s, got %s.'
                                           % (str(info['shape']), str(tuple(state.shape))))
        if len(states) != len(infos):
            raise InvalidArgumentError('%s takes %d recurrent state array(s), got %d'
                                       % (type(self).__name__, len(infos), len(states)))
        flat = self._flat_params()
        for what, arr in [('input', x)] + [('state %d' % i, s) for i, s in enumerate(states)]:
            if arr.dtype != flat.dtype:
                raise TypeError('%s has dtype %s but the parameters of %s are %s; cast one '
                                'to match' % (what, arr.dtype, self.name, flat.dtype))
        if self._use_sequence_length:
            if sequence_length is None:
                raise InvalidArgumentError('this layer was built with use_sequence_length=True '
                                           'and needs a sequence_length argument')
            sequence_length = np.asarray(sequence_length)
        else:
            sequence_length = None
        training, seed = _mode.resolve(training, seed)
        result = fused_rnn(
            x, flat, states[0], states[1] if self._mode == 'lstm' else None, sequence_length,
            state_size=self._hidden_size, num_layers=self._num_layers, mode=self._mode,
            bidirectional=self._dir == 2, p=float(self._dropout), state_outputs=True,
            projection_size=self._projection_size,
            lstm_state_clip_min=self._lstm_state_clip_min,
            lstm_state_clip_max=self._lstm_state_clip_max,
            lstm_state_clip_nan=self._lstm_state_clip_nan,
            use_sequence_length=self._use_sequence_length, layout=self._layout,
            training=training, seed=seed)
        output, new_states = result[0], list(result[1:])
        return output if skip_states else (output, new_states)

    def _param_order(self):
        """Registered names in the operator's flat order: all weights, then all biases."""
        kinds = ('i2h', 'h2h', 'h2r') if self._projection_size else ('i2h', 'h2h')
        order = []
        for tail in ('weight', 'bias'):
            for layer in range(self._num_layers):
                for d in 'lr'[:self._dir]:
                    for kind in kinds:
                        if kind == 'h2r' and tail == 'bias':
                            continue
                        order.append('%s%d_%s_%s' % (d, layer, kind, tail))
        return order

    def _flat_params(self):
        arrays = [self._reg_params[name].data().reshape(-1) for name in self._param_order()]
        dtypes = {a.dtype for a in arrays}
        if len(dtypes) != 1:
            raise TypeError('parameters of %s have mixed dtypes %s; use cast()'
                            % (self.name, sorted(str(d) for d in dtypes)))
        return np.concatenate(arrays)

    def _finish_params(self, in_features):
        """Fill in the input size (if still unknown) and create deferred parameters."""
        for d in 'lr'[:self._dir]:
            param = self._reg_params['%s0_i2h_weight' % d]
            rows, cols = param.shape
            if cols == 0:
                param.shape = (rows, in_features)
            elif cols != in_features:
                raise InvalidArgumentError('%s expects %d input features, got %d'
                                           % (self.name, cols, in_features))
        for param in self._reg_params.values():
            if param.is_deferred:
                param._finish_deferred_init()

    _loadable_dtypes = _DTYPES      # load_parameters(dtype_source='saved') may set only these

    def _params_loaded(self):
        # after load_parameters (dtype_source='saved' may change dtypes): keep
        # state_info's dtype in step with the parameters when they agree
        dtypes = {p.dtype for p in self._reg_params.values() if p.is_initialized}
        if len(dtypes) == 1:
            self._dtype = dtypes.pop().name

    def unfuse(self):
        """The equivalent stack of cells, sharing this layer's Parameter objects.

        A :class:`~fusedrnn.gluon.rnn.HybridSequentialRNNCell` (prefix and
        parameters of this layer) holding one cell per layer, named
        ``l{i}_`` (a :class:`~fusedrnn.gluon.rnn.BidirectionalCell` of
        ``l{i}_`` and ``r{i}_`` cells when bidirectional), with a
        :class:`~fusedrnn.gluon.rnn.DropoutCell` after every layer but the
        last when ``dropout`` is set. Unroll it with ``layout`` and
        ``merge_outputs=True`` to get this layer's output. Projection and
        state clipping have no cell counterpart and are refused.
        """
        from .rnn_cell import (BidirectionalCell, DropoutCell, GRUCell,
                               HybridSequentialRNNCell, LSTMCell, RNNCell)
        if self._projection_size:
            # MXNet's wording first, so code that matched its message still does.
            raise InvalidArgumentError('_unfuse does not support projection layer '
                                       '(projection_size=%d): no cell has a projection'
                                       % self._projection_size)
        if self._lstm_state_clip_min is not None:
            raise InvalidArgumentError('_unfuse does not support state clipping '
                                       '(state_clip_min/state_clip_max): no cell clips')

        def make_cell(prefix, input_size):
            inits = dict(i2h_weight_initializer=self._i2h_weight_initializer,
                         h2h_weight_initializer=self._h2h_weight_initializer,
                         i2h_bias_initializer=self._i2h_bias_initializer,
                         h2h_bias_initializer=self._h2h_bias_initializer,
                         input_size=input_size, prefix=prefix)
            if self._mode == 'lstm':
                return LSTMCell(self._hidden_size, **inits)
            if self._mode == 'gru':
                return GRUCell(self._hidden_size, **inits)
            return RNNCell(self._hidden_size, activation=self._mode[4:], **inits)

        stack = HybridSequentialRNNCell(prefix=self.prefix, params=self.params)
        with stack.name_scope():
            input_size = self._input_size
            for i in range(self._num_layers):
                if self._dir == 2:
                    stack.add(BidirectionalCell(make_cell('l%d_' % i, input_size),
                                                make_cell('r%d_' % i, input_size)))
                else:
                    stack.add(make_cell('l%d_' % i, input_size))
                if self._dropout and i != self._num_layers - 1:
                    stack.add(DropoutCell(self._dropout))
                input_size = self._hidden_size * self._dir
        return stack

    _unfuse = unfuse   # MXNet's (private) spelling

    def cast(self, dtype):
        if np.dtype(dtype) not in _DTYPES:
            raise InvalidArgumentError('dtype must be float32 or float64, got %r' % (dtype,))
        super().cast(dtype)
        self._dtype = np.dtype(dtype).name


class RNN(_RNNLayer):
    """Multi-layer Elman RNN; ``activation`` is ``'relu'`` (default) or ``'tanh'``.

    ``h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`` in every layer.
    """

    def __init__(self, hidden_size, num_layers=1, activation='relu',
                 layout='TNC', dropout=0, bidirectional=False,
                 i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros',
                 input_size=0, dtype='float32', *,
                 prefix=None, params=None, use_sequence_length=False):
        if activation not in ('relu', 'tanh'):
            raise InvalidArgumentError("activation must be 'relu' or 'tanh', got %r"
                                       % (activation,))
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer,
                         'rnn_' + activation, None, None, None, None, False, dtype,
                         use_sequence_length=use_sequence_length, prefix=prefix, params=params)

    def state_info(self, batch_size=0):
        return [{'shape': (self._num_layers * self._dir, batch_size, self._hidden_size),
                 '__layout__': 'LNC', 'dtype': self._dtype}]


class LSTM(_RNNLayer):
    """Multi-layer LSTM (gates i, f, g, o), optionally with a projection and state clipping.

    With ``projection_size`` P the h state and the output have P features
    (the c state keeps ``hidden_size``). ``state_clip_min``/``state_clip_max``
    (given together) clamp the cell state after every step;
    ``state_clip_nan`` only matters when they are set.
    """

    def __init__(self, hidden_size, num_layers=1, layout='TNC',
                 dropout=0, bidirectional=False, input_size=0,
                 i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros',
                 projection_size=None, h2r_weight_initializer=None,
                 state_clip_min=None, state_clip_max=None, state_clip_nan=False,
                 dtype='float32', *, prefix=None, params=None, use_sequence_length=False):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer,
                         'lstm', projection_size, h2r_weight_initializer,
                         state_clip_min, state_clip_max, state_clip_nan, dtype,
                         use_sequence_length=use_sequence_length, prefix=prefix, params=params)

    def state_info(self, batch_size=0):
        rows = self._num_layers * self._dir
        h_size = self._projection_size or self._hidden_size
        return [{'shape': (rows, batch_size, h_size), '__layout__': 'LNC',
                 'dtype': self._dtype},
                {'shape': (rows, batch_size, self._hidden_size), '__layout__': 'LNC',
                 'dtype': self._dtype}]


class GRU(_RNNLayer):
    """Multi-layer GRU in the cuDNN form (reset gate applied after the h2h product)."""

    def __init__(self, hidden_size, num_layers=1, layout='TNC',
                 dropout=0, bidirectional=False, input_size=0,
                 i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros',
                 dtype='float32', *, prefix=None, params=None, use_sequence_length=False):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer,
                         'gru', None, None, None, None, False, dtype,
                         use_sequence_length=use_sequence_length, prefix=prefix, params=params)

    def state_info(self, batch_size=0):
        return [{'shape': (self._num_layers * self._dir, batch_size, self._hidden_size),
                 '__layout__': 'LNC', 'dtype': self._dtype}]
