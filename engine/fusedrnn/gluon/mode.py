"""Training versus inference state, and the dropout seeds handed to the op.

MXNet applies dropout only while ``autograd`` is in training mode. Here the
state lives in a :mod:`contextvars` variable, so every thread (and every
asyncio task) sees only what it set itself:

>>> with train_mode(seed=7):      # dropout active, reproducible masks
...     y = layer(x)
>>> with predict_mode():          # dropout inactive (the default state)
...     y = layer(x)

A single call may override both with ``layer(x, training=True, seed=3)``.

Seeds: a call given ``seed=s`` passes ``s`` to the op unchanged. Inside
``train_mode(seed=s)``, the k-th seed drawn (k = 0, 1, ...) in that ``with``
block is :func:`derive_seed` ``(s, k)``, so a training loop gets a fresh mask
at every call while the whole run repeats exactly. Without any seed, each call
draws one from :func:`fusedrnn.gluon.random.generator`: unpredictable unless
:func:`fusedrnn.gluon.random.seed` was called, which (like ``mx.random.seed``)
then makes initialisation and dropout of a single-threaded run repeat.
"""
import contextlib
import contextvars
import threading

import numpy as np

from . import random as _random
from .. import streams as _streams

__all__ = ['train_mode', 'predict_mode', 'is_training', 'derive_seed', 'resolve']

_SEED_MASK = (1 << 64) - 1


def derive_seed(base_seed, index):
    """The op seed used for the ``index``-th draw inside ``train_mode(seed=base_seed)``.

    The C core's fusedrnn_derive_seed (Philox, docs/c-api.md), so the Perl
    binding derives the same seeds.
    """
    return _streams.derive_seed(int(base_seed) & _SEED_MASK, int(index))


class _Mode:
    """One ``with train_mode(...)`` / ``predict_mode()`` block."""

    __slots__ = ('training', 'base_seed', '_count', '_lock')

    def __init__(self, training, base_seed):
        self.training = training
        self.base_seed = None if base_seed is None else _check_seed(base_seed)
        self._count = 0
        self._lock = threading.Lock()

    def next_seed(self):
        if self.base_seed is None:
            return int(_random.generator().integers(0, 1 << 64, dtype=np.uint64))
        with self._lock:
            index = self._count
            self._count += 1
        return derive_seed(self.base_seed, index)


def _check_seed(seed):
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError('seed must be an integer, got %r' % (seed,))
    if seed < 0 or seed > _SEED_MASK:
        raise ValueError('seed must be in [0, 2**64), got %d' % seed)
    return int(seed)


_PREDICT = _Mode(False, None)
_current = contextvars.ContextVar('fusedrnn_gluon_mode', default=_PREDICT)


@contextlib.contextmanager
def _entered(mode):
    token = _current.set(mode)
    try:
        yield
    finally:
        _current.reset(token)


def train_mode(seed=None):
    """Context manager: layers run in training mode (dropout active).

    ``seed`` (an integer in [0, 2**64)) makes the dropout masks reproducible;
    see the module documentation for how per-call seeds are derived from it.
    """
    return _entered(_Mode(True, seed))


def predict_mode():
    """Context manager: layers run in inference mode (dropout inactive)."""
    return _entered(_Mode(False, None))


def is_training():
    """Whether the current context is in training mode."""
    return _current.get().training


def resolve(training=None, seed=None):
    """Decide ``(training, seed)`` for one op call.

    ``training=None`` follows the current context. ``seed=None`` takes the next
    seed of the current context (only consumed when training).
    """
    mode = _current.get()
    if training is None:
        training = mode.training
    training = bool(training)
    if not training:
        return False, 0 if seed is None else _check_seed(seed)
    if seed is not None:
        return True, _check_seed(seed)
    return True, mode.next_seed()
