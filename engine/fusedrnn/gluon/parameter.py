"""Parameters (named numpy arrays with an initializer) and ordered dicts of them.

A :class:`Parameter` holds one numpy array. Its shape may contain 0 for a
dimension not known yet (an input size inferred at the first forward call);
such a parameter, created with ``allow_deferred_init=True``, is initialised
as soon as the missing sizes are filled in.

``data()`` returns the stored array itself (not a copy), as MXNet returns its
NDArray: writing into it changes the parameter.

``ParameterDict.save``/``load`` (and ``Block.save_parameters``/
``load_parameters``) use MXNet 1.x's NDArray-list file, described in
docs/parameter-files.md.
"""
import collections
import os
import re
import warnings

import numpy as np

from .. import mxnet_format
from . import initializer as _init
from . import random as _random
from .errors import DeferredInitializationError, InvalidArgumentError

__all__ = ['Parameter', 'ParameterDict', 'DeferredInitializationError']

_GRAD_REQS = ('write', 'add', 'null')


def _shape_tuple(shape):
    if shape is None:
        return None
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def _shape_known(shape):
    return shape is not None and all(d > 0 for d in shape)


class Parameter:
    """A named, initialisable array.

    Constructor arguments follow Gluon's ``Parameter``: ``name``,
    ``grad_req='write'``, ``shape=None``, ``dtype='float32'``, ``lr_mult``,
    ``wd_mult``, ``init=None`` (an initializer or its name), and
    ``allow_deferred_init``. ``differentiable``, ``stype`` and ``grad_stype``
    are accepted and recorded. No gradients exist: fusedrnn computes the
    forward pass only.
    """

    def __init__(self, name, grad_req='write', shape=None, dtype='float32',
                 lr_mult=1.0, wd_mult=1.0, init=None, allow_deferred_init=False,
                 differentiable=True, stype='default', grad_stype='default'):
        self._name = name
        self._shape = _shape_tuple(shape)
        self._dtype = np.dtype(dtype)
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.init = init
        self.allow_deferred_init = allow_deferred_init
        self._differentiable = differentiable
        self._stype = stype
        self._grad_stype = grad_stype
        self._grad_req = None
        self.grad_req = grad_req if differentiable else 'null'
        self._data = None
        self._deferred = None   # (init, default_init, generator, pending data) while waiting

    # -- attributes ---------------------------------------------------------
    @property
    def name(self):
        return self._name

    @property
    def dtype(self):
        return self._dtype

    @dtype.setter
    def dtype(self, dtype):
        self.cast(dtype)

    @property
    def grad_req(self):
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req):
        if req not in _GRAD_REQS:
            raise InvalidArgumentError('grad_req must be one of %s, got %r' % (_GRAD_REQS, req))
        self._grad_req = req if self._differentiable else 'null'

    @property
    def shape(self):
        return self._shape

    @shape.setter
    def shape(self, new_shape):
        new_shape = _shape_tuple(new_shape)
        if self._shape is None:
            self._shape = new_shape
            return
        compatible = (new_shape is not None and len(new_shape) == len(self._shape)
                      and all(old in (0, new) for new, old in zip(new_shape, self._shape)))
        if not compatible:
            raise InvalidArgumentError('Parameter %r has shape %s, which cannot become %s'
                                       % (self._name, self._shape, new_shape))
        self._shape = new_shape

    def __repr__(self):
        return 'Parameter %s (shape=%s, dtype=%s)' % (self._name, self._shape, self._dtype)

    # -- initialisation -----------------------------------------------------
    def initialize(self, init=None, ctx=None, default_init=None, force_reinit=False, *,
                   seed=None):
        """Create the data with ``init``, else the parameter's own initializer,
        else ``default_init`` (``Uniform()`` when not given).

        An initialised parameter is left alone (with a warning) unless
        ``force_reinit``. A parameter whose shape is not fully known yet waits
        for it if it allows deferred initialisation, and fails otherwise.
        ``seed`` (fusedrnn extension) draws from a generator seeded with it;
        ``ctx`` is accepted and ignored (everything lives in host memory).
        """
        generator = None if seed is None else np.random.default_rng(seed)
        self._initialize(init, default_init, force_reinit, generator)

    def _initialize(self, init, default_init, force_reinit, generator):
        if self._data is not None and not force_reinit:
            warnings.warn('Parameter %r is already initialized; skipped. Pass '
                          'force_reinit=True to initialize it again.' % self._name, stacklevel=3)
            return
        self._data = None
        if default_init is None:
            default_init = _init.Uniform()
        if init is None:
            init = self.init if self.init is not None else default_init
        self._deferred = (init, default_init, generator, None)
        if _shape_known(self._shape):
            self._finish_deferred_init()
        elif not self.allow_deferred_init:
            self._deferred = None
            raise InvalidArgumentError('Parameter %r cannot be initialized: its shape %s is not '
                                       'fully known' % (self._name, self._shape))

    def _finish_deferred_init(self):
        """Create the data of a parameter waiting for its shape (no-op otherwise)."""
        if self._deferred is None:
            return
        if not _shape_known(self._shape):
            raise DeferredInitializationError(
                'Parameter %r cannot be initialized yet: its shape %s still has unknown '
                'dimensions' % (self._name, self._shape))
        init, default_init, generator, pending = self._deferred
        data = np.zeros(self._shape, dtype=self._dtype)
        if pending is not None:
            data[...] = pending
        else:
            desc = _init.InitDesc(self._name, {'__init__': init})
            with _random.using(generator):
                _init.create(default_init)(desc, data)
        self._data = data
        self._deferred = None

    @property
    def is_initialized(self):
        """True once the data exists (fusedrnn extension)."""
        return self._data is not None

    @property
    def is_deferred(self):
        """True while waiting for the shape to become known (fusedrnn extension)."""
        return self._data is None and self._deferred is not None

    # -- data ---------------------------------------------------------------
    def _checked(self):
        if self._data is not None:
            return self._data
        if self._deferred is not None:
            raise DeferredInitializationError(
                'Parameter %r is not initialized yet: its initialization was deferred until '
                'its shape is known, which happens at the first forward call. Run one batch '
                'through the block first, or give the input size when building it.' % self._name)
        raise RuntimeError('Parameter %r has not been initialized. Call initialize() on the '
                           'block (which covers its children) or on collect_params().'
                           % self._name)

    def data(self, ctx=None):
        """The parameter's array (the stored array itself, not a copy)."""
        return self._checked()

    def list_data(self):
        """``[data()]``, for code written against multi-device Gluon."""
        return [self._checked()]

    def set_data(self, data):
        """Overwrite the values (copied into the existing array, cast to this dtype).

        On a parameter still waiting for deferred initialisation the values
        are kept and used instead of the initializer.
        """
        data = np.asarray(data)
        self.shape = data.shape
        if self._data is None:
            if self._deferred is None:
                raise RuntimeError('Parameter %r has not been initialized; call initialize() '
                                   'before set_data()' % self._name)
            init, default_init, generator, _ = self._deferred
            self._deferred = (init, default_init, generator, np.array(data, dtype=self._dtype))
            return
        self._data[...] = data

    def cast(self, dtype):
        """Change the dtype; existing data (or pending data) is converted."""
        self._dtype = np.dtype(dtype)
        if self._data is not None:
            self._data = self._data.astype(self._dtype)
        elif self._deferred is not None and self._deferred[3] is not None:
            init, default_init, generator, pending = self._deferred
            self._deferred = (init, default_init, generator, pending.astype(self._dtype))

    def grad(self, ctx=None):
        raise RuntimeError('fusedrnn computes the forward pass only; Parameter %r has no '
                           'gradient' % self._name)

    def list_grad(self):
        return [self.grad()]

    def zero_grad(self):
        """Accepted; there are no gradients to clear."""

    def reset_ctx(self, ctx):
        """Accepted; everything lives in host memory."""

    def list_ctx(self):
        """One host 'context', named as a string."""
        return ['cpu(0)']

    def _load_init(self, data, ctx=None, cast_dtype=False, dtype_source='current'):
        """(Re)initialise from a saved array, as Gluon's ``Parameter._load_init``.

        A 0 in this parameter's shape takes the saved size; other sizes must
        agree. The dtypes must agree unless ``cast_dtype``: then
        ``dtype_source='current'`` converts the saved values to this dtype and
        ``'saved'`` makes the parameter take the saved dtype. The parameter need
        not have been initialised. ``ctx`` is accepted and ignored.
        """
        _check_dtype_source(dtype_source)
        _commit_load(self, _plan_load(self, data, cast_dtype, dtype_source, 'loaded array'))


class ParameterDict:
    """An ordered ``name -> Parameter`` mapping sharing one name prefix.

    ``get(name, **attrs)`` returns the parameter ``prefix + name``, creating it
    (or taking it from the ``shared`` dict) when absent, and checks that
    the attributes given agree with an existing one (0 in a shape matches any
    size and is filled in).
    """

    def __init__(self, prefix='', shared=None):
        self._prefix = prefix
        self._params = collections.OrderedDict()
        self._shared = shared

    @property
    def prefix(self):
        return self._prefix

    def __repr__(self):
        head = (self._prefix + ' ') if self._prefix else ''
        body = '\n'.join('  %r' % p for p in self._params.values())
        return '%s(\n%s\n)' % (head, body)

    def __getitem__(self, key):
        return self._params[key]

    def __iter__(self):
        return iter(self._params)

    def __len__(self):
        return len(self._params)

    def __contains__(self, key):
        return key in self._params

    def keys(self):
        return self._params.keys()

    def values(self):
        return self._params.values()

    def items(self):
        return self._params.items()

    def _lookup(self, name):
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._params[name]
        return None

    def get(self, name, **kwargs):
        """The parameter ``prefix + name``, created with ``kwargs`` if it does not exist."""
        full = self._prefix + name
        param = self._lookup(full)
        if param is None:
            param = Parameter(full, **kwargs)
            self._params[full] = param
            return param
        for key, wanted in kwargs.items():
            stored = getattr(param, key, None)
            if stored is None:
                setattr(param, key, wanted)
                continue
            if key == 'shape' and wanted is not None:
                wanted = _shape_tuple(wanted)
                if len(wanted) == len(stored) and all(
                        a == b or a == 0 or b == 0 for a, b in zip(wanted, stored)):
                    param._shape = tuple(max(a, b) for a, b in zip(wanted, stored))
                    continue
            elif key == 'dtype' and wanted is not None and np.dtype(wanted) == stored:
                continue
            if wanted is not None and wanted != stored:
                raise InvalidArgumentError(
                    'Parameter %r exists with %s=%r, which does not match the requested %r'
                    % (full, key, stored, wanted))
        return param

    def update(self, other):
        """Add the parameters of ``other``; a different Parameter under a taken name is an error."""
        for name, param in other.items():
            if name in self._params and self._params[name] is not param:
                raise InvalidArgumentError('cannot merge: two different parameters are named %r'
                                           % name)
            self._params[name] = param

    def initialize(self, init=None, ctx=None, verbose=False, force_reinit=False, *, seed=None):
        """Initialise every parameter: its own initializer wins, ``init`` is the fallback.

        ``init`` defaults to ``Uniform()`` (weights in [-0.07, 0.07)).
        ``seed`` (fusedrnn extension) gives the whole call one generator seeded
        with it, shared in order by the parameters (deferred ones draw from it
        at the first forward call).
        """
        default_init = _init.create(init) if init is not None else _init.Uniform()
        generator = None if seed is None else np.random.default_rng(seed)
        for param in self._params.values():
            param._initialize(None, default_init, force_reinit, generator)

    def setattr(self, name, value):
        """Set attribute ``name`` to ``value`` on every parameter (e.g. ``grad_req``)."""
        for param in self._params.values():
            setattr(param, name, value)

    def zero_grad(self):
        """Accepted; there are no gradients."""

    def reset_ctx(self, ctx):
        """Accepted; everything lives in host memory."""

    def list_ctx(self):
        return ['cpu(0)']

    def select(self, pattern):
        """A new ParameterDict with the parameters whose names match ``pattern`` (re.match)."""
        regex = re.compile(pattern)
        out = ParameterDict(self._prefix)
        out._params.update((k, v) for k, v in self._params.items() if regex.match(k))
        return out

    # -- saving and loading (docs/parameter-files.md) --------------------------
    def save(self, filename, strip_prefix=''):
        """Write every parameter to ``filename``, named by its full name minus ``strip_prefix``.

        The file is an MXNet 1.x NDArray list (docs/parameter-files.md), which
        ``mx.nd.load`` and Gluon 1.x's ``ParameterDict.load`` read too.
        """
        arg_dict = collections.OrderedDict()
        for param in self.values():
            if not param.name.startswith(strip_prefix):
                raise InvalidArgumentError(
                    "Prefix '%s' is to be striped before saving, but Parameter's name '%s' "
                    "does not start with '%s'. This may be due to your Block sharing "
                    "parameters from other Blocks or building child blocks outside "
                    "'with name_scope()'." % (strip_prefix, param.name, strip_prefix))
            arg_dict[param.name[len(strip_prefix):]] = param.data()
        _write_named_arrays(filename, arg_dict)

    def load(self, filename, ctx=None, allow_missing=False, ignore_extra=False,
             restore_prefix='', cast_dtype=False, dtype_source='current'):
        """Load a file written by :meth:`save` (or by Gluon 1.x's ``ParameterDict.save``).

        ``restore_prefix`` is put back in front of every saved name (the
        inverse of ``save``'s ``strip_prefix``); every parameter here must
        start with it. See :meth:`load_dict` for the other arguments.
        """
        if restore_prefix:
            for name in self.keys():
                if not name.startswith(restore_prefix):
                    raise InvalidArgumentError(
                        "restore_prefix is '%s' but Parameters name '%s' does not start "
                        "with '%s'" % (restore_prefix, name, restore_prefix))
        loaded = _read_named_arrays(filename)
        self.load_dict(loaded, ctx, allow_missing, ignore_extra, restore_prefix,
                       filename, cast_dtype, dtype_source)

    def load_dict(self, param_dict, ctx=None, allow_missing=False, ignore_extra=False,
                  restore_prefix='', filename=None, cast_dtype=False,
                  dtype_source='current'):
        """Load from ``{saved name: array}`` (``arg:``/``aux:`` tags are dropped).

        Every parameter must be in ``param_dict`` unless ``allow_missing``;
        every entry must name a parameter unless ``ignore_extra``; sizes must
        agree (a 0, unknown yet, takes the saved size); dtypes must agree
        unless ``cast_dtype`` (see :meth:`Parameter._load_init`). Everything
        is checked before anything changes. ``ctx`` is accepted and ignored.
        """
        _commit_all(self._plan_dict(param_dict, allow_missing, ignore_extra, restore_prefix,
                                    filename, cast_dtype, dtype_source))

    def _plan_dict(self, param_dict, allow_missing, ignore_extra, restore_prefix, filename,
                   cast_dtype, dtype_source):
        """load_dict's checks: ``[(parameter, plan)]`` to commit, or an exception."""
        _check_dtype_source(dtype_source)
        lprefix = len(restore_prefix)
        items = param_dict.items() if hasattr(param_dict, 'items') else param_dict
        arg_dict = collections.OrderedDict(
            (restore_prefix + (k[4:] if k.startswith(('arg:', 'aux:')) else k), v)
            for k, v in items)
        error_str = ('file: %s' % _file_label(filename)) if filename is not None \
            else 'param_dict'
        if not allow_missing:
            for name in self.keys():
                if name not in arg_dict:
                    raise InvalidArgumentError(
                        "Parameter '%s' is missing in %s, which contains parameters: %s. "
                        "Please make sure source and target networks have the same prefix. "
                        "Set allow_missing=True to ignore missing parameters."
                        % (name[lprefix:], error_str, _brief_print_list(arg_dict.keys())))
        plans = []
        for name, data in arg_dict.items():
            if name not in self._params:
                if not ignore_extra:
                    raise InvalidArgumentError(
                        "Parameter '%s' loaded from %s is not present in ParameterDict, "
                        "choices are: %s. Set ignore_extra to True to ignore. Please make "
                        "sure source and target networks have the same prefix."
                        % (name[lprefix:], error_str, _brief_print_list(self._params.keys())))
                continue
            param = self._params[name]
            plans.append((param, _plan_load(param, data, cast_dtype, dtype_source,
                                            "entry '%s' in %s" % (name[lprefix:], error_str))))
        return plans


# -- helpers of saving and loading ---------------------------------------------------------

_DTYPE_SOURCES = ('current', 'saved')


def _brief_print_list(lst, limit=7):
    """At most ``limit`` names, quoted, as MXNet lists them in its load errors."""
    lst = list(lst)
    if len(lst) > limit:
        return _brief_print_list(lst[:limit // 2], limit) + ', ..., ' + \
            _brief_print_list(lst[-limit // 2:], limit)
    return ', '.join("'%s'" % str(i) for i in lst)


def _file_label(filename):
    return filename if isinstance(filename, str) else os.fspath(filename)


def _read_named_arrays(filename):
    """``{name: array}`` from a parameter file; a file of unnamed arrays is refused."""
    label = _file_label(filename)
    loaded = mxnet_format.load(label)
    if isinstance(loaded, list):
        if loaded:
            raise InvalidArgumentError(
                "File '%s' holds %d unnamed arrays (an mx.nd.save list), not named "
                "parameters" % (label, len(loaded)))
        loaded = {}
    return loaded


def _write_named_arrays(filename, arrays):
    """Write ``{name: array}``; the bytes are built first, so a failure writes nothing."""
    data = mxnet_format.dumps(arrays)
    with open(_file_label(filename), 'wb') as f:
        f.write(data)


def _check_dtype_source(dtype_source):
    if dtype_source not in _DTYPE_SOURCES:
        raise InvalidArgumentError("dtype_source must be 'current' or 'saved', got %r"
                                   % (dtype_source,))


def _plan_load(param, data, cast_dtype, dtype_source, where):
    """Check one saved array against ``param``: ``(shape, dtype, array)`` to commit.

    Nothing changes here, so that a file with one bad entry leaves every
    parameter as it was.
    """
    data = np.asarray(data)
    shape = tuple(int(d) for d in data.shape)
    if param.shape is not None:
        if len(param.shape) != len(shape) or any(
                mine not in (0, saved) for mine, saved in zip(param.shape, shape)):
            raise InvalidArgumentError(
                "Failed loading Parameter '%s' from saved params: shape incompatible "
                "expected %s vs saved %s (%s)"
                % (param.name, str(param.shape), str(shape), where))
    dtype = param.dtype
    if data.dtype != dtype:
        if not cast_dtype:
            raise InvalidArgumentError(
                "Failed loading Parameter '%s' from saved params: dtype incompatible "
                "expected %s vs saved %s. Set cast_dtype=True to cast the dtype of saved "
                "params. (%s)" % (param.name, dtype.name, data.dtype.name, where))
        if dtype_source == 'saved':
            dtype = data.dtype
    return shape, np.dtype(dtype), data


def _commit_load(param, plan):
    shape, dtype, data = plan
    if param._data is not None and param._data.shape == shape and param._data.dtype == dtype:
        param._data[...] = data          # in place, as Gluon's set_data does
    else:
        param._data = np.array(data, dtype=dtype, order='C', copy=True)
    param._shape = shape
    param._dtype = dtype
    param._deferred = None


def _commit_all(plans):
    for param, plan in plans:
        _commit_load(param, plan)
