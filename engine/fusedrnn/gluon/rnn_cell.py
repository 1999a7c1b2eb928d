"""Recurrent cells: one time step at a time, or unrolled over a sequence.

The counterparts of MXNet 1.x Gluon's cells: :class:`RNNCell`,
:class:`LSTMCell`, :class:`GRUCell`, the containers
:class:`SequentialRNNCell`, :class:`HybridSequentialRNNCell` and
:class:`BidirectionalCell`, and :class:`DropoutCell`. The modifier cells
(:class:`~fusedrnn.gluon.rnn_modifier.ZoneoutCell`,
:class:`~fusedrnn.gluon.rnn_modifier.ResidualCell`) live in
:mod:`fusedrnn.gluon.rnn_modifier`; everything is exported by
:mod:`fusedrnn.gluon.rnn`.

Every cell step is computed by the C core (``fusedrnn_cell_step``); this
module only checks arguments, arranges sequences and selects states.

Calling conventions
-------------------
* ``cell(x, states)`` with ``x`` of shape (N, C) (more dimensions are
  flattened to (N, -1), as a fully connected layer does) and ``states``
  the list :meth:`RecurrentCell.begin_state` makes, returns
  ``(output, new_states)``. ``states=None`` means zero states.
* ``cell.unroll(length, inputs, begin_state=None, layout='NTC',
  merge_outputs=None, valid_length=None)`` runs the whole sequence.
  ``inputs`` is one array in ``layout`` or a list of ``length`` arrays of
  shape (N, C). ``merge_outputs=True`` returns one array in ``layout``,
  ``False`` a list, ``None`` a list, or one array when ``valid_length`` is
  given (what MXNet 1.9.1 does). With ``valid_length``
  (shape (N,), integers in [0, length]) outputs past each row's length are
  0 and the returned states are those after the row's last valid step (the
  begin states for a length of 0); nothing computed from the padding (NaN
  included) reaches either.
* Both take keyword-only ``training`` and ``seed`` (fusedrnn extensions),
  which override :func:`fusedrnn.gluon.train_mode` /
  :func:`~fusedrnn.gluon.predict_mode` for that call, as the layers do.

Dropout and zoneout masks
-------------------------
They act only in training mode. Each step of a DropoutCell or ZoneoutCell
(and each whole-tensor DropoutCell unroll) takes one seed from the current
mode (:func:`fusedrnn.gluon.mode.resolve`: ``train_mode(seed=s)`` gives the
k-th draw ``derive_seed(s, k)``) and draws its masks from
the core's Philox keep stream (:func:`fusedrnn.streams.dropout_mask`): the
k-th mask of a step is stream k under the step's seed. The masks are
reproducible for a given seed, identical in the Perl binding, and not
MXNet's random streams.
"""
import contextlib
import numbers

import numpy as np

from ..streams import dropout_mask

from . import mode as _mode
from ._cell_kernel import ACTIVATIONS, cell_step
from .block import Block, HybridBlock, _indent
from .errors import InvalidArgumentError
from .rnn_layer import _call_state_func, zeros

__all__ = ['RecurrentCell', 'HybridRecurrentCell', 'RNNCell', 'LSTMCell', 'GRUCell',
           'SequentialRNNCell', 'HybridSequentialRNNCell', 'BidirectionalCell',
           'DropoutCell']

_LAYOUTS = ('NTC', 'TNC')
_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


# ---- small helpers ------------------------------------------------------------

@contextlib.contextmanager
def _mode_override(training, seed):
    """Enter train/predict mode for one call when ``training``/``seed`` ask for it."""
    if training is None and seed is None:
        yield
        return
    if training is None:
        training = _mode.is_training()
    manager = _mode.train_mode(seed=seed) if training else _mode.predict_mode()
    with manager:
        yield


class _StepMasks:
    """The masks of one masked step: the k-th mask drawn is stream k of the
    core's Philox keep stream under this step's seed (docs/c-api.md), so the
    Perl binding draws the very same masks."""

    def __init__(self, seed):
        self._seed = seed
        self._stream = 0

    def keep(self, shape, p):
        mask = dropout_mask(self._seed, self._stream, shape, p)
        self._stream += 1
        return mask


def _draw_rng():
    """The mask source of one masked step, or None outside training."""
    training, seed = _mode.resolve()
    return _StepMasks(seed) if training else None


def _positive_int(value, what):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
            or value <= 0:
        raise InvalidArgumentError('%s must be a positive integer, got %r' % (what, value))
    return int(value)


def _probability(value, what, upper_open=True):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidArgumentError('%s must be a number, got %r' % (what, value))
    ok = 0 <= value < 1 if upper_open else 0 <= value <= 1
    if not ok:
        raise InvalidArgumentError('%s must be in [0, %s, got %r'
                                   % (what, '1)' if upper_open else '1]', value))
    return value


def _activation(value, what):
    if not isinstance(value, str) or value not in ACTIVATIONS:
        raise InvalidArgumentError('%s must be one of %s, got %r'
                                   % (what, ', '.join(repr(a) for a in ACTIVATIONS), value))
    return value


def _float_array(value, what):
    arr = value if isinstance(value, np.ndarray) else np.asarray(value)
    if arr.dtype not in _DTYPES:
        raise TypeError('%s must be a float32 or float64 array, got dtype %s' % (what, arr.dtype))
    return arr


def _check_layout(layout):
    if layout not in _LAYOUTS:
        raise InvalidArgumentError("Invalid layout %r; must be 'NTC' or 'TNC'" % (layout,))
    return layout.find('T'), layout.find('N')


def _default_merge(merge_outputs, valid_length):
    """What merge_outputs=None means: MXNet 1.9.1 returns a list, except with
    valid_length, where its masking step merges the outputs into one array
    (measured; reference-behaviour.md section 9 said "the input's form")."""
    if merge_outputs is None:
        return valid_length is not None
    return merge_outputs


def _format_sequence(length, inputs, layout, merge):
    """Arrange ``inputs`` for ``layout``.

    Returns ``(seq, axis, batch_size, was_tensor, dtype)``: ``seq`` is a list
    of (N, ...) arrays when ``merge`` is False (or None with a list given),
    else one array with time on ``axis``.
    """
    axis, batch_axis = _check_layout(layout)
    if inputs is None:
        raise InvalidArgumentError('unroll needs inputs (an array or a list of arrays)')
    if isinstance(inputs, (list, tuple)):
        if len(inputs) == 0:
            raise InvalidArgumentError('unroll got an empty list of inputs')
        seq = [_float_array(x, 'inputs[%d]' % i) for i, x in enumerate(inputs)]
        if length is not None and len(seq) != length:
            raise InvalidArgumentError('unroll(length=%d) got a list of %d inputs; the list '
                                       'must hold one (N, C) array per step'
                                       % (length, len(seq)))
        if any(x.ndim < 1 or x.shape != seq[0].shape for x in seq):
            raise InvalidArgumentError('the inputs of one unroll must all have the same '
                                       'shape (N, ...); got %s' % [x.shape for x in seq])
        if any(x.dtype != seq[0].dtype for x in seq):
            raise TypeError('the inputs of one unroll must share one dtype')
        batch, dtype = seq[0].shape[0], seq[0].dtype
        if merge:
            return np.stack(seq, axis=axis), axis, batch, False, dtype
        return seq, axis, batch, False, dtype
    arr = _float_array(inputs, 'inputs')
    if arr.ndim < 3:
        raise InvalidArgumentError('unroll expects an input array of at least 3 dimensions in '
                                   'layout %s, got shape %s' % (layout, arr.shape))
    steps = arr.shape[axis]
    if length is not None and steps != length:
        raise InvalidArgumentError('unroll(length=%d) got inputs with %d time steps (axis %d '
                                   'of shape %s, layout %s)'
                                   % (length, steps, axis, arr.shape, layout))
    batch = arr.shape[batch_axis]
    if merge is False:
        return [np.take(arr, t, axis=axis) for t in range(steps)], axis, batch, True, arr.dtype
    return arr, axis, batch, True, arr.dtype


def _check_length(length):
    if length is None:
        return None
    return _positive_int(length, 'length')


def _valid_lengths(valid_length, batch, length):
    """``valid_length`` as int64 (N,), checked to lie in [0, length]."""
    if valid_length is None:
        return None
    vl = np.asarray(valid_length)
    if vl.shape != (batch,):
        raise InvalidArgumentError('valid_length must have shape (%d,) (the batch size), got %s'
                                   % (batch, vl.shape))
    if vl.dtype.kind not in 'iuf':
        raise TypeError('valid_length must hold numbers, got dtype %s' % vl.dtype)
    if vl.dtype.kind == 'f' and not (np.all(np.isfinite(vl)) and np.all(vl == np.round(vl))):
        raise InvalidArgumentError('valid_length must hold whole numbers, got %s' % (vl,))
    if np.any(vl < 0) or np.any(vl > length):
        raise InvalidArgumentError('valid_length must lie in [0, length=%d], got %s'
                                   % (length, vl.tolist()))
    return vl.astype(np.int64)


def _merge(outputs, axis, merge):
    """A list of per-step arrays as a list, or stacked on ``axis``."""
    return np.stack(outputs, axis=axis) if merge else list(outputs)


def _mask_steps(outputs, valid_length):
    """Per-step list with each row past its valid length set to 0 (NaN too)."""
    masked = []
    for t, out in enumerate(outputs):
        keep = (t < valid_length).reshape((-1,) + (1,) * (out.ndim - 1))
        masked.append(np.where(keep, out, out.dtype.type(0)))
    return masked


def _mask_tensor(data, valid_length, axis):
    """``data`` (time on ``axis``, batch on the other of axes 0/1) masked to 0 past the lengths."""
    steps = data.shape[axis]
    t = np.arange(steps)
    if axis == 0:   # TNC
        keep = t[:, None] < valid_length[None, :]
    else:           # NTC
        keep = t[None, :] < valid_length[:, None]
    keep = keep.reshape(keep.shape + (1,) * (data.ndim - 2))
    return np.where(keep, data, data.dtype.type(0))


def _mask_sequence(data, valid_length, axis):
    if isinstance(data, np.ndarray):
        return _mask_tensor(data, valid_length, axis)
    return _mask_steps(data, valid_length)


def _reverse_steps(seq, valid_length):
    """Per-step list reversed in time; with lengths, only each row's valid prefix."""
    if valid_length is None:
        return list(reversed(seq))
    steps = len(seq)
    stacked = np.stack(seq, axis=0)
    t = np.arange(steps)[:, None]
    index = np.where(t < valid_length[None, :], valid_length[None, :] - 1 - t, t)
    index = index.reshape(index.shape + (1,) * (stacked.ndim - 2))
    picked = np.take_along_axis(stacked, index, axis=0)
    return [picked[i] for i in range(steps)]


def _last_valid(step_states, begin, valid_length):
    """For each state, each row's value after its last valid step (begin when 0)."""
    result = []
    for j, start in enumerate(begin):
        stacked = np.stack([start] + [states[j] for states in step_states], axis=0)
        rows = np.arange(stacked.shape[1])
        result.append(stacked[valid_length, rows])
    return result


def _state_list(states, cell):
    if isinstance(states, np.ndarray):
        return [states]
    if not isinstance(states, (list, tuple)):
        raise TypeError('states of %s must be a list of arrays, got %s'
                        % (type(cell).__name__, type(states).__name__))
    return list(states)


# ---- base classes -------------------------------------------------------------------

class RecurrentCell(Block):
    """Base class of recurrent cells.

    Subclasses implement :meth:`state_info` and ``_step(inputs, states)``
    (or override :meth:`forward`). ``prefix`` and ``params`` work as for
    every :class:`~fusedrnn.gluon.Block`.
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._modified = False
        self.reset()

    def reset(self):
        """Forget per-sequence state (step counters, zoneout's previous output)."""
        self._init_counter = -1
        self._counter = -1
        for child in self._children.values():
            if isinstance(child, RecurrentCell):
                child.reset()

    def state_info(self, batch_size=0):
        """One dict per state: ``{'shape': (batch_size, size), '__layout__': 'NC'}``."""
        raise NotImplementedError('%s does not define state_info()' % type(self).__name__)

    def _check_unmodified(self):
        if self._modified:
            raise InvalidArgumentError(
                'cell %r is wrapped by a modifier cell (e.g. ZoneoutCell, ResidualCell) and '
                'cannot be called directly; call the modifier cell instead' % self.name)

    def begin_state(self, batch_size=0, func=zeros, **kwargs):
        """The initial states, made by ``func`` (zeros by default) from :meth:`state_info`.

        ``kwargs`` (e.g. ``dtype``) are added to every state's description
        and passed on to ``func``, which may be a Gluon-style factory
        (``shape``, ``dtype``, ``name``, ...) or a numpy one such as
        ``np.ones``. Without ``dtype`` the states are float32, as in MXNet.
        """
        self._check_unmodified()
        return self._begin_state(batch_size, func, **kwargs)

    def _begin_state(self, batch_size=0, func=zeros, **kwargs):
        states = []
        for info in self.state_info(batch_size):
            self._init_counter += 1
            info = dict(info) if info is not None else {}
            info.update(kwargs)
            info.setdefault('name', '%sbegin_state_%d' % (self.prefix, self._init_counter))
            explicit = {k: info.pop(k) for k in list(kwargs) if k in info}
            states.append(_call_state_func(func, info, explicit))
        return states

    def __call__(self, inputs, states=None, *, training=None, seed=None):
        """One step: ``(output, new_states)``. See the module documentation."""
        self._check_unmodified()
        with _mode_override(training, seed):
            return self.forward(inputs, states)

    def forward(self, inputs, states):
        """One step (no modifier check, no mode override)."""
        self._counter += 1
        return self._step(inputs, states)

    def _step(self, inputs, states):
        raise NotImplementedError('%s defines neither forward() nor _step()'
                                  % type(self).__name__)

    def _default_states(self, inputs, states):
        """``states`` as a list; zeros of the input's dtype when None."""
        if states is None:
            batch = np.shape(inputs)[0] if np.ndim(inputs) else 0
            dtype = getattr(inputs, 'dtype', np.dtype(np.float32))
            return self._begin_state(batch_size=batch, dtype=dtype)
        return _state_list(states, self)

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None, *, training=None, seed=None):
        """Run the cell over ``length`` steps; returns ``(outputs, states)``.

        See the module documentation for the forms of ``inputs`` and
        ``outputs`` and the meaning of ``valid_length``.
        """
        self._check_unmodified()
        with _mode_override(training, seed):
            return self._unroll(length, inputs, begin_state, layout, merge_outputs,
                                valid_length)

    def _unroll(self, length, inputs, begin_state, layout, merge_outputs, valid_length):
        self.reset()
        length = _check_length(length)
        seq, axis, batch, was_tensor, dtype = _format_sequence(length, inputs, layout, False)
        vl = _valid_lengths(valid_length, batch, len(seq))
        if begin_state is None:
            begin_state = self._begin_state(batch_size=batch, dtype=dtype)
        states = begin = _state_list(begin_state, self)
        outputs, step_states = [], []
        for x in seq:
            output, states = self.forward(x, states)
            outputs.append(output)
            if vl is not None:
                step_states.append(states)
        if vl is not None:
            states = _last_valid(step_states, begin, vl)
            outputs = _mask_steps(outputs, vl)
        merge = _default_merge(merge_outputs, valid_length)
        return _merge(outputs, axis, merge), states


class HybridRecurrentCell(RecurrentCell, HybridBlock):
    """A cell MXNet could hybridize; :meth:`hybridize` is accepted and changes nothing.

    A subclass may define ``hybrid_forward(F, inputs, states, **params)``
    (``F`` is numpy, ``params`` its registered parameters' arrays) instead
    of ``_step``.
    """

    def _step(self, inputs, states):
        return HybridBlock.forward(self, inputs, states)


# ---- the three cells --------------------------------------------------------------------

class _GatedCell(HybridRecurrentCell):
    """Shared parameters, checks and the C call of RNNCell, LSTMCell and GRUCell."""

    _gates = 1
    _kind = 'rnn'
    _num_states = 1

    def __init__(self, hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                 i2h_bias_initializer, h2h_bias_initializer, input_size, prefix, params):
        super().__init__(prefix=prefix, params=params)
        self._hidden_size = _positive_int(hidden_size, 'hidden_size')
        if isinstance(input_size, (bool, np.bool_)) or not isinstance(
                input_size, numbers.Integral) or input_size < 0:
            raise InvalidArgumentError('input_size must be a non-negative integer (0: infer '
                                       'it), got %r' % (input_size,))
        self._input_size = int(input_size)
        rows = self._gates * self._hidden_size
        self.i2h_weight = self.params.get('i2h_weight', shape=(rows, self._input_size),
                                          init=i2h_weight_initializer,
                                          allow_deferred_init=True)
        self.h2h_weight = self.params.get('h2h_weight', shape=(rows, self._hidden_size),
                                          init=h2h_weight_initializer,
                                          allow_deferred_init=True)
        self.i2h_bias = self.params.get('i2h_bias', shape=(rows,),
                                        init=i2h_bias_initializer, allow_deferred_init=True)
        self.h2h_bias = self.params.get('h2h_bias', shape=(rows,),
                                        init=h2h_bias_initializer, allow_deferred_init=True)

    def state_info(self, batch_size=0):
        return [{'shape': (batch_size, self._hidden_size), '__layout__': 'NC'}
                for _ in range(self._num_states)]

    def _mapping(self):
        rows, cols = self.i2h_weight.shape
        return '%s -> %s' % (cols if cols else None, rows)

    def __repr__(self):
        return '%s(%s)' % (type(self).__name__, self._mapping())

    def _activations(self):
        return 'tanh', 'sigmoid'

    def _finish_params(self, in_features):
        param = self.i2h_weight
        rows, cols = param.shape
        if cols == 0:
            param.shape = (rows, in_features)
        elif cols != in_features:
            raise InvalidArgumentError('%s expects inputs with %d features, got %d'
                                       % (self.name, cols, in_features))
        for p in (self.i2h_weight, self.h2h_weight, self.i2h_bias, self.h2h_bias):
            if p.is_deferred:
                p._finish_deferred_init()

    def _step(self, inputs, states):
        x = _float_array(inputs, 'the input of %s' % self.name)
        if x.ndim == 0:
            raise InvalidArgumentError('%s expects an input of shape (batch, features), got a '
                                       'scalar' % self.name)
        if x.ndim != 2:
            x = x.reshape(x.shape[0], -1)
        states = self._default_states(x, states)
        if len(states) != self._num_states:
            raise InvalidArgumentError('%s takes %d state array(s), got %d'
                                       % (type(self).__name__, self._num_states, len(states)))
        self._finish_params(x.shape[1])
        weights = [p.data() for p in (self.i2h_weight, self.h2h_weight,
                                      self.i2h_bias, self.h2h_bias)]
        dtype = weights[0].dtype
        if any(w.dtype != dtype for w in weights):
            raise TypeError('parameters of %s have mixed dtypes; use cast()' % self.name)
        if x.dtype != dtype:
            raise TypeError('the input has dtype %s but the parameters of %s are %s; cast one '
                            'to match (e.g. cell.cast(%r))' % (x.dtype, self.name, dtype,
                                                                x.dtype.name))
        expect = (x.shape[0], self._hidden_size)
        checked = []
        for i, s in enumerate(states):
            s = _float_array(s, 'state %d of %s' % (i, self.name))
            if s.shape != expect:
                raise InvalidArgumentError('Invalid recurrent state shape. Expecting %s, got %s.'
                                           % (expect, s.shape))
            if s.dtype != dtype:
                raise TypeError('state %d has dtype %s but the parameters of %s are %s'
                                % (i, s.dtype, self.name, dtype))
            checked.append(s)
        act, ract = self._activations()
        c = checked[1] if self._kind == 'lstm' else None
        h_new, c_new = cell_step(self._kind, x, checked[0], c, *weights,
                                 activation=act, recurrent_activation=ract)
        return h_new, ([h_new, c_new] if c_new is not None else [h_new])


class RNNCell(_GatedCell):
    """Elman cell: ``h' = activation(W_i2h x + b_i2h + W_h2h h + b_h2h)``.

    ``activation`` is one of 'tanh' (the default here; the RNN layer's is
    'relu'), 'relu', 'sigmoid', 'softsign', 'softrelu'. One state (N, H).
    """

    def __init__(self, hidden_size, activation='tanh', i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer='zeros',
                 h2h_bias_initializer='zeros', input_size=0, prefix=None, params=None):
        self._activation = _activation(activation, 'activation')
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix, params)

    def _alias(self):
        return 'rnn'

    def __repr__(self):
        return '%s(%s, %s)' % (type(self).__name__, self._mapping(), self._activation)

    def _activations(self):
        return self._activation, 'sigmoid'


class LSTMCell(_GatedCell):
    """LSTM cell, gates i, f, g, o; states ``[h, c]``, both (N, H).

    ``recurrent_activation`` (default 'sigmoid') is applied to i, f, o and
    ``activation`` (default 'tanh') to g and to the new c before the output
    gate. Both accept the names RNNCell accepts.
    """

    _gates = 4
    _kind = 'lstm'
    _num_states = 2

    def __init__(self, hidden_size, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', input_size=0,
                 prefix=None, params=None, activation='tanh', recurrent_activation='sigmoid'):
        self._activation = _activation(activation, 'activation')
        self._recurrent_activation = _activation(recurrent_activation, 'recurrent_activation')
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix, params)

    def _alias(self):
        return 'lstm'

    def _activations(self):
        return self._activation, self._recurrent_activation


class GRUCell(_GatedCell):
    """GRU cell in the cuDNN form (reset gate applied after the h2h product), gates r, z, n."""

    _gates = 3
    _kind = 'gru'

    def __init__(self, hidden_size, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', input_size=0,
                 prefix=None, params=None):
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix, params)

    def _alias(self):
        return 'gru'


# ---- containers -----------------------------------------------------------------------------

def _contains_bidirectional(cell):
    if isinstance(cell, BidirectionalCell):
        return True
    return any(_contains_bidirectional(c) for c in cell._children.values()
               if isinstance(c, RecurrentCell))


class _ChildStatesMixin:
    """States of a container cell: its children's state lists, concatenated."""

    def state_info(self, batch_size=0):
        return [info for cell in self._children.values() for info in cell.state_info(batch_size)]

    def _begin_state(self, batch_size=0, func=zeros, **kwargs):
        states = []
        for cell in self._children.values():
            cell._check_unmodified()
            states.extend(cell._begin_state(batch_size, func, **kwargs))
        return states


class _SequentialMixin(_ChildStatesMixin):
    """Shared behaviour of SequentialRNNCell and HybridSequentialRNNCell."""

    def __repr__(self):
        lines = ['(%s): %s' % (key, _indent(repr(child), 2))
                 for key, child in self._children.items()]
        return '%s(\n%s\n)' % (type(self).__name__, '\n'.join(lines))

    def add(self, cell):
        """Append ``cell`` to the stack."""
        if not isinstance(cell, RecurrentCell):
            raise TypeError('%s.add() takes a recurrent cell, got %s'
                            % (type(self).__name__, type(cell).__name__))
        self.register_child(cell)

    def __getitem__(self, i):
        return self._children[str(i)]

    def __len__(self):
        return len(self._children)

    def _step(self, inputs, states):
        if any(_contains_bidirectional(c) for c in self._children.values()):
            raise NotImplementedError('%s holds a BidirectionalCell, which cannot be stepped; '
                                      'use unroll()' % type(self).__name__)
        if states is None:
            states = [None] * len(self._children)
            per_cell = [None for _ in self._children]
        else:
            states = _state_list(states, self)
            counts = [len(cell.state_info()) for cell in self._children.values()]
            if len(states) != sum(counts):
                raise InvalidArgumentError('%s takes %d state arrays (its cells\' lists '
                                           'concatenated), got %d'
                                           % (type(self).__name__, sum(counts), len(states)))
            per_cell, p = [], 0
            for n in counts:
                per_cell.append(states[p:p + n])
                p += n
        next_states = []
        for cell, mine in zip(self._children.values(), per_cell):
            cell._check_unmodified()
            inputs, new = cell.forward(inputs, mine)
            next_states.extend(new)
        return inputs, next_states

    def _unroll(self, length, inputs, begin_state, layout, merge_outputs, valid_length):
        self.reset()
        length = _check_length(length)
        seq, _, batch, _, dtype = _format_sequence(length, inputs, layout, None)
        steps = seq.shape[layout.find('T')] if isinstance(seq, np.ndarray) else len(seq)
        _valid_lengths(valid_length, batch, steps)
        if begin_state is None:
            begin_state = self._begin_state(batch_size=batch, dtype=dtype)
        begin_state = _state_list(begin_state, self)
        cells = list(self._children.values())
        counts = [len(cell.state_info()) for cell in cells]
        if len(begin_state) != sum(counts):
            raise InvalidArgumentError('%s takes %d begin state arrays, got %d'
                                       % (type(self).__name__, sum(counts), len(begin_state)))
        p, next_states = 0, []
        for i, (cell, n) in enumerate(zip(cells, counts)):
            cell._check_unmodified()
            merge = merge_outputs if i == len(cells) - 1 else None
            seq, states = cell._unroll(steps, seq, begin_state[p:p + n], layout, merge,
                                       valid_length)
            p += n
            next_states.extend(states)
        if not cells:
            merge = _default_merge(merge_outputs, valid_length)
            seq = _format_sequence(steps, seq, layout, merge)[0]
        return seq, next_states


class SequentialRNNCell(_SequentialMixin, RecurrentCell):
    """A stack of cells: each step feeds one cell's output to the next.

    The states are the cells' state lists concatenated; stepping hands each
    cell its slice, unrolling runs each cell over the whole sequence.
    """


class HybridSequentialRNNCell(_SequentialMixin, HybridRecurrentCell):
    """:class:`SequentialRNNCell` for hybrid cells (what ``unfuse()`` builds)."""


class BidirectionalCell(_ChildStatesMixin, HybridRecurrentCell):
    """Runs ``l_cell`` forward and ``r_cell`` backward in time; outputs concatenated.

    Only :meth:`unroll` works: a bidirectional cell cannot be stepped.
    With ``valid_length``, ``r_cell`` reads each row's valid prefix
    reversed. States are ``l_cell``'s followed by ``r_cell``'s.
    ``output_prefix`` is kept for compatibility (MXNet named its outputs
    with it).
    """

    def __init__(self, l_cell, r_cell, output_prefix='bi_'):
        for what, cell in (('l_cell', l_cell), ('r_cell', r_cell)):
            if not isinstance(cell, RecurrentCell):
                raise TypeError('%s must be a recurrent cell, got %s'
                                % (what, type(cell).__name__))
        super().__init__(prefix='', params=None)
        self.register_child(l_cell, 'l_cell')
        self.register_child(r_cell, 'r_cell')
        self._output_prefix = output_prefix

    def __repr__(self):
        return '%s(forward=%r, backward=%r)' % (type(self).__name__, self._children['l_cell'],
                                                self._children['r_cell'])

    def __call__(self, inputs, states=None, **kwargs):
        raise NotImplementedError('BidirectionalCell cannot be stepped; use unroll()')

    def forward(self, inputs, states):
        raise NotImplementedError('BidirectionalCell cannot be stepped; use unroll()')

    def _unroll(self, length, inputs, begin_state, layout, merge_outputs, valid_length):
        self.reset()
        length = _check_length(length)
        seq, axis, batch, was_tensor, dtype = _format_sequence(length, inputs, layout, False)
        steps = len(seq)
        vl = _valid_lengths(valid_length, batch, steps)
        l_cell, r_cell = self._children['l_cell'], self._children['r_cell']
        l_cell._check_unmodified()
        r_cell._check_unmodified()
        if begin_state is None:
            begin_state = self._begin_state(batch_size=batch, dtype=dtype)
        begin_state = _state_list(begin_state, self)
        n_l, n_r = len(l_cell.state_info()), len(r_cell.state_info())
        if len(begin_state) != n_l + n_r:
            raise InvalidArgumentError('BidirectionalCell takes %d begin state arrays, got %d'
                                       % (n_l + n_r, len(begin_state)))
        l_out, l_states = l_cell._unroll(steps, seq, begin_state[:n_l], layout, False,
                                         valid_length)
        r_out, r_states = r_cell._unroll(steps, _reverse_steps(seq, vl), begin_state[n_l:],
                                         layout, False, valid_length)
        r_out = _reverse_steps(r_out, vl)
        outputs = [np.concatenate([a, b], axis=-1) for a, b in zip(l_out, r_out)]
        if vl is not None:
            outputs = _mask_steps(outputs, vl)
        merge = _default_merge(merge_outputs, valid_length)
        return _merge(outputs, axis, merge), l_states + r_states


class DropoutCell(HybridRecurrentCell):
    """Dropout on the input (in training only); states pass through unchanged.

    ``rate`` in [0, 1) is the probability of dropping an element; kept ones
    are scaled by ``1 / (1 - rate)``. ``axes`` are the axes along which one
    mask value is shared (``()``: independent elements). Unrolled over a
    merged array (array input with ``merge_outputs`` not False), the mask is
    drawn once for the whole array, so ``axes`` then refer to its
    dimensions, as in MXNet; stepped, to the (N, C) step input.
    """

    def __init__(self, rate, axes=(), prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.rate = _probability(rate, 'rate')
        if isinstance(axes, numbers.Integral):
            axes = (axes,)
        try:
            axes = tuple(axes)
        except TypeError:
            raise InvalidArgumentError('axes must be a tuple of integers, got %r'
                                       % (axes,)) from None
        if not all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axes):
            raise InvalidArgumentError('axes must be a tuple of integers, got %r' % (axes,))
        self.axes = axes

    def _alias(self):
        return 'dropout'

    def __repr__(self):
        return '%s(rate=%s, axes=%s)' % (type(self).__name__, self.rate, self.axes)

    def state_info(self, batch_size=0):
        return []

    def _dropout(self, x):
        x = _float_array(x, 'the input of %s' % self.name)
        if self.rate == 0:
            return x
        rng = _draw_rng()
        if rng is None:
            return x
        shape = list(x.shape)
        for a in self.axes:
            if not -x.ndim <= a < x.ndim:
                raise InvalidArgumentError('axes %r do not fit an input of %d dimensions'
                                           % (self.axes, x.ndim))
            shape[a] = 1
        keep = rng.keep(tuple(shape), self.rate)
        scale = x.dtype.type(1.0 / (1.0 - self.rate))
        return np.where(keep, x * scale, x.dtype.type(0))

    def _step(self, inputs, states):
        states = [] if states is None else _state_list(states, self)
        return self._dropout(inputs), states

    def _unroll(self, length, inputs, begin_state, layout, merge_outputs, valid_length):
        self.reset()
        length = _check_length(length)
        seq, axis, batch, _, _ = _format_sequence(length, inputs, layout, merge_outputs)
        if isinstance(seq, np.ndarray):
            vl = _valid_lengths(valid_length, batch, seq.shape[axis])
            out = self._dropout(seq)
            if vl is not None:
                out = _mask_tensor(out, vl, axis)
            return out, ([] if begin_state is None else _state_list(begin_state, self))
        return RecurrentCell._unroll(self, length, seq, begin_state, layout, merge_outputs,
                                     valid_length)
