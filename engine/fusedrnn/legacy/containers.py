"""Cells made of cells: SequentialRNNCell (a stack) and BidirectionalCell."""
import numpy as np

from ..gluon.errors import InvalidArgumentError
from . import _sequence as seq
from .base import BaseRNNCell, zeros

__all__ = ['SequentialRNNCell', 'BidirectionalCell']


def _split(states, cells):
    """Cut a flat state list into one slice per cell."""
    parts, p = [], 0
    for cell in cells:
        n = len(cell.state_info)
        parts.append(states[p:p + n])
        p += n
    return parts


def _check_cell(cell, what):
    if not isinstance(cell, BaseRNNCell):
        raise TypeError('%s must be a legacy cell (fusedrnn.legacy), got %s'
                        % (what, type(cell).__name__))


class _Container(BaseRNNCell):
    _cells = ()

    def _children(self):
        return list(self._cells)

    def _state_info(self, batch_size):
        return [info for cell in self._cells for info in cell._state_info(batch_size)]

    def _begin_state(self, func=zeros, **kwargs):
        states = []
        for cell in self._cells:
            cell._check_unmodified()
            states.extend(cell._begin_state(func, **kwargs))
        return states

    def _steppable(self):
        return all(cell._steppable() for cell in self._cells)

    def unpack_weights(self, args):
        for cell in self._cells:
            args = cell.unpack_weights(args)
        return args

    def pack_weights(self, args):
        for cell in self._cells:
            args = cell.pack_weights(args)
        return args


class SequentialRNNCell(_Container):
    """A stack of cells, bottom first; each cell's output is the next cell's input.

    States: :meth:`begin_state` and stepping use the cells' state lists
    concatenated; :meth:`unroll` returns one list per cell.
    """

    def __init__(self, params=None):
        super().__init__(prefix='', params=params)
        self._cells = []

    def add(self, cell):
        """Append ``cell`` on top of the stack."""
        _check_cell(cell, 'SequentialRNNCell.add(cell)')
        self._cells.append(cell)
        self.params._adopt(dict((p.name, p) for p in cell._all_params()))

    def __len__(self):
        return len(self._cells)

    def __getitem__(self, i):
        return self._cells[i]

    def __repr__(self):
        return 'SequentialRNNCell([%s])' % ', '.join(repr(c) for c in self._cells)

    def _set_input_size(self, input_size):
        for cell in self._cells:
            input_size = cell._set_input_size(input_size)
        return input_size

    def _step_impl(self, inputs, states):
        if not self._steppable():
            raise NotImplementedError('this SequentialRNNCell holds a BidirectionalCell or a '
                                      'FusedRNNCell, which cannot be stepped; use unroll()')
        next_states = []
        for cell, mine in zip(self._cells, _split(states, self._cells)):
            cell._check_unmodified()
            inputs, new = cell._step(inputs, mine)
            next_states.extend(new)
        return inputs, next_states

    def _unroll_impl(self, length, inputs, states, layout, merge_outputs):
        per_cell = []
        last = len(self._cells) - 1
        for i, (cell, mine) in enumerate(zip(self._cells, _split(states, self._cells))):
            cell._check_unmodified()
            inputs, new = cell._unroll(length, inputs, mine, layout,
                                       merge_outputs if i == last else None)
            per_cell.append(new)
        if not self._cells:
            inputs = seq.finish_outputs(seq.format_sequence(length, inputs, layout, None)[0],
                                        layout.find('T'), merge_outputs,
                                        default_merge=isinstance(inputs, np.ndarray))
        return inputs, per_cell


class BidirectionalCell(_Container):
    """``l_cell`` reads the sequence forward, ``r_cell`` backward; outputs are concatenated.

    It can only be unrolled. The states are ``l_cell``'s then ``r_cell``'s
    (:meth:`unroll` returns them as ``[l_states, r_states]``).
    ``output_prefix`` is kept for compatibility (MXNet named outputs with it).
    """

    def __init__(self, l_cell, r_cell, params=None, output_prefix='bi_'):
        _check_cell(l_cell, 'l_cell')
        _check_cell(r_cell, 'r_cell')
        super().__init__(prefix='', params=params)
        self._cells = [l_cell, r_cell]
        self._output_prefix = output_prefix
        for cell in self._cells:
            self.params._adopt(dict((p.name, p) for p in cell._all_params()))

    def __repr__(self):
        return 'BidirectionalCell(%r, %r)' % tuple(self._cells)

    def _steppable(self):
        return False

    def _step_impl(self, inputs, states):
        raise NotImplementedError('BidirectionalCell cannot be stepped (its backward half needs '
                                  'the whole sequence); use unroll()')

    def _set_input_size(self, input_size):
        return sum(cell._set_input_size(input_size) for cell in self._cells)

    def _unroll_impl(self, length, inputs, states, layout, merge_outputs):
        axis = layout.find('T')
        steps = seq.format_sequence(length, inputs, layout, False)[0]
        l_cell, r_cell = self._cells
        for cell in self._cells:
            cell._check_unmodified()
        l_begin, r_begin = _split(states, self._cells)
        l_out, l_states = l_cell._unroll(length, steps, l_begin, layout, merge_outputs)
        r_out, r_states = r_cell._unroll(length, list(reversed(steps)), r_begin, layout,
                                         merge_outputs)
        if merge_outputs is None:
            merge_outputs = isinstance(l_out, np.ndarray) and isinstance(r_out, np.ndarray)
        r_steps = list(reversed(seq.as_steps(r_out, axis)))
        outputs = [np.concatenate([a, b], axis=-1)
                   for a, b in zip(seq.as_steps(l_out, axis), r_steps)]
        if len(outputs) != len(steps):
            raise InvalidArgumentError('BidirectionalCell: the cells returned %d and %d steps'
                                       % (len(seq.as_steps(l_out, axis)), len(r_steps)))
        return seq.finish_outputs(outputs, axis, merge_outputs), [l_states, r_states]
