"""RNNParams: the container a legacy cell keeps its parameters in.

In MXNet 0.10 the container handed out symbol variables named
``prefix + name``. Here it hands out :class:`fusedrnn.gluon.Parameter`
objects (a named numpy array with an initializer), so a legacy cell has
real weights. Passing one container to several cells makes them share
those parameters.
"""
from ..gluon.parameter import ParameterDict

__all__ = ['RNNParams']


class RNNParams:
    """Container of named parameters; every name gets ``prefix`` in front."""

    def __init__(self, prefix=''):
        if not isinstance(prefix, str):
            raise TypeError('RNNParams prefix must be a str, got %r' % (prefix,))
        self._dict = ParameterDict(prefix)

    @property
    def prefix(self):
        """The prefix put in front of every name."""
        return self._dict.prefix

    def get(self, name, **kwargs):
        """The parameter ``prefix + name``; created with ``kwargs`` if missing.

        ``kwargs`` are :class:`fusedrnn.gluon.Parameter` arguments (``shape``,
        ``dtype``, ``init``, ``lr_mult``, ``wd_mult``, ...). For an existing
        parameter they must agree with what it has.
        """
        if 'attr' in kwargs:
            raise NotImplementedError(
                "RNNParams.get(attr=...) sets Symbol attributes, which only MXNet's symbolic "
                "graphs use; pass Parameter arguments (shape, dtype, init, lr_mult, wd_mult) instead")
        return self._dict.get(name, **kwargs)

    def _adopt(self, params):
        """Register parameters created elsewhere (a child cell); a name already taken is kept."""
        for name, param in params.items():
            if name not in self._dict._params:
                self._dict._params[name] = param

    def __getitem__(self, full_name):
        return self._dict[full_name]

    def __contains__(self, full_name):
        return full_name in self._dict

    def __iter__(self):
        return iter(self._dict)

    def __len__(self):
        return len(self._dict)

    def keys(self):
        return self._dict.keys()

    def values(self):
        return self._dict.values()

    def items(self):
        return self._dict.items()

    def __repr__(self):
        names = ', '.join(self._dict.keys())
        return 'RNNParams(prefix=%r, [%s])' % (self.prefix, names)
