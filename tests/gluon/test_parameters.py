"""Parameters, ParameterDict, initializers, naming and deferred initialisation."""
import contextvars
import warnings

import numpy as np
import pytest

import fusedrnn.gluon as gluon
from fusedrnn.gluon import initializer as init
from fusedrnn.gluon import rnn
from fusedrnn.params import param_layout


def fresh(fn, *args, **kwargs):
    """Run fn in an empty context, so the per-context name counters start at 0."""
    return contextvars.Context().run(fn, *args, **kwargs)


def _expected_layout(mode, hidden, layers, bidirectional, projection, input_size):
    """Names (without prefix) and shapes in registration order: per layer, per direction."""
    layout = param_layout(input_size, hidden, layers, mode, bidirectional, projection)
    shapes = dict((name, tuple(shape)) for name, shape, _ in layout)
    kinds = ['i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias']
    if projection:
        kinds.append('h2r_weight')
    order = ['%s%d_%s' % (d, l, k) for l in range(layers)
             for d in 'lr'[:2 if bidirectional else 1] for k in kinds]
    return [(name, shapes[name]) for name in order]


CASES = [
    (lambda: rnn.RNN(6, 2, input_size=4), 'rnn_relu', 6, 2, False, None),
    (lambda: rnn.RNN(6, 1, 'tanh', bidirectional=True, input_size=4), 'rnn_tanh', 6, 1, True, None),
    (lambda: rnn.LSTM(6, 2, bidirectional=True, input_size=4), 'lstm', 6, 2, True, None),
    (lambda: rnn.LSTM(6, 3, input_size=4, projection_size=3), 'lstm', 6, 3, False, 3),
    (lambda: rnn.LSTM(6, 2, bidirectional=True, input_size=4, projection_size=2),
     'lstm', 6, 2, True, 2),
    (lambda: rnn.GRU(5, 2, bidirectional=True, input_size=4), 'gru', 5, 2, True, None),
]


@pytest.mark.parametrize('case', CASES, ids=[str(i) for i in range(len(CASES))])
def test_parameter_names_and_shapes(case):
    make, mode, hidden, layers, bidi, proj = case
    layer = fresh(make)
    prefix = {'rnn_relu': 'rnn0_', 'rnn_tanh': 'rnn0_', 'lstm': 'lstm0_', 'gru': 'gru0_'}[mode]
    assert layer.prefix == prefix and layer.name == prefix[:-1]
    got = [(name, p.shape) for name, p in layer.collect_params().items()]
    want = [(prefix + n, s) for n, s in _expected_layout(mode, hidden, layers, bidi, proj, 4)]
    assert got == want
    for name, param in layer.collect_params().items():
        assert getattr(layer, name[len(prefix):]) is param
        assert param.dtype == np.float32


def test_documented_sizes():
    # reference-behaviour §2: I=4, H=6, L=2, D=2.
    def total(layer):
        layer.initialize()
        return sum(p.data().size for p in layer.collect_params().values())
    assert total(rnn.LSTM(6, 2, bidirectional=True, input_size=4)) == 1536
    assert total(rnn.LSTM(6, 2, bidirectional=True, input_size=4, projection_size=3)) == 1032
    assert total(rnn.GRU(6, 2, bidirectional=True, input_size=4)) == 1152
    assert total(rnn.RNN(6, 2, 'tanh', bidirectional=True, input_size=4)) == 384


def test_deferred_input_size():
    layer = rnn.LSTM(6, 2, bidirectional=True)
    assert layer.l0_i2h_weight.shape == (24, 0)
    assert layer.r0_i2h_weight.shape == (24, 0)
    assert layer.l1_i2h_weight.shape == (24, 12)
    layer.initialize()
    assert layer.l0_i2h_weight.is_deferred
    with pytest.raises(gluon.DeferredInitializationError):
        layer.l0_i2h_weight.data()
    # known shapes are created at once
    assert layer.l1_i2h_weight.data().shape == (24, 12)
    layer(np.zeros((3, 2, 5), np.float32))
    assert layer.l0_i2h_weight.shape == (24, 5)
    assert layer.l0_i2h_weight.data().shape == (24, 5)
    assert layer.r0_i2h_weight.data().shape == (24, 5)
    with pytest.raises(ValueError, match='5 input features, got 7'):
        layer(np.zeros((3, 2, 7), np.float32))


def test_forward_before_initialize_is_an_error():
    layer = rnn.GRU(3, input_size=2)
    with pytest.raises(RuntimeError, match='not been initialized'):
        layer(np.zeros((2, 1, 2), np.float32))


def test_set_data_on_deferred_parameter_is_kept():
    layer = rnn.RNN(2)
    layer.initialize()
    w = np.arange(4, dtype=np.float32).reshape(2, 2)
    layer.l0_i2h_weight.set_data(w)
    assert layer.l0_i2h_weight.shape == (2, 2)
    layer(np.zeros((1, 1, 2), np.float32))
    np.testing.assert_array_equal(layer.l0_i2h_weight.data(), w)


def test_default_initializers():
    layer = rnn.LSTM(8, input_size=3)
    layer.initialize(seed=0)
    for name in ('l0_i2h_weight', 'l0_h2h_weight'):
        data = getattr(layer, name).data()
        assert np.all(np.abs(data) <= 0.07) and np.std(data) > 0.01
    # biases default to zeros (the code; the LSTM docstring claims 'lstmbias')
    assert not layer.l0_i2h_bias.data().any() and not layer.l0_h2h_bias.data().any()


def test_lstmbias_and_named_initializers():
    layer = rnn.LSTM(3, input_size=2, i2h_bias_initializer='lstmbias',
                     h2h_bias_initializer='ones', i2h_weight_initializer='zeros',
                     h2h_weight_initializer=init.Constant(0.5))
    layer.initialize()
    np.testing.assert_array_equal(layer.l0_i2h_bias.data(),
                                  [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(layer.l0_h2h_bias.data(), np.ones(12))
    assert not layer.l0_i2h_weight.data().any()
    assert np.all(layer.l0_h2h_weight.data() == 0.5)


def test_global_init_applies_only_without_own_initializer():
    layer = rnn.GRU(4, input_size=3, h2h_weight_initializer='ones')
    layer.initialize(init.Constant(2.0))
    assert np.all(layer.l0_i2h_weight.data() == 2.0)
    assert np.all(layer.l0_h2h_weight.data() == 1.0)
    assert not layer.l0_i2h_bias.data().any()


@pytest.mark.parametrize('spec', ['uniform', 'normal', 'xavier', 'zeros', 'ones', 'lstmbias',
                                  'Zero', 'one', init.Uniform(0.1), init.Normal(0.5),
                                  init.Xavier('gaussian', 'in', 2), '["uniform", {"scale": 0.2}]'])
def test_initializer_specs(spec):
    p = gluon.Parameter('w_weight', shape=(8, 6))
    p.initialize(init=spec, seed=1)
    assert p.data().shape == (8, 6) and p.data().dtype == np.float32


def test_random_initializer_statistics():
    gen_init = [(init.Uniform(0.3), lambda a: np.abs(a).max() <= 0.3 and a.std() > 0.15),
                (init.Normal(2.0), lambda a: 1.8 < a.std() < 2.2 and abs(a.mean()) < 0.2),
                (init.Xavier(), lambda a: np.abs(a).max() <= np.sqrt(3 / 150)),
                (init.Xavier('gaussian', 'out', 2),
                 lambda a: 0.9 < a.std() / np.sqrt(2 / 200) < 1.1)]
    for initializer, check in gen_init:
        p = gluon.Parameter('x_weight', shape=(200, 100), dtype='float64')
        p.initialize(init=initializer, seed=3)
        assert check(p.data()), initializer


def test_xavier_refuses_vectors():
    p = gluon.Parameter('b_bias', shape=(4,))
    with pytest.raises(ValueError):
        p.initialize(init='xavier')


def test_seeding_is_reproducible():
    def weights(**kw):
        layer = rnn.LSTM(5, 2, input_size=3)
        layer.initialize(**kw)
        return np.concatenate([p.data().ravel() for p in layer.collect_params().values()])
    np.testing.assert_array_equal(weights(seed=11), weights(seed=11))
    assert not np.array_equal(weights(seed=11), weights(seed=12))
    gluon.random.seed(5)
    a = weights()
    gluon.random.seed(5)
    np.testing.assert_array_equal(a, weights())


def test_deferred_parameters_use_the_seed_of_initialize():
    def first_weight():
        layer = rnn.GRU(3)
        layer.initialize(seed=4)
        layer(np.zeros((1, 1, 2), np.float32))
        return layer.l0_i2h_weight.data().copy()
    np.testing.assert_array_equal(first_weight(), first_weight())


def test_reinitialize_warns_and_force_reinit():
    layer = rnn.RNN(3, input_size=2)
    layer.initialize(init='ones')
    with pytest.warns(UserWarning, match='already initialized'):
        layer.initialize(init='zeros')
    assert np.all(layer.l0_i2h_weight.data() == 1)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        layer.initialize(init='zeros', force_reinit=True)
    assert not layer.l0_i2h_weight.data().any()


def test_parameter_api():
    p = gluon.Parameter('fc_weight', shape=(2, 0), init='ones', allow_deferred_init=True,
                        grad_req='null')
    assert p.name == 'fc_weight' and p.grad_req == 'null' and p.shape == (2, 0)
    assert repr(p) == 'Parameter fc_weight (shape=(2, 0), dtype=float32)'
    p.initialize()
    p.shape = (2, 3)
    with pytest.raises(ValueError):
        p.shape = (2, 4)
    p._finish_deferred_init()
    assert np.all(p.data() == 1) and p.list_data()[0] is p.data()
    p.set_data(np.full((2, 3), 7.0))
    assert p.data().dtype == np.float32 and np.all(p.data() == 7)
    p.cast('float64')
    assert p.data().dtype == np.float64 and p.dtype == np.float64
    with pytest.raises(ValueError):
        p.grad_req = 'sometimes'
    with pytest.raises(RuntimeError):
        p.grad()
    q = gluon.Parameter('no_shape_weight', shape=(3, 0))
    with pytest.raises(ValueError):
        q.initialize()


def test_parameter_dict_behaviour():
    layer = fresh(lambda: rnn.LSTM(4, 2, bidirectional=True, input_size=3))
    params = layer.collect_params()
    assert isinstance(params, gluon.ParameterDict)
    assert list(params) == list(params.keys()) and len(params) == 16
    assert 'lstm0_l0_i2h_weight' in params
    assert params['lstm0_r1_h2h_bias'] is layer.r1_h2h_bias
    sel = layer.collect_params('.*_weight')
    assert len(sel) == 8 and all(k.endswith('_weight') for k in sel)
    sel = layer.collect_params('lstm0_r1_.*')
    assert list(sel) == ['lstm0_r1_i2h_weight', 'lstm0_r1_h2h_weight',
                         'lstm0_r1_i2h_bias', 'lstm0_r1_h2h_bias']
    params.setattr('grad_req', 'null')
    assert all(p.grad_req == 'null' for p in params.values())
    params.initialize(init='ones')
    assert all(np.all(p.data() == 1) for p in params.values() if p.name.endswith('weight'))
    text = repr(params)
    assert text.startswith('lstm0_ (\n') and 'Parameter lstm0_l0_i2h_weight (shape=(16, 3)' in text


def test_name_counters_and_prefix():
    def build():
        a, b, c = rnn.LSTM(2), rnn.LSTM(2), rnn.GRU(2)
        d = rnn.LSTM(2, prefix='enc_')
        return [x.prefix for x in (a, b, c, d)], d
    prefixes, d = fresh(build)
    assert prefixes == ['lstm0_', 'lstm1_', 'gru0_', 'enc_']
    assert list(d.collect_params())[0] == 'enc_l0_i2h_weight'


def test_name_scope_nests_prefixes():
    class Model(gluon.Block):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.enc = rnn.LSTM(3, input_size=2)
                self.dec = rnn.LSTM(3, input_size=3)
                self.out = rnn.GRU(2, input_size=3)

        def forward(self, x):
            return self.out(self.dec(self.enc(x)))

    model = fresh(Model)
    assert model.prefix == 'model0_'
    assert model.enc.prefix == 'model0_lstm0_' and model.dec.prefix == 'model0_lstm1_'
    assert model.out.prefix == 'model0_gru0_'
    names = list(model.collect_params())
    assert names[0] == 'model0_lstm0_l0_i2h_weight' and names[-1] == 'model0_gru0_l0_h2h_bias'
    assert len(names) == 12
    model.initialize(seed=0)
    model.hybridize()
    assert model(np.ones((4, 2, 2), np.float32)).shape == (4, 2, 2)
    assert repr(model).startswith('Model(\n  (enc): LSTM(2 -> 3, TNC)')


def test_sharing_parameters():
    a = rnn.GRU(3, input_size=2)
    b = rnn.GRU(3, input_size=2, params=a.collect_params())
    assert b.l0_i2h_weight is a.l0_i2h_weight and b.prefix != a.prefix
    a.initialize(seed=0)
    x = np.ones((2, 1, 2), np.float32)
    np.testing.assert_array_equal(a(x), b(x))


def test_cast_changes_dtype_of_params_and_states():
    layer = rnn.LSTM(3, input_size=2)
    layer.initialize()
    layer.cast('float64')
    assert layer.l0_i2h_weight.data().dtype == np.float64
    assert layer.state_info(1)[0]['dtype'] == 'float64'
    assert layer.begin_state(1)[0].dtype == np.float64
    with pytest.raises(ValueError):
        layer.cast('float16')
