"""Arranging inputs, outputs and states for unroll (no arithmetic here)."""
import numpy as np

from ..gluon.errors import InvalidArgumentError
from ..gluon.rnn_cell import _check_layout, _check_length, _format_sequence
from ._symbolic import SYMBOLIC_HINT, reject_symbolic

__all__ = ['flatten_states', 'check_unroll_args', 'batch_and_dtype', 'as_steps', 'finish_outputs',
           'format_sequence', 'check_length']

format_sequence = _format_sequence
check_length = _check_length


def flatten_states(states):
    """A nested list of state arrays as one flat list (None stays None)."""
    if states is None:
        return None
    if isinstance(states, np.ndarray):
        return [states]
    if not isinstance(states, (list, tuple)):
        reject_symbolic(states, 'a state')
        raise TypeError('states must be a (nested) list of numpy arrays, got %s'
                        % type(states).__name__)
    flat = []
    for item in states:
        if isinstance(item, (list, tuple)):
            flat.extend(flatten_states(item))
        else:
            reject_symbolic(item, 'a state')
            flat.append(item)
    return flat


def check_unroll_args(length, inputs, layout):
    """Refuse symbolic/None inputs; check length and layout."""
    if inputs is None:
        raise NotImplementedError(
            'unroll(inputs=None) would create symbolic placeholder variables; symbolic graphs '
            'are not supported. %s.' % SYMBOLIC_HINT)
    reject_symbolic(inputs, 'unroll inputs')
    _check_layout(layout)
    return _check_length(length)


def batch_and_dtype(inputs, layout):
    """Batch size and dtype of unroll inputs (one array in ``layout`` or a list of (N, C))."""
    if isinstance(inputs, (list, tuple)):
        if not inputs:
            raise InvalidArgumentError('unroll got an empty list of inputs')
        first = np.asarray(inputs[0])
        return first.shape[0], first.dtype
    arr = np.asarray(inputs)
    if arr.ndim < 2:
        raise InvalidArgumentError('unroll expects an input array of at least 3 dimensions in '
                                   'layout %s, got shape %s' % (layout, arr.shape))
    return arr.shape[layout.find('N')], arr.dtype


def as_steps(outputs, axis):
    """Outputs as a list of per-step arrays (split along ``axis`` when one array)."""
    if isinstance(outputs, np.ndarray):
        return [np.take(outputs, t, axis=axis) for t in range(outputs.shape[axis])]
    return list(outputs)


def finish_outputs(outputs, axis, merge_outputs, default_merge=False):
    """``outputs`` (list or array) as one array (merged) or a list of steps."""
    merge = default_merge if merge_outputs is None else bool(merge_outputs)
    if merge:
        return outputs if isinstance(outputs, np.ndarray) else np.stack(outputs, axis=axis)
    return as_steps(outputs, axis)
