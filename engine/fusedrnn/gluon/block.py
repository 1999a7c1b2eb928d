"""Block: the base of every layer, with Gluon's naming and parameter scoping.

Naming follows Gluon 1.x:

* A block built outside any ``name_scope`` without a ``prefix`` is named after
  its class (lower-cased) and a counter: ``lstm0_``, ``lstm1_``, ... The
  counters are per thread (held in a :mod:`contextvars` variable).
* A block built inside ``with parent.name_scope():`` gets the parent's prefix
  plus its own (``model0_lstm0_``), counters being kept per parent, and its
  parameters live in a :class:`ParameterDict` with that full prefix.
* ``params=`` shares another block's parameters (looked up by full name).
"""
import collections
import contextlib
import contextvars
import re
import warnings

import numpy

from . import parameter as _parameter
from .errors import InvalidArgumentError
from .parameter import Parameter, ParameterDict

__all__ = ['Block', 'HybridBlock']

_current_scope = contextvars.ContextVar('fusedrnn_gluon_block_scope', default=None)
_top_counters = contextvars.ContextVar('fusedrnn_gluon_name_counters', default=None)


def _next_top_name(hint):
    counters = _top_counters.get()
    if counters is None:
        counters = {}
        _top_counters.set(counters)
    count = counters.get(hint, 0)
    counters[hint] = count + 1
    return '%s%d' % (hint, count)


class _BlockScope:
    """The naming scope a block opens with ``name_scope()``."""

    def __init__(self, block):
        self._block = block
        self._counter = {}

    @staticmethod
    def create(prefix, params, hint):
        """``(full prefix, ParameterDict)`` for a new block in the current scope."""
        current = _current_scope.get()
        if current is None:
            if prefix is None:
                prefix = _next_top_name(hint) + '_'
            if params is None:
                params = ParameterDict(prefix)
            else:
                params = ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = '%s%d_' % (hint, count)
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params


def _indent(text, spaces):
    pad = ' ' * spaces
    return text.replace('\n', '\n' + pad)


class Block:
    """Base class of layers. Subclasses define :meth:`forward`; calling the block calls it.

    ``prefix`` names the block and its parameters; ``params`` shares an
    existing :class:`ParameterDict`. Attributes holding a Block become
    children; attributes holding a Parameter become registered parameters.
    """

    def __init__(self, prefix=None, params=None):
        self._empty_prefix = prefix == ''
        self._prefix, self._params = _BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith('_') else self._prefix
        self._scope = _BlockScope(self)
        self._children = collections.OrderedDict()
        self._reg_params = {}

    def _alias(self):
        return self.__class__.__name__.lower()

    def __setattr__(self, name, value):
        existing = self.__dict__.get(name)
        if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
            raise TypeError('attribute %r holds a %s and cannot be replaced by a %s'
                            % (name, type(existing).__name__, type(value).__name__))
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            if name in self.__dict__.get('_reg_params', {}):
                raise TypeError('parameter attribute %r is already set; replacing a '
                                'registered Parameter is not allowed' % name)
            self._reg_params[name] = value
        object.__setattr__(self, name, value)

    def __repr__(self):
        lines = ['  (%s): %s' % (key, _indent(repr(child), 2))
                 for key, child in self._children.items()]
        return '%s(\n%s\n)' % (self.__class__.__name__, '\n'.join(lines))

    # -- naming ---------------------------------------------------------------
    @property
    def prefix(self):
        """Full prefix of this block, e.g. ``'lstm0_'``."""
        return self._prefix

    @property
    def name(self):
        """The prefix without its trailing underscore."""
        return self._name

    @contextlib.contextmanager
    def name_scope(self):
        """Context manager: blocks built inside are named under this one."""
        if self._empty_prefix:
            yield self._scope
            return
        token = _current_scope.set(self._scope)
        try:
            yield self._scope
        finally:
            _current_scope.reset(token)

    # -- parameters -----------------------------------------------------------
    @property
    def params(self):
        """This block's own ParameterDict (children's parameters not included)."""
        return self._params

    def collect_params(self, select=None):
        """A ParameterDict of this block's and all descendants' parameters.

        ``select`` is a regular expression matched (``re.match``) against full
        names, e.g. ``'.*weight'`` or ``'lstm0_l0_.*|lstm0_r0_.*'``.
        """
        result = ParameterDict(self._params.prefix)
        if select is None:
            result.update(self.params)
        else:
            regex = re.compile(select)
            result.update(collections.OrderedDict(
                (k, v) for k, v in self.params.items() if regex.match(k)))
        for child in self._children.values():
            result.update(child.collect_params(select=select))
        return result

    def _collect_params_with_prefix(self, prefix=''):
        """Parameters keyed by their attribute path (``'0.l0_i2h_weight'``-style)."""
        if prefix:
            prefix += '.'
        result = {prefix + key: value for key, value in self._reg_params.items()}
        for name, child in self._children.items():
            result.update(child._collect_params_with_prefix(prefix + name))
        return result

    def initialize(self, init=None, ctx=None, verbose=False, force_reinit=False, *, seed=None):
        """Initialise all parameters (see :meth:`ParameterDict.initialize`)."""
        self.collect_params().initialize(init, ctx, verbose, force_reinit, seed=seed)

    # -- saving and loading (file format: docs/parameter-files.md) -------------
    # Dtypes a block's own parameters may take when loading with
    # dtype_source='saved' (None: any); the fused layers allow float32/float64.
    _loadable_dtypes = None

    def save_parameters(self, filename, deduplicate=False):
        """Save all parameters to ``filename`` under their structural names.

        Names are attribute paths (``'encoder.0.weight'``; a fused layer writes
        ``'_unfused.0.l_cell.i2h_weight'``-style names, as Gluon 1.x does). The
        file is an MXNet 1.x NDArray list that ``mx.nd.load`` and Gluon's
        ``load_parameters`` read. ``deduplicate=True`` writes a parameter shared
        under several names once (under the last of them, as Gluon does).
        """
        params = self._collect_params_with_prefix()
        if deduplicate:
            reverse = {param: name for name, param in params.items()}
            params = {name: param for param, name in reverse.items()}
        _parameter._write_named_arrays(
            filename, collections.OrderedDict((k, v.data()) for k, v in params.items()))

    def load_parameters(self, filename, ctx=None, allow_missing=False, ignore_extra=False,
                        cast_dtype=False, dtype_source='current'):
        """Load parameters from a file of :meth:`save_parameters` (ours or Gluon 1.x's).

        Every parameter must be in the file unless ``allow_missing``; every
        entry of the file must name a parameter unless ``ignore_extra``. A
        parameter whose shape is not fully known yet takes the saved shape
        (it needs no ``initialize()``); other shapes must match. Dtypes must
        match unless ``cast_dtype``: then ``dtype_source='current'`` converts
        the saved values and ``'saved'`` gives the parameter the saved dtype.
        A file whose names contain no ``'.'`` is read the legacy way (as
        ``collect_params().load(filename, restore_prefix=self.prefix)``).
        All checks run before any parameter changes. ``ctx`` is ignored.
        """
        _parameter._check_dtype_source(dtype_source)
        loaded = _parameter._read_named_arrays(filename)
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        label = _parameter._file_label(filename)
        if not any('.' in name for name in loaded):
            # names without any '.': a legacy file, named like collect_params()
            # minus this block's prefix
            plans = self.collect_params()._plan_dict(
                loaded, allow_missing, ignore_extra, self.prefix, filename, cast_dtype,
                dtype_source)
            self._check_loadable_dtypes(plans, label)
            _parameter._commit_all(plans)
            self.apply(lambda b: b._params_loaded())
            return
        if not allow_missing:
            names_of = collections.defaultdict(list)
            for name, param in params.items():
                names_of[param].append(name)
            for name, param in params.items():
                if not any(alias in loaded for alias in names_of[param]):
                    raise InvalidArgumentError(
                        "Parameter '%s' is missing in file '%s', which contains parameters: "
                        "%s. Set allow_missing=True to ignore missing parameters."
                        % (name, label, _parameter._brief_print_list(loaded.keys())))
        plans = []
        for name, data in loaded.items():
            if name not in params:
                if not ignore_extra:
                    raise InvalidArgumentError(
                        "Parameter '%s' loaded from file '%s' is not present in ParameterDict, "
                        "which contains parameters %s. Set ignore_extra=True to ignore."
                        % (name, label, _parameter._brief_print_list(params.keys())))
                continue
            plans.append((params[name], _parameter._plan_load(
                params[name], data, cast_dtype, dtype_source,
                "entry '%s' in file '%s'" % (name, label))))
        self._check_loadable_dtypes(plans, label)
        _parameter._commit_all(plans)
        self.apply(lambda b: b._params_loaded())

    def _check_loadable_dtypes(self, plans, label):
        """Refuse a dtype (from dtype_source='saved') that the owning block cannot compute in."""
        owners = {}
        self.apply(lambda b: owners.update((p, b) for p in b._reg_params.values()))
        for param, (_, dtype, _) in plans:
            allowed = getattr(owners.get(param), '_loadable_dtypes', None)
            if allowed is not None and dtype not in allowed:
                raise InvalidArgumentError(
                    "Failed loading Parameter '%s' from file '%s': %s cannot use dtype %s "
                    "(allowed: %s)" % (param.name, label, type(owners[param]).__name__,
                                        dtype.name, ', '.join(d.name for d in allowed)))

    def _params_loaded(self):
        """Hook called on every block after load_parameters changed parameters."""

    def save_params(self, filename):
        """Deprecated in Gluon 1.x: ``collect_params().save(filename, strip_prefix=prefix)``."""
        warnings.warn('save_params is deprecated. Please use save_parameters.',
                      DeprecationWarning, stacklevel=2)
        self.collect_params().save(filename, strip_prefix=self.prefix)

    def load_params(self, filename, ctx=None, allow_missing=False, ignore_extra=False):
        """Deprecated in Gluon 1.x: same as :meth:`load_parameters`."""
        warnings.warn('load_params is deprecated. Please use load_parameters.',
                      DeprecationWarning, stacklevel=2)
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)

    # -- children -------------------------------------------------------------
    def register_child(self, block, name=None):
        """Make ``block`` a child (its parameters join collect_params())."""
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def apply(self, fn):
        """Call ``fn(block)`` on every descendant, then on this block; returns self."""
        for child in self._children.values():
            child.apply(fn)
        fn(self)
        return self

    def hybridize(self, active=True, **kwargs):
        """Accepted for compatibility: there is no graph to build, so nothing changes."""
        for child in self._children.values():
            child.hybridize(active, **kwargs)

    def cast(self, dtype):
        """Convert this block's and its children's parameters to ``dtype``."""
        for child in self._children.values():
            child.cast(dtype)
        for param in self.params.values():
            param.cast(dtype)

    # -- calling --------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        raise NotImplementedError('%s does not define forward()' % type(self).__name__)


class HybridBlock(Block):
    """A Block that MXNet could compile. Here hybridize() is a no-op.

    A subclass may define ``hybrid_forward(F, x, *args, **params)`` instead of
    ``forward``: it is called with ``F`` = :mod:`numpy` and the block's own
    registered parameters as numpy arrays, by attribute name.
    """

    def forward(self, x, *args):
        params = {name: p.data() for name, p in self._reg_params.items()}
        return self.hybrid_forward(numpy, x, *args, **params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise NotImplementedError('%s defines neither forward() nor hybrid_forward()'
                                  % type(self).__name__)
