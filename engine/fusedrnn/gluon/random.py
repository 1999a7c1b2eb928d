"""The random source used by the initializers.

Random initializers (:class:`~fusedrnn.gluon.initializer.Uniform`,
:class:`~fusedrnn.gluon.initializer.Normal`, ...) draw from a
:class:`numpy.random.Generator` returned by :func:`generator`:

* by default a process-wide generator, which :func:`seed` replaces (the
  counterpart of ``mx.random.seed``);
* inside ``with using(seed_or_generator):`` a generator private to the current
  thread / context, which is what ``initialize(..., seed=n)`` uses.
"""
import contextlib
import contextvars
import threading

import numpy as np

__all__ = ['seed', 'generator', 'using']

_lock = threading.Lock()
_process_generator = np.random.default_rng()
_scoped_generator = contextvars.ContextVar('fusedrnn_gluon_generator', default=None)


def _as_generator(seed_or_generator):
    if isinstance(seed_or_generator, np.random.Generator):
        return seed_or_generator
    return np.random.default_rng(seed_or_generator)


def seed(seed_state):
    """Re-seed the process-wide generator used by the initializers.

    ``seed_state`` is anything :func:`numpy.random.default_rng` accepts
    (an int, a sequence of ints, a SeedSequence) or a Generator.
    """
    global _process_generator
    new = _as_generator(seed_state)
    with _lock:
        _process_generator = new


def generator():
    """The Generator the initializers draw from right now."""
    scoped = _scoped_generator.get()
    if scoped is not None:
        return scoped
    with _lock:
        return _process_generator


@contextlib.contextmanager
def using(seed_or_generator):
    """Draw from a dedicated generator inside the ``with`` block.

    The generator is visible only to the current thread (context), so
    concurrent initialisation in other threads is not affected.
    ``None`` keeps whatever is in effect.
    """
    if seed_or_generator is None:
        yield generator()
        return
    gen = _as_generator(seed_or_generator)
    token = _scoped_generator.set(gen)
    try:
        yield gen
    finally:
        _scoped_generator.reset(token)
