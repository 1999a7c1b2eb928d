"""Modifier cells: ModifierCell, ZoneoutCell, ResidualCell.

They compute with :mod:`fusedrnn.gluon`'s ZoneoutCell and ResidualCell,
which see the legacy base cell through a small Gluon view of it
(:class:`_GluonView`), so zoneout masks are drawn exactly as in Gluon.
After wrapping, the base cell may no longer be used directly.
"""
from ..gluon import rnn as _gluon
from ..gluon.errors import InvalidArgumentError
from ..gluon.rnn_cell import RecurrentCell
from .base import BaseRNNCell, zeros

__all__ = ['ModifierCell', 'ZoneoutCell', 'ResidualCell']


class _GluonView(RecurrentCell):
    """A legacy cell seen as a Gluon recurrent cell (steps and unrolls go to the legacy cell)."""

    def __init__(self, legacy_cell):
        super().__init__(prefix=legacy_cell.prefix, params=None)
        self._legacy = legacy_cell

    def reset(self):
        super().reset()
        legacy = self.__dict__.get('_legacy')
        if legacy is not None:
            legacy.reset()

    def state_info(self, batch_size=0):
        return self._legacy._state_info(batch_size)

    def _step(self, inputs, states):
        return self._legacy._step(inputs, states)

    def _unroll(self, length, inputs, begin_state, layout, merge_outputs, valid_length):
        return self._legacy._unroll(length, inputs, begin_state, layout, merge_outputs)


class ModifierCell(BaseRNNCell):
    """Base class of cells that wrap one ``base_cell``; parameters are the base cell's."""

    def __init__(self, base_cell):
        if not isinstance(base_cell, BaseRNNCell):
            raise TypeError('%s wraps a legacy cell (fusedrnn.legacy), got %s'
                            % (type(self).__name__, type(base_cell).__name__))
        if base_cell._modified:
            raise InvalidArgumentError('cell %r is already wrapped by a modifier cell; a cell can '
                                       'be modified once' % base_cell.prefix)
        self.base_cell = base_cell
        super().__init__(prefix=base_cell.prefix, params=base_cell.params)
        base_cell._modified = True

    @property
    def params(self):
        """The base cell's RNNParams."""
        return self.base_cell.params

    def _children(self):
        return [self.base_cell]

    def _all_params(self):
        return self.base_cell._all_params()

    def _state_info(self, batch_size):
        return self.base_cell._state_info(batch_size)

    def _begin_state(self, func=zeros, **kwargs):
        return self.base_cell._begin_state(func, **kwargs)

    def _steppable(self):
        return self.base_cell._steppable()

    def _set_input_size(self, input_size):
        return self.base_cell._set_input_size(input_size)

    def unpack_weights(self, args):
        return self.base_cell.unpack_weights(args)

    def pack_weights(self, args):
        return self.base_cell.pack_weights(args)

    def _step_impl(self, inputs, states):
        return self._gluon.forward(inputs, states)

    def __repr__(self):
        return '%s(%r)' % (type(self).__name__, self.base_cell)


class ZoneoutCell(ModifierCell):
    """Zoneout on ``base_cell``: in training, each new output/state value keeps its
    previous value with probability ``zoneout_outputs`` / ``zoneout_states``.

    Outside training it is the base cell. The base cell must be steppable
    (not a BidirectionalCell or FusedRNNCell, nor a stack holding one).
    """

    def __init__(self, base_cell, zoneout_outputs=0., zoneout_states=0.):
        if isinstance(base_cell, BaseRNNCell) and not base_cell._steppable():
            raise InvalidArgumentError(
                'ZoneoutCell needs a cell that can be stepped; %s cannot. Wrap the cells inside '
                'it with ZoneoutCell instead' % type(base_cell).__name__)
        super().__init__(base_cell)
        self._gluon = _gluon.ZoneoutCell(_GluonView(base_cell), zoneout_outputs, zoneout_states)
        self.zoneout_outputs = self._gluon.zoneout_outputs
        self.zoneout_states = self._gluon.zoneout_states

    def reset(self):
        gluon_cell = self.__dict__.get('_gluon')
        if gluon_cell is not None:
            gluon_cell.reset()      # also resets the base cell
        else:
            super().reset()
        self._init_counter = -1
        self._counter = -1


class ResidualCell(ModifierCell):
    """Output = base cell output + input (Wu et al., 2016); widths must agree."""

    def __init__(self, base_cell):
        super().__init__(base_cell)
        self._gluon = _gluon.ResidualCell(_GluonView(base_cell))

    def _unroll_impl(self, length, inputs, states, layout, merge_outputs):
        return self._gluon._unroll(length, inputs, states, layout, merge_outputs, None)
