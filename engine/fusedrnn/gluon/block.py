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

import numpy

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
