"""Exception types raised by :mod:`fusedrnn.gluon`."""

__all__ = ['InvalidArgumentError', 'DeferredInitializationError']


class InvalidArgumentError(ValueError, AssertionError):
    """A constructor or call argument that Gluon rejects.

    MXNet checks several of these with ``assert``, so code written for it may
    catch :class:`AssertionError`; idiomatic code catches :class:`ValueError`.
    This class is both.
    """


class DeferredInitializationError(RuntimeError):
    """A parameter's data was requested before its shape became known.

    Parameters whose shape contains a 0 (an input size still to be inferred)
    are created on the first forward call that reveals the missing size.
    """
