"""Modifier cells: a cell wrapped to change what it does (zoneout, residual).

A cell can be wrapped once. After wrapping, the base cell may no longer be
called, stepped, unrolled or asked for begin states directly: use the
modifier, which shares the base cell's parameters.
"""
import numpy as np

from .errors import InvalidArgumentError
from .rnn_cell import (HybridRecurrentCell, RecurrentCell, _contains_bidirectional,
                       _draw_rng, _format_sequence, _mask_sequence, _probability,
                       _state_list, _valid_lengths, zeros)

__all__ = ['ModifierCell', 'ZoneoutCell', 'ResidualCell']


class ModifierCell(HybridRecurrentCell):
    """Base class of modifier cells; ``base_cell`` becomes its child ``base_cell``.

    Its prefix is the base cell's prefix followed by the modifier's alias
    (``lstm0_zoneout``), and :attr:`params` are the base cell's.
    """

    def __init__(self, base_cell):
        if not isinstance(base_cell, RecurrentCell):
            raise TypeError('%s wraps a recurrent cell, got %s'
                            % (type(self).__name__, type(base_cell).__name__))
        if base_cell._modified:
            raise InvalidArgumentError('cell %r is already modified; one cell cannot be '
                                       'modified twice' % base_cell.name)
        super().__init__(prefix=base_cell.prefix + self._alias(), params=None)
        base_cell._modified = True
        self.base_cell = base_cell

    @property
    def params(self):
        """The base cell's ParameterDict."""
        return self.base_cell.params

    def state_info(self, batch_size=0):
        return self.base_cell.state_info(batch_size)

    def _begin_state(self, batch_size=0, func=zeros, **kwargs):
        return self.base_cell._begin_state(batch_size, func, **kwargs)

    def __repr__(self):
        return '%s(%r)' % (type(self).__name__, self.base_cell)


class ZoneoutCell(ModifierCell):
    """Zoneout: in training, each new output/state value is replaced by the
    previous one with probability ``zoneout_outputs`` / ``zoneout_states``.

    No rescaling. Outside training it is exactly the base cell. The
    previous output starts as zeros at every :meth:`reset` (which
    :meth:`unroll` calls). The base cell may be any steppable cell,
    including a SequentialRNNCell (MXNet 1.9.1 raised AttributeError for
    that); a cell holding a BidirectionalCell is refused.
    """

    def __init__(self, base_cell, zoneout_outputs=0., zoneout_states=0.):
        if isinstance(base_cell, RecurrentCell) and _contains_bidirectional(base_cell):
            raise InvalidArgumentError(
                'ZoneoutCell cannot wrap %s: a BidirectionalCell cannot be stepped. Wrap the '
                'cells inside it with ZoneoutCell instead' % type(base_cell).__name__)
        self.zoneout_outputs = _probability(zoneout_outputs, 'zoneout_outputs')
        self.zoneout_states = _probability(zoneout_states, 'zoneout_states')
        self._prev_output = None
        super().__init__(base_cell)

    def _alias(self):
        return 'zoneout'

    def __repr__(self):
        return '%s(p_out=%s, p_state=%s, %r)' % (type(self).__name__, self.zoneout_outputs,
                                                 self.zoneout_states, self.base_cell)

    def reset(self):
        super().reset()
        self._prev_output = None

    def _step(self, inputs, states):
        if states is None:
            states = self.base_cell._default_states(inputs, states)
        states = _state_list(states, self)
        output, new_states = self.base_cell.forward(inputs, states)
        prev = self._prev_output
        if prev is None or np.shape(prev) != np.shape(output):
            prev = np.zeros_like(output)
        rng = None
        if self.zoneout_outputs or self.zoneout_states:
            rng = _draw_rng()
        if rng is not None:
            # one seed per step: the output mask is stream 0, then one stream per state
            if self.zoneout_outputs:
                keep = rng.keep(output.shape, self.zoneout_outputs)
                output = np.where(keep, output, prev)
            if self.zoneout_states:
                mixed = []
                for new, old in zip(new_states, states):
                    keep = rng.keep(np.shape(new), self.zoneout_states)
                    mixed.append(np.where(keep, new, old))
                new_states = mixed
        self._prev_output = output
        return output, list(new_states)


class ResidualCell(ModifierCell):
    """Adds the input to the base cell's output (Wu et al., 2016).

    The output and input sizes must agree. Unrolled with ``valid_length``,
    the inputs are masked to 0 past each row's length before the addition,
    so padded outputs stay 0.
    """

    def _alias(self):
        return 'residual'

    def _step(self, inputs, states):
        output, new_states = self.base_cell.forward(inputs, states)
        inputs = np.asarray(inputs)
        if np.shape(output) != inputs.shape:
            raise InvalidArgumentError('ResidualCell: the base cell output has shape %s but '
                                       'the input has shape %s; they must match'
                                       % (np.shape(output), inputs.shape))
        return output + inputs, new_states

    def _unroll(self, length, inputs, begin_state, layout, merge_outputs, valid_length):
        self.reset()
        outputs, states = self.base_cell._unroll(length, inputs, begin_state, layout,
                                                 merge_outputs, valid_length)
        merge = isinstance(outputs, np.ndarray)
        seq, axis, batch, _, _ = _format_sequence(length, inputs, layout, merge)
        if valid_length is not None:
            steps = seq.shape[axis] if merge else len(seq)
            seq = _mask_sequence(seq, _valid_lengths(valid_length, batch, steps), axis)
        if merge:
            if outputs.shape != seq.shape:
                raise InvalidArgumentError('ResidualCell: outputs of shape %s cannot be added '
                                           'to inputs of shape %s' % (outputs.shape, seq.shape))
            return outputs + seq, states
        return [o + i for o, i in zip(outputs, seq)], states
