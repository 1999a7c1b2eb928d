"""Refusals for what only exists in MXNet's symbolic world.

fusedrnn computes on numpy arrays; there is no Symbol, no Module and no
graph file. Each refusal is a NotImplementedError whose message names the
numpy-side replacement.
"""

__all__ = ['is_symbolic', 'reject_symbolic', 'reject_symbolic_func', 'SYMBOLIC_HINT']

SYMBOLIC_HINT = ('fusedrnn.legacy computes on numpy arrays: pass numpy arrays '
                 '(inputs of shape (batch, length, features) for layout NTC, or a list of '
                 '(batch, features) arrays)')


def _from_mxnet(obj):
    module = getattr(obj, '__module__', None) or getattr(type(obj), '__module__', '') or ''
    return module.split('.')[0] == 'mxnet'


def is_symbolic(value):
    """True for an MXNet Symbol (or anything else from the mxnet package)."""
    if _from_mxnet(type(value)):
        return True
    return hasattr(value, 'list_outputs') and hasattr(value, 'infer_shape')


def reject_symbolic(value, what):
    """Raise NotImplementedError when ``value`` is a Symbol (or a list holding one)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if is_symbolic(item):
            raise NotImplementedError(
                '%s is an MXNet %s; symbolic graphs are not supported. %s.'
                % (what, type(item).__name__, SYMBOLIC_HINT))


def reject_symbolic_func(func, what):
    """Raise NotImplementedError for a state factory from mxnet (symbol.zeros, symbol.Variable...)."""
    if _from_mxnet(func):
        raise NotImplementedError(
            '%s: %r builds MXNet symbols; symbolic graphs are not supported. Use the default '
            '(zeros), a numpy factory such as numpy.ones, or pass numpy arrays as begin_state.'
            % (what, getattr(func, '__name__', func)))
