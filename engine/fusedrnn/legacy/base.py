"""BaseRNNCell: the legacy (MXNet 0.10 ``mxnet.rnn``) cell interface on numpy arrays.

A legacy cell is stepped with ``cell(inputs, states)`` and run over a
sequence with ``cell.unroll(length, inputs, ...)``. Unlike MXNet's symbolic
cells it owns real parameters (numpy arrays in its :class:`RNNParams`),
filled by :meth:`BaseRNNCell.initialize` or :meth:`BaseRNNCell.set_weights`.
"""
import numpy as np

from ..gluon.errors import InvalidArgumentError
from ..gluon.rnn_cell import _mode_override
from ..gluon.rnn_layer import _call_state_func, zeros
from . import _sequence as seq
from ._symbolic import reject_symbolic, reject_symbolic_func
from .params import RNNParams

__all__ = ['BaseRNNCell', 'zeros']


class BaseRNNCell:
    """Abstract base of the legacy cells.

    ``prefix`` names the cell (and its parameters when ``params`` is None);
    ``params`` is an :class:`RNNParams` container to share parameters with
    other cells (a new one with ``prefix`` is made when None).
    """

    def __init__(self, prefix='', params=None):
        if not isinstance(prefix, str):
            raise TypeError('prefix must be a str, got %r' % (prefix,))
        if params is None:
            params = RNNParams(prefix)
            self._own_params = True
        elif not isinstance(params, RNNParams):
            raise TypeError('params must be an RNNParams container or None, got %s'
                            % type(params).__name__)
        else:
            self._own_params = False
        self._prefix = prefix
        self._params = params
        self._modified = False
        self.reset()

    # -- naming and parameters ------------------------------------------------
    @property
    def prefix(self):
        """The cell's name prefix."""
        return self._prefix

    @property
    def params(self):
        """The cell's :class:`RNNParams` container."""
        return self._params

    def _children(self):
        return []

    def _all_params(self):
        """Every parameter of this cell and its children, each once, in order."""
        seen, result = set(), []
        for param in list(self.params.values()) + [p for c in self._children()
                                                   for p in c._all_params()]:
            if id(param) not in seen:
                seen.add(id(param))
                result.append(param)
        return result

    def _named_params(self):
        named = {}
        for param in self._all_params():
            other = named.get(param.name)
            if other is not None and other is not param:
                raise InvalidArgumentError(
                    'two different parameters are named %r; give the cells distinct prefixes '
                    '(or share one RNNParams container) to address them by name' % param.name)
            named[param.name] = param
        return named

    # -- states -------------------------------------------------------------------
    def _state_info(self, batch_size):
        raise NotImplementedError('%s does not define its states' % type(self).__name__)

    @property
    def state_info(self):
        """One dict per state: ``{'shape': ..., '__layout__': ...}``, batch size 0 (unknown)."""
        return self._state_info(0)

    @property
    def state_shape(self):
        """The shape of each state, batch size 0 (unknown)."""
        return [info['shape'] for info in self.state_info]

    def _check_unmodified(self):
        if self._modified:
            raise InvalidArgumentError(
                'after applying a modifier cell (ZoneoutCell, ResidualCell) the base cell %r '
                'cannot be used directly; use the modifier cell instead' % self._prefix)

    def begin_state(self, func=zeros, **kwargs):
        """Initial states, made by ``func`` (zeros by default) for each :attr:`state_info` entry.

        ``kwargs`` go to ``func`` (e.g. ``dtype``). fusedrnn extension:
        ``batch_size=N`` gives the states their batch size; without it the
        batch axis is 0, and such an empty state stands for zeros of the
        batch size of the inputs it is used with.
        """
        self._check_unmodified()
        return self._begin_state(func, **kwargs)

    def _begin_state(self, func=zeros, **kwargs):
        reject_symbolic_func(func, 'begin_state')
        batch_size = kwargs.pop('batch_size', 0)
        states = []
        for info in self._state_info(batch_size):
            self._init_counter += 1
            info = dict(info)
            info.update(kwargs)
            info.setdefault('name', '%sbegin_state_%d' % (self._prefix, self._init_counter))
            explicit = {k: info.pop(k) for k in list(kwargs) if k in info}
            states.append(_call_state_func(func, info, explicit))
        return states

    def _expand_states(self, states, batch, dtype):
        """Flat list of states; None, or an empty (batch 0) state, becomes zeros of ``batch`` rows."""
        flat = seq.flatten_states(states)
        infos = self._state_info(batch)
        if flat is None:  # every cell, container or not, reads None as zero states
            return [np.zeros(info['shape'], dtype=dtype) for info in infos]
        if len(flat) != len(infos):
            raise InvalidArgumentError('%s takes %d state array(s), got %d'
                                       % (type(self).__name__, len(infos), len(flat)))
        result = []
        for state, info in zip(flat, infos):
            state = state if isinstance(state, np.ndarray) else np.asarray(state)
            axis = info.get('__layout__', 'NC').find('N')
            if batch and state.ndim == len(info['shape']) and state.shape[axis] == 0:
                state = np.zeros(info['shape'], dtype=dtype)
            result.append(state)
        return result

    def reset(self):
        """Forget per-sequence bookkeeping before stepping or unrolling a new sequence."""
        self._init_counter = -1
        self._counter = -1
        for child in self._children():
            child.reset()

    # -- stepping -------------------------------------------------------------------
    def __call__(self, inputs, states, *, training=None, seed=None):
        """One step: ``(output, new_states)``; ``inputs`` is (batch, features).

        ``states`` is what :meth:`begin_state` gives (or a previous step's
        states); the new states have the same flat form. ``training`` and
        ``seed`` (fusedrnn extensions) switch dropout/zoneout on for this call.
        """
        self._check_unmodified()
        reject_symbolic(inputs, 'the step input')
        with _mode_override(training, seed):
            return self._step(inputs, states)

    def _step(self, inputs, states):
        x = inputs if isinstance(inputs, np.ndarray) else np.asarray(inputs)
        batch = x.shape[0] if x.ndim else 0
        self._counter += 1
        return self._step_impl(x, self._expand_states(states, batch, x.dtype))

    def _step_impl(self, inputs, states):
        raise NotImplementedError('%s cannot be stepped' % type(self).__name__)

    def _steppable(self):
        return True

    # -- unrolling ------------------------------------------------------------------
    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None, *,
               training=None, seed=None):
        """Run the cell over ``length`` steps: ``(outputs, states)``.

        ``inputs`` is one array, (batch, length, ...) for layout 'NTC' or
        (length, batch, ...) for 'TNC', or a list of ``length`` (batch, ...)
        arrays. ``merge_outputs`` True gives one array in ``layout``, False a
        list of per-step arrays, None whichever the cell produces naturally.
        """
        self._check_unmodified()
        with _mode_override(training, seed):
            return self._unroll(length, inputs, begin_state, layout, merge_outputs)

    def _unroll(self, length, inputs, begin_state, layout, merge_outputs):
        length = seq.check_unroll_args(length, inputs, layout)
        self.reset()
        batch, dtype = seq.batch_and_dtype(inputs, layout)
        if begin_state is None:
            states = self._begin_state(batch_size=batch, dtype=dtype)
        else:
            states = self._expand_states(begin_state, batch, dtype)
        return self._unroll_impl(length, inputs, states, layout, merge_outputs)

    def _unroll_impl(self, length, inputs, states, layout, merge_outputs):
        """Default: step through the sequence."""
        steps, axis = seq.format_sequence(length, inputs, layout, False)[:2]
        outputs = []
        for x in steps:
            output, states = self._step(x, states)
            outputs.append(output)
        return seq.finish_outputs(outputs, axis, merge_outputs), states

    # -- packed and unpacked weights --------------------------------------------------
    _gate_names = ()

    def _unpacked_prefix(self):
        return self.params.prefix

    def unpack_weights(self, args):
        """Split each packed i2h/h2h weight and bias of ``args`` into one array per gate.

        ``args`` maps names to arrays (e.g. :meth:`get_weights`); a new dict
        is returned, other entries kept.
        """
        args = dict(args)
        if not self._gate_names:
            return args
        prefix, hidden = self._unpacked_prefix(), self._num_hidden
        for group in ('i2h', 'h2h'):
            for kind in ('weight', 'bias'):
                packed = np.asarray(_pop(args, '%s%s_%s' % (prefix, group, kind), self))
                for j, gate in enumerate(self._gate_names):
                    args['%s%s%s_%s' % (prefix, group, gate, kind)] = \
                        packed[j * hidden:(j + 1) * hidden].copy()
        return args

    def pack_weights(self, args):
        """The inverse of :meth:`unpack_weights`: per-gate arrays joined again."""
        args = dict(args)
        if not self._gate_names:
            return args
        prefix = self._unpacked_prefix()
        for group in ('i2h', 'h2h'):
            for kind in ('weight', 'bias'):
                parts = [np.asarray(_pop(args, '%s%s%s_%s' % (prefix, group, gate, kind), self))
                         for gate in self._gate_names]
                args['%s%s_%s' % (prefix, group, kind)] = np.concatenate(parts, axis=0)
        return args

    # -- numpy parameters (fusedrnn extension) -------------------------------------------
    def _set_input_size(self, input_size):
        """Fix the input width where a parameter needs it; returns the output width."""
        return input_size

    def initialize(self, init=None, input_size=None, *, seed=None, force_reinit=False):
        """Create the parameter arrays.

        ``init`` is the initializer for parameters without their own
        (default ``Uniform(0.07)``, see :mod:`fusedrnn.gluon.initializer`);
        LSTM i2h biases keep their forget-bias initializer. ``input_size``
        (the feature width of the inputs) creates every array now; without
        it, arrays whose shape depends on it are created at the first step
        or unroll. ``seed`` makes the draw reproducible.
        """
        if input_size is not None:
            if isinstance(input_size, bool) or not isinstance(input_size, (int, np.integer)) \
                    or input_size < 1:
                raise InvalidArgumentError('input_size must be a positive integer, got %r'
                                           % (input_size,))
            self._set_input_size(int(input_size))
        from ..gluon.parameter import ParameterDict
        group = ParameterDict(self.params.prefix)
        for param in self._all_params():
            group._params[param.name + '#%d' % id(param)] = param
        group.initialize(init, force_reinit=force_reinit, seed=seed)
        return self

    def get_weights(self):
        """A dict ``name -> array`` (copies) of every initialised parameter, in packed form."""
        return {name: param.data().copy() for name, param in self._named_params().items()}

    def set_weights(self, args, allow_missing=False, ignore_extra=False):
        """Set parameters from ``args`` (``name -> array``, packed or unpacked names).

        An array's dtype becomes the parameter's dtype, so float64 arrays
        make a float64 cell. Unpacked names (per gate, as from
        :meth:`unpack_weights`) are packed first.
        """
        named = self._named_params()
        args = dict(args)
        if any(name not in args for name in named):
            try:
                args = self.pack_weights(args)
            except KeyError:
                pass
        missing = [name for name in named if name not in args]
        if missing and not allow_missing:
            raise InvalidArgumentError('set_weights: no array for %s (this cell has %s)'
                                       % (missing, sorted(named)))
        extra = [name for name in args if name not in named]
        if extra and not ignore_extra:
            raise InvalidArgumentError('set_weights: %s are not parameters of this cell (it has '
                                       '%s); pass ignore_extra=True to skip them'
                                       % (extra, sorted(named)))
        for name, param in named.items():
            if name in args:
                param._load_init(np.asarray(args[name]), cast_dtype=True, dtype_source='saved')
        return self

    def __repr__(self):
        return '%s(prefix=%r)' % (type(self).__name__, self._prefix)


def _pop(args, name, cell):
    try:
        return args.pop(name)
    except KeyError:
        raise KeyError('%s %r: no array named %r in the dict given'
                       % (type(cell).__name__, cell.prefix, name)) from None
