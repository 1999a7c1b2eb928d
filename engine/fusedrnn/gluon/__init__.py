"""Gluon-compatible front end of fusedrnn.

``from fusedrnn.gluon import rnn`` gives ``rnn.RNN``, ``rnn.LSTM`` and
``rnn.GRU`` with MXNet 1.9.1's constructor arguments, computing with the
fused C operator :func:`fusedrnn.rnn` on numpy arrays.

Also here: :class:`Block`, :class:`HybridBlock`, :class:`Parameter`,
:class:`ParameterDict`, the :mod:`initializer` and :mod:`random` modules,
and the training-mode context managers :func:`train_mode`,
:func:`predict_mode` and :func:`is_training`.
"""
from . import initializer, random, rnn
from .block import Block, HybridBlock
from .errors import DeferredInitializationError, InvalidArgumentError
from .mode import is_training, predict_mode, train_mode
from .parameter import Parameter, ParameterDict

__all__ = ['rnn', 'initializer', 'random', 'Block', 'HybridBlock', 'Parameter',
           'ParameterDict', 'DeferredInitializationError', 'InvalidArgumentError',
           'train_mode', 'predict_mode', 'is_training']
