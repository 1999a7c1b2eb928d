"""Gluon cells: signatures, names, shapes, stepping, unroll forms, valid_length, errors."""
import inspect

import numpy as np
import pytest

from fusedrnn.gluon import InvalidArgumentError, rnn

RNG = np.random.default_rng(7)
_INIT4 = [('i2h_weight_initializer', None), ('h2h_weight_initializer', None),
          ('i2h_bias_initializer', 'zeros'), ('h2h_bias_initializer', 'zeros')]


def _sig(v):
    return 1.0 / (1.0 + np.exp(-v))


ACTS = {'tanh': np.tanh, 'relu': lambda v: np.maximum(v, 0), 'sigmoid': _sig,
        'softsign': lambda v: v / (1 + np.abs(v)),
        'softrelu': lambda v: np.where(v > 20, v, np.log1p(np.exp(np.minimum(v, 20))))}


def numpy_step(cell, x, states):
    """The cell equations in numpy, from the cell's parameters."""
    w = {k: p.data().astype(np.float64) for k, p in cell._reg_params.items()}
    gx = x @ w['i2h_weight'].T + w['i2h_bias']
    gh = states[0] @ w['h2h_weight'].T + w['h2h_bias']
    H = cell._hidden_size
    if isinstance(cell, rnn.LSTMCell):
        act, ract = ACTS[cell._activation], ACTS[cell._recurrent_activation]
        g = gx + gh
        i, f, o = ract(g[:, :H]), ract(g[:, H:2 * H]), ract(g[:, 3 * H:])
        c = f * states[1] + i * act(g[:, 2 * H:3 * H])
        h = o * act(c)
        return h, [h, c]
    if isinstance(cell, rnn.GRUCell):
        r, z = _sig(gx[:, :H] + gh[:, :H]), _sig(gx[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gx[:, 2 * H:] + r * gh[:, 2 * H:])
        h = (1 - z) * n + z * states[0]
        return h, [h]
    h = ACTS[cell._activation](gx + gh)
    return h, [h]


def make(cls, H=5, I=3, dtype='float64', **kw):
    cell = cls(H, input_size=I, **kw)
    cell.cast(dtype)
    cell.initialize(seed=int(RNG.integers(1 << 30)))
    return cell


def rand(*shape, dtype='float64'):
    return RNG.uniform(-1, 1, shape).astype(dtype)


# ---- signatures, names, shapes ---------------------------------------------------------------

SIGNATURES = {
    rnn.RNNCell: [('hidden_size', inspect.Parameter.empty), ('activation', 'tanh')] + _INIT4 +
                 [('input_size', 0), ('prefix', None), ('params', None)],
    rnn.LSTMCell: [('hidden_size', inspect.Parameter.empty)] + _INIT4 +
                  [('input_size', 0), ('prefix', None), ('params', None),
                   ('activation', 'tanh'), ('recurrent_activation', 'sigmoid')],
    rnn.GRUCell: [('hidden_size', inspect.Parameter.empty)] + _INIT4 +
                 [('input_size', 0), ('prefix', None), ('params', None)],
    rnn.SequentialRNNCell: [('prefix', None), ('params', None)],
    rnn.HybridSequentialRNNCell: [('prefix', None), ('params', None)],
    rnn.BidirectionalCell: [('l_cell', inspect.Parameter.empty),
                            ('r_cell', inspect.Parameter.empty), ('output_prefix', 'bi_')],
    rnn.DropoutCell: [('rate', inspect.Parameter.empty), ('axes', ()), ('prefix', None),
                      ('params', None)],
    rnn.ModifierCell: [('base_cell', inspect.Parameter.empty)],
    rnn.ZoneoutCell: [('base_cell', inspect.Parameter.empty), ('zoneout_outputs', 0.),
                      ('zoneout_states', 0.)],
    rnn.ResidualCell: [('base_cell', inspect.Parameter.empty)],
    rnn.RecurrentCell: [('prefix', None), ('params', None)],
    rnn.HybridRecurrentCell: [('prefix', None), ('params', None)],
}


@pytest.mark.parametrize('cls', list(SIGNATURES), ids=lambda c: c.__name__)
def test_signature(cls):
    params = inspect.signature(cls).parameters.values()
    assert [(p.name, p.default) for p in params] == SIGNATURES[cls]


def test_method_signatures():
    sig = inspect.signature(rnn.RecurrentCell.unroll)
    assert [(p.name, p.default) for p in sig.parameters.values()][1:7] == [
        ('length', inspect.Parameter.empty), ('inputs', inspect.Parameter.empty),
        ('begin_state', None), ('layout', 'NTC'), ('merge_outputs', None),
        ('valid_length', None)]
    assert list(inspect.signature(rnn.RecurrentCell.begin_state).parameters)[1:3] == \
        ['batch_size', 'func']


def test_exports():
    for name in ['RecurrentCell', 'HybridRecurrentCell', 'RNNCell', 'LSTMCell', 'GRUCell',
                 'SequentialRNNCell', 'HybridSequentialRNNCell', 'BidirectionalCell',
                 'DropoutCell', 'ModifierCell', 'ZoneoutCell', 'ResidualCell']:
        assert name in rnn.__all__ and hasattr(rnn, name)


@pytest.mark.parametrize('cls,alias,gates', [(rnn.RNNCell, 'rnn', 1), (rnn.LSTMCell, 'lstm', 4),
                                             (rnn.GRUCell, 'gru', 3)])
def test_names_and_shapes(cls, alias, gates):
    cell = cls(7, input_size=3)
    assert cell.prefix.startswith(alias) and cell.prefix.endswith('_')
    assert cell.prefix[len(alias):-1].isdigit()
    keys = list(cell.collect_params())
    assert keys == [cell.prefix + k for k in ('i2h_weight', 'h2h_weight', 'i2h_bias',
                                              'h2h_bias')]
    shapes = [p.shape for p in cell.collect_params().values()]
    assert shapes == [(gates * 7, 3), (gates * 7, 7), (gates * 7,), (gates * 7,)]
    assert all(p.dtype == np.float32 for p in cell.collect_params().values())
    named = cls(2, prefix='mine_')
    assert named.prefix == 'mine_' and list(named.params)[0] == 'mine_i2h_weight'
    assert sorted(cell._collect_params_with_prefix()) == \
        ['h2h_bias', 'h2h_weight', 'i2h_bias', 'i2h_weight']


def test_counters_follow_gluon():
    a, b = rnn.GRUCell(2), rnn.GRUCell(2)
    assert int(b.prefix[3:-1]) == int(a.prefix[3:-1]) + 1
    seq = rnn.SequentialRNNCell(prefix='s_')
    with seq.name_scope():
        seq.add(rnn.LSTMCell(3))
        seq.add(rnn.LSTMCell(3))
        seq.add(rnn.DropoutCell(0.1))
    assert [c.prefix for c in seq._children.values()] == ['s_lstm0_', 's_lstm1_', 's_dropout0_']


def test_params_sharing():
    a = rnn.LSTMCell(4, input_size=2, prefix='shared_')
    b = rnn.LSTMCell(4, input_size=2, prefix='shared_', params=a.params)
    assert all(p is q for p, q in zip(a.collect_params().values(), b.collect_params().values()))


def test_deferred_input_size():
    cell = rnn.GRUCell(4)
    assert repr(cell) == 'GRUCell(None -> 12)'
    cell.initialize()
    assert cell.i2h_weight.is_deferred
    out, states = cell(rand(2, 5, dtype='float32'), None)
    assert out.shape == (2, 4) and cell.i2h_weight.shape == (12, 5)
    assert repr(cell) == 'GRUCell(5 -> 12)'
    with pytest.raises(InvalidArgumentError, match='expects inputs with 5 features, got 3'):
        cell(rand(2, 3, dtype='float32'), states)


def test_state_info_and_begin_state():
    lstm = rnn.LSTMCell(6)
    assert lstm.state_info(3) == [{'shape': (3, 6), '__layout__': 'NC'}] * 2
    states = lstm.begin_state(batch_size=3)
    assert [s.shape for s in states] == [(3, 6), (3, 6)]
    assert all(s.dtype == np.float32 and not s.any() for s in states)
    assert lstm.begin_state(3, dtype='float64')[0].dtype == np.float64
    assert (lstm.begin_state(2, func=np.ones)[1] == 1).all()
    seen = []

    def factory(shape, dtype='float32', name=None, **kwargs):
        seen.append(name)
        return np.full(shape, 2.0, dtype)
    lstm.begin_state(2, func=factory)
    assert seen == ['%sbegin_state_%d' % (lstm.prefix, i) for i in (6, 7)]
    assert rnn.RNNCell(4).state_info() == [{'shape': (0, 4), '__layout__': 'NC'}]
    assert rnn.DropoutCell(0.2).state_info(3) == []


def test_hybridize_and_reset_are_accepted():
    cell = make(rnn.LSTMCell)
    cell.hybridize()
    cell.reset()
    out, _ = cell(rand(2, 3), cell.begin_state(2, dtype='float64'))
    assert out.shape == (2, 5)


# ---- numerics --------------------------------------------------------------------------------

@pytest.mark.parametrize('act', sorted(ACTS))
def test_rnn_cell_activations(act):
    cell = make(rnn.RNNCell, activation=act)
    assert repr(cell) == 'RNNCell(3 -> 5, %s)' % act
    x, h = rand(4, 3), rand(4, 5)
    out, states = cell(x, [h])
    want, _ = numpy_step(cell, x, [h])
    np.testing.assert_allclose(out, want, rtol=0, atol=1e-14)
    assert states[0] is out or np.array_equal(states[0], out)


@pytest.mark.parametrize('act', ['tanh', 'softsign', 'relu'])
@pytest.mark.parametrize('ract', ['sigmoid', 'tanh', 'softrelu'])
def test_lstm_cell_activations(act, ract):
    cell = make(rnn.LSTMCell, activation=act, recurrent_activation=ract)
    x, h, c = rand(4, 3), rand(4, 5), rand(4, 5)
    out, states = cell(x, [h, c])
    want, wstates = numpy_step(cell, x, [h, c])
    np.testing.assert_allclose(out, want, rtol=0, atol=1e-14)
    np.testing.assert_allclose(states[1], wstates[1], rtol=0, atol=1e-14)


def test_gru_cell_and_float32():
    cell = make(rnn.GRUCell, dtype='float32')
    x, h = rand(4, 3, dtype='float32'), rand(4, 5, dtype='float32')
    out, states = cell(x, [h])
    assert out.dtype == np.float32 and states[0].dtype == np.float32
    want, _ = numpy_step(cell, x.astype(np.float64), [h.astype(np.float64)])
    np.testing.assert_allclose(out, want, rtol=0, atol=2e-6)


def test_cell_step_equals_one_step_fused_layer():
    layer = rnn.LSTM(5, input_size=3, dtype='float64')
    layer.initialize(seed=3)
    cell = rnn.LSTMCell(5, input_size=3)
    cell.cast('float64')
    cell.initialize()
    for name in ('i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias'):
        getattr(cell, name).set_data(layer._reg_params['l0_' + name].data())
    x, h, c = rand(1, 4, 3), rand(1, 4, 5), rand(1, 4, 5)
    y, (hy, cy) = layer(x, [h, c])
    out, (h1, c1) = cell(x[0], [h[0], c[0]])
    np.testing.assert_allclose(out, y[0], rtol=0, atol=1e-14)
    np.testing.assert_allclose(c1, cy[0], rtol=0, atol=1e-14)


def test_states_none_means_zeros():
    cell = make(rnn.LSTMCell)
    x = rand(2, 3)
    a, _ = cell(x)
    b, _ = cell(x, cell.begin_state(2, dtype='float64'))
    np.testing.assert_array_equal(a, b)


def test_inputs_are_not_written_and_flattened():
    cell = make(rnn.RNNCell, I=6)
    x = rand(2, 2, 3)
    keep = x.copy()
    out, _ = cell(x, None)
    np.testing.assert_array_equal(x, keep)
    np.testing.assert_array_equal(out, cell(x.reshape(2, 6), None)[0])


# ---- unroll ----------------------------------------------------------------------------------

CELLS = [rnn.RNNCell, rnn.LSTMCell, rnn.GRUCell]


def stepped(cell, xs, states):
    outs = []
    for x in xs:
        out, states = cell(x, states)
        outs.append(out)
    return outs, states


@pytest.mark.parametrize('cls', CELLS, ids=lambda c: c.__name__)
def test_unroll_equals_stepping(cls):
    cell = make(cls)
    x = rand(2, 4, 3)
    begin = [rand(2, 5) for _ in cell.state_info()]
    outs, states = stepped(cell, [x[:, t] for t in range(4)], begin)
    out, ustates = cell.unroll(4, x, begin_state=begin, merge_outputs=True)
    np.testing.assert_array_equal(out, np.stack(outs, axis=1))
    for a, b in zip(states, ustates):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize('layout', ['NTC', 'TNC'])
@pytest.mark.parametrize('as_list', [False, True])
@pytest.mark.parametrize('merge', [None, True, False])
def test_unroll_forms(layout, as_list, merge):
    cell = make(rnn.LSTMCell)
    ntc = rand(2, 4, 3)
    steps = [ntc[:, t] for t in range(4)]
    want, want_states = cell.unroll(4, ntc, merge_outputs=True)
    inputs = steps if as_list else (ntc if layout == 'NTC' else ntc.transpose(1, 0, 2).copy())
    out, states = cell.unroll(4, inputs, layout=layout, merge_outputs=merge)
    merged = bool(merge)  # None gives a list without valid_length, as MXNet 1.9.1 does
    if merged:
        assert isinstance(out, np.ndarray)
        assert out.shape == ((2, 4, 5) if layout == 'NTC' else (4, 2, 5))
        if layout == 'TNC':
            out = out.transpose(1, 0, 2)
        np.testing.assert_array_equal(out, want)
    else:
        assert isinstance(out, list) and len(out) == 4
        np.testing.assert_array_equal(np.stack(out, axis=1), want)
    for a, b in zip(states, want_states):
        np.testing.assert_array_equal(a, b)


def test_unroll_default_begin_state_uses_input_dtype():
    cell = make(rnn.GRUCell)
    out, states = cell.unroll(3, rand(2, 3, 3), merge_outputs=True)
    assert states[0].dtype == np.float64
    out2, _ = cell.unroll(3, rand(2, 3, 3), begin_state=cell.begin_state(2, dtype='float64'),
                          merge_outputs=True)
    assert out2.shape == out.shape


@pytest.mark.parametrize('cls', CELLS, ids=lambda c: c.__name__)
@pytest.mark.parametrize('layout', ['NTC', 'TNC'])
def test_valid_length_masks_and_picks_last_state(cls, layout):
    cell = make(cls)
    N, T = 4, 5
    x = rand(N, T, 3)
    vl = np.array([5, 2, 0, 3])
    xp = x.copy()
    for n in range(N):
        xp[n, vl[n]:] = np.nan
    begin = [rand(N, 5) for _ in cell.state_info()]
    inp = xp if layout == 'NTC' else xp.transpose(1, 0, 2)
    out, states = cell.unroll(T, inp, begin_state=begin, layout=layout, merge_outputs=True,
                              valid_length=vl)
    if layout == 'TNC':
        out = out.transpose(1, 0, 2)
    assert not np.isnan(out).any() and not any(np.isnan(s).any() for s in states)
    for n in range(N):
        row_begin = [b[n:n + 1] for b in begin]
        if vl[n]:
            o, s = cell.unroll(int(vl[n]), x[n:n + 1, :vl[n]], begin_state=row_begin,
                               merge_outputs=True)
            np.testing.assert_allclose(out[n, :vl[n]], o[0], rtol=0, atol=1e-14)
        else:
            s = row_begin
        assert not out[n, vl[n]:].any()
        for a, b in zip(states, s):
            np.testing.assert_allclose(a[n], b[0], rtol=0, atol=1e-14)


def test_valid_length_list_output_and_float_lengths():
    cell = make(rnn.RNNCell)
    x = [rand(2, 3) for _ in range(3)]
    out, _ = cell.unroll(3, x, valid_length=np.array([1.0, 3.0]), merge_outputs=False)
    assert isinstance(out, list) and not out[1][0].any() and out[1][1].any()


def test_merge_outputs_none_follows_mxnet_1_9_1():
    """Measured on MXNet 1.9.1: None gives a list, but a merged array with valid_length."""
    cell = make(rnn.LSTMCell)
    x = rand(2, 3, 3)
    assert isinstance(cell.unroll(3, x)[0], list)
    assert isinstance(cell.unroll(3, list(x.transpose(1, 0, 2)))[0], list)
    merged, _ = cell.unroll(3, x, valid_length=np.array([3, 2]))
    assert isinstance(merged, np.ndarray) and merged.shape == (2, 3, 5)


# ---- errors ----------------------------------------------------------------------------------

def test_argument_errors():
    with pytest.raises(InvalidArgumentError, match='hidden_size'):
        rnn.RNNCell(0)
    with pytest.raises(InvalidArgumentError, match='activation'):
        rnn.RNNCell(3, activation='gelu')
    with pytest.raises(InvalidArgumentError, match='recurrent_activation'):
        rnn.LSTMCell(3, recurrent_activation='nope')
    with pytest.raises(InvalidArgumentError, match='input_size'):
        rnn.GRUCell(3, input_size=-1)


def test_unroll_errors():
    cell = make(rnn.LSTMCell)
    x = rand(2, 4, 3)
    with pytest.raises(InvalidArgumentError, match=r'length=5\) got inputs with 4 time steps'):
        cell.unroll(5, x)
    with pytest.raises(InvalidArgumentError, match='list of 3 inputs'):
        cell.unroll(4, [x[:, 0]] * 3)
    with pytest.raises(InvalidArgumentError, match=r'valid_length must lie in \[0, length=4\]'):
        cell.unroll(4, x, valid_length=[5, 1])
    with pytest.raises(InvalidArgumentError, match='valid_length must have shape'):
        cell.unroll(4, x, valid_length=[1, 1, 1])
    with pytest.raises(InvalidArgumentError, match='whole numbers'):
        cell.unroll(4, x, valid_length=[1.5, 1])
    with pytest.raises(InvalidArgumentError, match='Invalid layout'):
        cell.unroll(4, x, layout='TCN')
    with pytest.raises(InvalidArgumentError, match='length'):
        cell.unroll(0, x)
    with pytest.raises(InvalidArgumentError, match='at least 3 dimensions'):
        cell.unroll(4, x[:, 0])


def test_step_errors():
    cell = make(rnn.LSTMCell)
    x = rand(2, 3)
    with pytest.raises(InvalidArgumentError, match='takes 2 state'):
        cell(x, [rand(2, 5)])
    with pytest.raises(InvalidArgumentError, match=r'Expecting \(2, 5\), got \(3, 5\)'):
        cell(x, [rand(3, 5), rand(2, 5)])
    with pytest.raises(TypeError, match='cast one to match'):
        cell(x.astype(np.float32), None)
    with pytest.raises(TypeError, match='state 1 has dtype float32'):
        cell(x, [rand(2, 5), rand(2, 5, dtype='float32')])
    with pytest.raises(TypeError, match='float32 or float64'):
        cell(x.astype(np.int64), None)
