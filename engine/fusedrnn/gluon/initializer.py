"""Parameter initializers, usable as instances or by registered name.

Names (case-insensitive): ``'zeros'``/``'zero'``, ``'ones'``/``'one'``,
``'constant'``, ``'uniform'``, ``'normal'``, ``'xavier'``, ``'msraprelu'``,
``'lstmbias'``; a JSON string ``'["uniform", {"scale": 0.1}]'`` (what
:meth:`Initializer.dumps` writes) also works.

Random initializers draw from :func:`fusedrnn.gluon.random.generator`.
Every initializer fills the array it is given in place.
"""
import json

import numpy as np

from . import random as _random

__all__ = ['Initializer', 'InitDesc', 'register', 'alias', 'create',
           'Zero', 'One', 'Constant', 'Uniform', 'Normal', 'Xavier',
           'MSRAPrelu', 'LSTMBias']

_REGISTRY = {}


def register(klass):
    """Class decorator: make ``klass`` creatable by its lower-cased name."""
    if not (isinstance(klass, type) and issubclass(klass, Initializer)):
        raise TypeError('only Initializer subclasses can be registered')
    _REGISTRY[klass.__name__.lower()] = klass
    return klass


def alias(*names):
    """Class decorator: extra registered names for an initializer."""
    def decorate(klass):
        for name in names:
            _REGISTRY[name.lower()] = klass
        return klass
    return decorate


def create(spec):
    """Turn ``spec`` (an Initializer, a registered name or a JSON dump) into an Initializer."""
    if isinstance(spec, Initializer):
        return spec
    if isinstance(spec, type) and issubclass(spec, Initializer):
        return spec()
    if isinstance(spec, str):
        text = spec.strip()
        if text.startswith('['):
            name, kwargs = json.loads(text)
            return _lookup(name)(**kwargs)
        return _lookup(text)()
    raise TypeError('cannot make an initializer from %r' % (spec,))


def _lookup(name):
    try:
        return _REGISTRY[name.lower()]
    except KeyError:
        raise ValueError('unknown initializer %r; registered names: %s'
                         % (name, ', '.join(sorted(_REGISTRY)))) from None


class InitDesc(str):
    """A parameter name handed to an initializer, with extra attributes.

    ``attrs['__init__']`` holds the parameter's own initializer when it has
    one; ``global_init`` is the initializer the call started from.
    """

    def __new__(cls, name, attrs=None, global_init=None):
        desc = super().__new__(cls, name)
        desc.attrs = dict(attrs or {})
        desc.global_init = global_init
        return desc


class Initializer:
    """Base class. Subclasses override :meth:`_init_weight` (fill ``arr`` in place).

    Calling an initializer with ``(desc, arr)`` uses the initializer named in
    ``desc.attrs['__init__']`` if any, and otherwise dispatches on the end of
    the parameter name (``weight``, ``bias``, ``gamma``, ``beta``).
    """

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False

    def set_verbosity(self, verbose=False, print_func=None):
        """Accepted for compatibility; nothing is printed."""
        self._verbose = verbose
        return self

    def dumps(self):
        """JSON ``[name, kwargs]`` that :func:`create` turns back into this initializer."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __repr__(self):
        args = ', '.join('%s=%r' % kv for kv in self._kwargs.items())
        return '%s(%s)' % (self.__class__.__name__, args)

    def __eq__(self, other):
        return type(self) is type(other) and self._kwargs == other._kwargs

    def __hash__(self):
        return hash((type(self), json.dumps(self._kwargs, sort_keys=True, default=str)))

    def __call__(self, desc, arr):
        if not isinstance(desc, InitDesc):
            desc = InitDesc(str(desc))
        if desc.global_init is None:
            desc.global_init = self
        chosen = desc.attrs.get('__init__')
        if chosen:
            create(chosen)._init_weight(desc, arr)
        elif desc.endswith('weight'):
            self._init_weight(desc, arr)
        elif desc.endswith('bias'):
            self._init_bias(desc, arr)
        elif desc.endswith('gamma'):
            arr[...] = 1.0
        elif desc.endswith('beta'):
            arr[...] = 0.0
        else:
            self._init_default(desc, arr)

    def _init_weight(self, name, arr):
        raise NotImplementedError('%s does not initialise weights' % type(self).__name__)

    def _init_bias(self, name, arr):
        arr[...] = 0.0

    def _init_default(self, name, arr):
        raise ValueError("cannot tell how to initialise parameter %r; give it an "
                         "initializer or use a name ending in 'weight' or 'bias'" % str(name))


@register
@alias('zeros')
class Zero(Initializer):
    """Fill with 0."""

    def _init_weight(self, name, arr):
        arr[...] = 0.0


@register
@alias('ones')
class One(Initializer):
    """Fill with 1."""

    def _init_weight(self, name, arr):
        arr[...] = 1.0


@register
class Constant(Initializer):
    """Fill with ``value`` (a scalar, or an array broadcastable to the parameter)."""

    def __init__(self, value):
        kwargs = {'value': value.tolist() if isinstance(value, np.ndarray) else value}
        super().__init__(**kwargs)
        self.value = value

    def _init_weight(self, name, arr):
        arr[...] = np.asarray(self.value)


@register
class Uniform(Initializer):
    """Independent draws from the uniform distribution on [-scale, scale)."""

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, name, arr):
        gen = _random.generator()
        arr[...] = gen.uniform(-self.scale, self.scale, size=arr.shape)


@register
class Normal(Initializer):
    """Independent draws from N(0, sigma**2)."""

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, name, arr):
        gen = _random.generator()
        arr[...] = gen.normal(0.0, self.sigma, size=arr.shape)


@register
class Xavier(Initializer):
    """Glorot-style scaling: draws with spread ``sqrt(magnitude / fan)``.

    ``rnd_type`` is ``'uniform'`` (on [-s, s)) or ``'gaussian'`` (standard
    deviation s); ``factor_type`` picks the fan: ``'in'``, ``'out'`` or
    ``'avg'`` (their mean). For an array of shape (out, in, k1, k2, ...) the
    fans are ``in*k1*k2*...`` and ``out*k1*k2*...``. Vectors are refused.
    """

    def __init__(self, rnd_type='uniform', factor_type='avg', magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        if rnd_type not in ('uniform', 'gaussian'):
            raise ValueError("Xavier rnd_type must be 'uniform' or 'gaussian', got %r"
                             % (rnd_type,))
        if factor_type not in ('avg', 'in', 'out'):
            raise ValueError("Xavier factor_type must be 'avg', 'in' or 'out', got %r"
                             % (factor_type,))
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        if arr.ndim < 2:
            raise ValueError('Xavier needs an array of at least 2 dimensions; %r has shape %s'
                             % (str(name), arr.shape))
        receptive = float(np.prod(arr.shape[2:])) if arr.ndim > 2 else 1.0
        fan_in = arr.shape[1] * receptive
        fan_out = arr.shape[0] * receptive
        fan = {'avg': (fan_in + fan_out) / 2.0, 'in': fan_in, 'out': fan_out}[self.factor_type]
        spread = np.sqrt(self.magnitude / fan)
        gen = _random.generator()
        if self.rnd_type == 'uniform':
            arr[...] = gen.uniform(-spread, spread, size=arr.shape)
        else:
            arr[...] = gen.normal(0.0, spread, size=arr.shape)


@register
class MSRAPrelu(Xavier):
    """He et al. scaling for PReLU networks: Gaussian Xavier with magnitude 2/(1+slope**2)."""

    def __init__(self, factor_type='avg', slope=0.25):
        super().__init__('gaussian', factor_type, 2.0 / (1 + slope ** 2))
        self._kwargs = {'factor_type': factor_type, 'slope': slope}


@register
class LSTMBias(Initializer):
    """LSTM bias: 0 everywhere except the forget-gate rows [H, 2H), set to ``forget_bias``.

    The gate order is i, f, g, o, so H is a quarter of the first dimension.
    """

    def __init__(self, forget_bias=1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name, arr):
        arr[...] = 0.0
        hidden = arr.shape[0] // 4
        arr[hidden:2 * hidden] = self.forget_bias
