"""Forward semantics of the fused layers: results, states, layouts, errors, repr."""
import numpy as np
import pytest

import fusedrnn
from fusedrnn.gluon import rnn

RNG = np.random.default_rng(20240501)


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def numpy_layer(layer, x, states):
    """Plain step-by-step float64 evaluation from the layer's named parameters (TNC)."""
    mode, H, L, D = layer._mode, layer._hidden_size, layer._num_layers, layer._dir
    P = layer._projection_size
    w = {name: p.data().astype(np.float64) for name, p in layer._reg_params.items()}
    h0 = states[0].astype(np.float64)
    c0 = states[1].astype(np.float64) if mode == 'lstm' else None
    inp = x.astype(np.float64)
    hy, cy = np.zeros_like(h0), None if c0 is None else np.zeros_like(c0)
    for layer_i in range(L):
        outs = []
        for d in range(D):
            k, tag = layer_i * D + d, '%s%d_' % ('lr'[d], layer_i)
            wi, wh = w[tag + 'i2h_weight'], w[tag + 'h2h_weight']
            bi, bh = w[tag + 'i2h_bias'], w[tag + 'h2h_bias']
            h = h0[k]
            c = None if c0 is None else c0[k]
            out = np.zeros((inp.shape[0], inp.shape[1], h.shape[-1]))
            steps = range(inp.shape[0]) if d == 0 else range(inp.shape[0] - 1, -1, -1)
            for t in steps:
                gi, gh = inp[t] @ wi.T + bi, h @ wh.T + bh
                if mode == 'rnn_relu':
                    h = np.maximum(gi + gh, 0)
                elif mode == 'rnn_tanh':
                    h = np.tanh(gi + gh)
                elif mode == 'gru':
                    r = _sigmoid(gi[:, :H] + gh[:, :H])
                    z = _sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
                    n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
                    h = (1 - z) * n + z * h
                else:
                    g = gi + gh
                    i, f = _sigmoid(g[:, :H]), _sigmoid(g[:, H:2 * H])
                    cand, o = np.tanh(g[:, 2 * H:3 * H]), _sigmoid(g[:, 3 * H:])
                    c = f * c + i * cand
                    if layer._lstm_state_clip_min is not None:
                        c = np.clip(c, layer._lstm_state_clip_min, layer._lstm_state_clip_max)
                    h = o * np.tanh(c)
                    if P:
                        h = h @ w[tag + 'h2r_weight'].T
                out[t] = h
            outs.append(out)
            hy[k] = h
            if c is not None:
                cy[k] = c
        inp = np.concatenate(outs, axis=2)
    return inp, [hy] if cy is None else [hy, cy]


def _init(layer, dtype=np.float32):
    layer.initialize(init='normal', seed=7)   # wider spread than the default, biases too
    for p in layer.collect_params().values():
        p.set_data(RNG.normal(0, 0.4, size=p.shape))
    return layer


def _random_states(layer, batch, dtype):
    return [RNG.normal(0, 0.5, size=i['shape']).astype(dtype) for i in layer.state_info(batch)]


LAYERS = {
    'rnn_relu': lambda dt: rnn.RNN(5, 2, input_size=3, dtype=dt),
    'rnn_tanh_bi': lambda dt: rnn.RNN(5, 2, 'tanh', bidirectional=True, input_size=3, dtype=dt),
    'lstm': lambda dt: rnn.LSTM(5, 2, input_size=3, dtype=dt),
    'lstm_bi': lambda dt: rnn.LSTM(4, 2, bidirectional=True, input_size=3, dtype=dt),
    'lstm_proj_bi': lambda dt: rnn.LSTM(6, 2, bidirectional=True, input_size=3,
                                        projection_size=3, dtype=dt),
    'lstm_clip': lambda dt: rnn.LSTM(4, 1, input_size=3, state_clip_min=-0.3,
                                     state_clip_max=0.4, dtype=dt),
    'gru': lambda dt: rnn.GRU(5, 1, input_size=3, dtype=dt),
    'gru_bi': lambda dt: rnn.GRU(4, 3, bidirectional=True, input_size=3, dtype=dt),
}


@pytest.mark.parametrize('dtype', [np.float32, np.float64], ids=['f32', 'f64'])
@pytest.mark.parametrize('kind', list(LAYERS))
def test_matches_step_by_step_numpy(kind, dtype):
    layer = _init(LAYERS[kind](np.dtype(dtype).name))
    x = RNG.normal(size=(6, 2, 3)).astype(dtype)
    states = _random_states(layer, 2, dtype)
    out, new_states = layer(x, states)
    assert out.dtype == dtype and all(s.dtype == dtype for s in new_states)
    ref_out, ref_states = numpy_layer(layer, x, states)
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(out, ref_out, **tol)
    assert len(new_states) == len(ref_states)
    for got, want in zip(new_states, ref_states):
        np.testing.assert_allclose(got, want, **tol)


@pytest.mark.parametrize('kind', list(LAYERS))
def test_equals_the_operator_on_packed_parameters(kind):
    layer = _init(LAYERS[kind]('float32'))
    prefix = layer.prefix
    named = {k[len(prefix):]: p.data() for k, p in layer.collect_params().items()}
    flat = fusedrnn.pack_params(named, input_size=3, state_size=layer._hidden_size,
                                num_layers=layer._num_layers, mode=layer._mode,
                                bidirectional=layer._dir == 2,
                                projection_size=layer._projection_size, dtype=np.float32)
    x = RNG.normal(size=(5, 3, 3)).astype(np.float32)
    states = _random_states(layer, 3, np.float32)
    got = layer(x, states)
    want = fusedrnn.rnn(x, flat, states[0], states[1] if layer._mode == 'lstm' else None,
                        state_size=layer._hidden_size, num_layers=layer._num_layers,
                        mode=layer._mode, bidirectional=layer._dir == 2,
                        projection_size=layer._projection_size, state_outputs=True,
                        lstm_state_clip_min=layer._lstm_state_clip_min,
                        lstm_state_clip_max=layer._lstm_state_clip_max)
    np.testing.assert_array_equal(got[0], want[0])
    for a, b in zip(got[1], want[1:]):
        np.testing.assert_array_equal(a, b)


def test_output_only_without_states_uses_zero_states():
    layer = _init(rnn.LSTM(4, 2, input_size=3))
    x = RNG.normal(size=(4, 2, 3)).astype(np.float32)
    out = layer(x)
    assert isinstance(out, np.ndarray) and out.shape == (4, 2, 4)
    out2, states = layer(x, layer.begin_state(2))
    np.testing.assert_array_equal(out, out2)
    assert isinstance(states, list) and [s.shape for s in states] == [(2, 2, 4), (2, 2, 4)]


@pytest.mark.parametrize('cls', [rnn.RNN, rnn.GRU])
def test_single_array_state(cls):
    layer = _init(cls(4, 1, input_size=3))
    x = RNG.normal(size=(3, 2, 3)).astype(np.float32)
    h = RNG.normal(size=(1, 2, 4)).astype(np.float32)
    out, states = layer(x, h)
    out2, states2 = layer(x, [h])
    np.testing.assert_array_equal(out, out2)
    assert isinstance(states, list) and len(states) == 1
    np.testing.assert_array_equal(states[0], states2[0])


def test_ntc_layout_is_tnc_transposed():
    tnc = _init(rnn.GRU(4, 2, bidirectional=True, input_size=3))
    ntc = rnn.GRU(4, 2, layout='NTC', bidirectional=True, input_size=3,
                  params=tnc.collect_params())
    x = RNG.normal(size=(5, 2, 3)).astype(np.float32)
    h = _random_states(tnc, 2, np.float32)
    out_t, st_t = tnc(x, h)
    out_n, st_n = ntc(np.ascontiguousarray(x.swapaxes(0, 1)), h)
    assert out_n.shape == (2, 5, 8)
    np.testing.assert_allclose(out_n.swapaxes(0, 1), out_t, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(st_n[0], st_t[0], rtol=1e-6, atol=1e-7)
    # batch size is read from axis 0 in NTC
    assert [s.shape for s in ntc.begin_state(2)] == [(4, 2, 4)]
    assert ntc(x.swapaxes(0, 1)).shape == (2, 5, 8)   # non-contiguous input is fine


def test_state_info_and_begin_state():
    lstm = rnn.LSTM(6, 2, bidirectional=True, projection_size=3, dtype='float64')
    info = lstm.state_info(5)
    assert info == [{'shape': (4, 5, 3), '__layout__': 'LNC', 'dtype': 'float64'},
                    {'shape': (4, 5, 6), '__layout__': 'LNC', 'dtype': 'float64'}]
    assert rnn.GRU(3, 2).state_info() == [{'shape': (2, 0, 3), '__layout__': 'LNC',
                                           'dtype': 'float32'}]
    assert rnn.RNN(3).state_info(2)[0]['shape'] == (1, 2, 3)
    states = lstm.begin_state(5)
    assert [s.shape for s in states] == [(4, 5, 3), (4, 5, 6)]
    assert all(s.dtype == np.float64 and not s.any() for s in states)
    ones = lstm.begin_state(2, func=np.ones, dtype='float32')
    assert all(s.dtype == np.float32 and np.all(s == 1) for s in ones)
    seen = []

    def factory(name, shape, dtype, **kwargs):
        seen.append((name, kwargs))
        return np.full(shape, 2.0, dtype)
    fulls = lstm.begin_state(1, func=factory)
    assert np.all(fulls[1] == 2)
    assert seen[0] == ('%sh0_0' % lstm.prefix, {'__layout__': 'LNC'})
    assert seen[1][0] == '%sh0_1' % lstm.prefix


def test_invalid_state_shape_message():
    layer = _init(rnn.LSTM(6, 1, bidirectional=True, input_size=4))
    x = np.zeros((2, 3, 4), np.float32)
    bad = [np.zeros((1, 3, 6), np.float32), np.zeros((2, 3, 6), np.float32)]
    with pytest.raises(ValueError) as err:
        layer(x, bad)
    assert str(err.value) == 'Invalid recurrent state shape. Expecting (2, 3, 6), got (1, 3, 6).'
    with pytest.raises(ValueError, match=r'Expecting \(2, 3, 6\), got \(2, 4, 6\)\.'):
        layer(x, [bad[1], np.zeros((2, 4, 6), np.float32)])
    with pytest.raises(ValueError, match='takes 2 recurrent state'):
        layer(x, bad[1])


def test_dtype_mismatch_is_refused():
    layer = _init(rnn.GRU(3, input_size=2))
    with pytest.raises(TypeError, match='float64'):
        layer(np.zeros((2, 1, 2)))
    with pytest.raises(TypeError):
        layer(np.zeros((2, 1, 2), np.float32), np.zeros((1, 1, 3)))


@pytest.mark.parametrize('make, message', [
    (lambda: rnn.LSTM(6, layout='TCN'), r"Invalid layout TCN; must be one of \['TNC' or 'NTC'\]"),
    (lambda: rnn.RNN(6, activation='sigmoid'), 'activation'),
    (lambda: rnn.LSTM(6, state_clip_min=-1), 'together'),
    (lambda: rnn.LSTM(6, state_clip_max=1), 'together'),
    (lambda: rnn.LSTM(6, state_clip_min=1, state_clip_max=-1), 'must not exceed'),
    (lambda: rnn.LSTM(6, projection_size=6), 'smaller than hidden_size'),
    (lambda: rnn.LSTM(6, projection_size=9), 'smaller than hidden_size'),
    (lambda: rnn.GRU(0), 'hidden_size'),
    (lambda: rnn.GRU(4, 0), 'num_layers'),
    (lambda: rnn.GRU(4, dropout=1.0), 'dropout'),
    (lambda: rnn.GRU(4, input_size=-1), 'input_size'),
    (lambda: rnn.GRU(4, dtype='float16'), 'dtype'),
])
def test_constructor_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_layout_error_is_also_an_assertion_error():
    # MXNet checks the layout with assert; code catching AssertionError keeps working.
    with pytest.raises(AssertionError):
        rnn.GRU(3, layout='CTN')


def test_projection_size_zero_means_none():
    layer = rnn.LSTM(4, projection_size=0)
    assert layer._projection_size is None and 'l0_h2r_weight' not in layer._reg_params


def test_repr():
    assert repr(rnn.LSTM(6, 2, dropout=0.2, bidirectional=True)) == \
        'LSTM(None -> 6, TNC, num_layers=2, dropout=0.2, bidirectional)'
    assert repr(rnn.LSTM(6, input_size=4)) == 'LSTM(4 -> 6, TNC)'
    assert repr(rnn.GRU(3, layout='NTC')) == 'GRU(None -> 3, NTC)'
    assert repr(rnn.RNN(3, 1, 'tanh', input_size=2)) == 'RNN(2 -> 3, TNC)'
    assert repr(rnn.LSTM(6, input_size=4, projection_size=2)) == 'LSTM(4 -> 6, TNC)'
    layer = rnn.GRU(5, 3, dropout=0.5)
    layer.initialize()
    layer(np.zeros((1, 1, 7), np.float32))
    assert repr(layer) == 'GRU(7 -> 5, TNC, num_layers=3, dropout=0.5)'


def test_sequence_length():
    layer = _init(rnn.LSTM(4, 1, bidirectional=True, input_size=3, use_sequence_length=True))
    x = RNG.normal(size=(5, 2, 3)).astype(np.float32)
    lengths = np.array([5, 3], np.int32)
    out, states = layer(x, layer.begin_state(2), lengths)
    out_kw = layer(x, sequence_length=lengths)
    np.testing.assert_array_equal(out, out_kw)
    assert not out[3:, 1].any()
    # entry 1 equals running its valid prefix alone
    plain = rnn.LSTM(4, 1, bidirectional=True, input_size=3, params=layer.collect_params())
    ref_out, ref_states = plain(np.ascontiguousarray(x[:3, 1:2]), plain.begin_state(1))
    np.testing.assert_allclose(out[:3, 1:2], ref_out, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(states[0][:, 1:2], ref_states[0], rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match='sequence_length'):
        layer(x)


def test_sequence_length_ignored_without_flag():
    # As in MXNet 1.9.1, a layer built without use_sequence_length ignores the argument.
    layer = _init(rnn.GRU(3, input_size=2))
    x = RNG.normal(size=(4, 2, 2)).astype(np.float32)
    out, _ = layer(x, layer.begin_state(2), np.array([1, 2]))
    np.testing.assert_array_equal(out, layer(x))


def test_inputs_are_not_modified():
    layer = _init(rnn.LSTM(3, 2, input_size=2))
    x = RNG.normal(size=(3, 2, 2)).astype(np.float32)
    states = _random_states(layer, 2, np.float32)
    copies = [x.copy()] + [s.copy() for s in states]
    layer(x, states)
    for a, b in zip([x] + states, copies):
        np.testing.assert_array_equal(a, b)
