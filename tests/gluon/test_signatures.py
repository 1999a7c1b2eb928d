"""Constructor signatures of the layers: MXNet 1.9.1's code order and defaults."""
import inspect

import pytest

from fusedrnn.gluon import rnn

_INIT4 = [('i2h_weight_initializer', None), ('h2h_weight_initializer', None),
          ('i2h_bias_initializer', 'zeros'), ('h2h_bias_initializer', 'zeros')]
_EXTRA = [('prefix', None), ('params', None), ('use_sequence_length', False)]

EXPECTED = {
    # RNN: activation third (default 'relu', not the docstring's tanh), input_size late.
    rnn.RNN: [('num_layers', 1), ('activation', 'relu'), ('layout', 'TNC'), ('dropout', 0),
              ('bidirectional', False)] + _INIT4 + [('input_size', 0), ('dtype', 'float32')],
    # LSTM: input_size sixth; i2h_bias_initializer 'zeros' (the docstring says 'lstmbias').
    rnn.LSTM: [('num_layers', 1), ('layout', 'TNC'), ('dropout', 0), ('bidirectional', False),
               ('input_size', 0)] + _INIT4 + [
                  ('projection_size', None), ('h2r_weight_initializer', None),
                  ('state_clip_min', None), ('state_clip_max', None),
                  ('state_clip_nan', False), ('dtype', 'float32')],
    rnn.GRU: [('num_layers', 1), ('layout', 'TNC'), ('dropout', 0), ('bidirectional', False),
              ('input_size', 0)] + _INIT4 + [('dtype', 'float32')],
}


@pytest.mark.parametrize('cls', list(EXPECTED), ids=lambda c: c.__name__)
def test_positional_order_and_defaults(cls):
    params = list(inspect.signature(cls).parameters.values())
    assert params[0].name == 'hidden_size'
    assert params[0].default is inspect.Parameter.empty
    positional = [p for p in params if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert [(p.name, p.default) for p in positional[1:]] == EXPECTED[cls]
    keyword_only = [(p.name, p.default) for p in params
                    if p.kind is inspect.Parameter.KEYWORD_ONLY]
    assert keyword_only == _EXTRA


@pytest.mark.parametrize('cls', list(EXPECTED), ids=lambda c: c.__name__)
def test_positional_arguments_land_in_place(cls):
    names = [name for name, _ in EXPECTED[cls]]
    values = {'num_layers': 2, 'layout': 'NTC', 'dropout': 0.25, 'bidirectional': True,
              'input_size': 5, 'activation': 'tanh', 'dtype': 'float64'}
    args = [values.get(name, dict(EXPECTED[cls])[name]) for name in names]
    layer = cls(7, *args)
    assert layer._num_layers == 2 and layer._layout == 'NTC' and layer._dropout == 0.25
    assert layer._dir == 2 and layer._input_size == 5 and layer._dtype == 'float64'
    if cls is rnn.RNN:
        assert layer._mode == 'rnn_tanh'


def test_rnn_activation_default_is_relu():
    assert rnn.RNN(4)._mode == 'rnn_relu'
    assert rnn.RNN(4, 1, 'tanh')._mode == 'rnn_tanh'


@pytest.mark.parametrize('cls', [rnn.RNN, rnn.GRU], ids=lambda c: c.__name__)
@pytest.mark.parametrize('kw', ['projection_size', 'h2r_weight_initializer', 'state_clip_min',
                                'state_clip_max', 'state_clip_nan'])
def test_lstm_only_options_are_not_keywords_of_rnn_and_gru(cls, kw):
    with pytest.raises(TypeError):
        cls(6, **{kw: 1})


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError):
        rnn.LSTM(6, nonlinearity='tanh')


def test_module_exports():
    assert set(rnn.__all__) >= {'RNN', 'LSTM', 'GRU'}
