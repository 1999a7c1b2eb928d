"""What needs MXNet symbols or Module raises NotImplementedError naming the replacement."""
import numpy as np
import pytest

from fusedrnn import legacy as rnn


class Symbol:
    """Stands in for mxnet.symbol.Symbol (duck-typed)."""

    def list_outputs(self):
        return ['x']

    def infer_shape(self):
        return None


def test_checkpoint_helpers():
    # legacy.checkpoint.* (symbolic-only)
    cell = rnn.LSTMCell(2)
    with pytest.raises(NotImplementedError, match='get_weights.*numpy.savez'):
        rnn.save_rnn_checkpoint([cell], 'model', 1, None, {}, {})
    with pytest.raises(NotImplementedError, match='set_weights'):
        rnn.load_rnn_checkpoint(cell, 'model', 1)
    with pytest.raises(NotImplementedError, match='save_parameters'):
        rnn.do_rnn_checkpoint([cell], 'model', period=2)


def test_symbol_inputs_and_placeholders():
    # legacy.base.unroll.inputs.none, legacy.base.begin_state.func.symbolic
    cell = rnn.GRUCell(2)
    with pytest.raises(NotImplementedError, match='numpy arrays'):
        cell.unroll(3, None)
    with pytest.raises(NotImplementedError, match='symbolic'):
        cell.unroll(3, Symbol())
    with pytest.raises(NotImplementedError, match='symbolic'):
        cell(Symbol(), [np.zeros((1, 2))])
    with pytest.raises(NotImplementedError, match='symbolic'):
        rnn.FusedRNNCell(2).unroll(3, Symbol())

    def variable(name, **kwargs):
        return name
    variable.__module__ = 'mxnet.symbol'
    with pytest.raises(NotImplementedError, match='numpy'):
        cell.begin_state(func=variable)
    with pytest.raises(NotImplementedError, match='activation'):
        rnn.RNNCell(2, activation=Symbol())


def test_uninitialised_parameters_say_so():
    with pytest.raises(RuntimeError, match='initializ'):
        rnn.LSTMCell(2).unroll(2, np.zeros((1, 2, 3), np.float32))
