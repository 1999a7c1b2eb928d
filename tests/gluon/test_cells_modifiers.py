"""Containers (Sequential, Bidirectional), DropoutCell, ZoneoutCell, ResidualCell, unfuse()."""
import numpy as np
import pytest

from fusedrnn.gluon import InvalidArgumentError, predict_mode, rnn, train_mode

RNG = np.random.default_rng(11)


def rand(*shape, dtype='float64'):
    return RNG.uniform(-1, 1, shape).astype(dtype)


def ready(cell, seed=1):
    cell.cast('float64')
    cell.initialize(seed=seed)
    return cell


# ---- SequentialRNNCell -----------------------------------------------------------------------

@pytest.mark.parametrize('cls', [rnn.SequentialRNNCell, rnn.HybridSequentialRNNCell])
def test_sequential_states_step_and_unroll(cls):
    seq = cls()
    with seq.name_scope():
        seq.add(rnn.LSTMCell(4, input_size=3))
        seq.add(rnn.DropoutCell(0.5))
        seq.add(rnn.GRUCell(2, input_size=4))
    ready(seq)
    assert len(seq) == 3 and isinstance(seq[2], rnn.GRUCell)
    assert [i['shape'] for i in seq.state_info(5)] == [(5, 4), (5, 4), (5, 2)]
    begin = [rand(5, 4), rand(5, 4), rand(5, 2)]
    x = rand(5, 6, 3)
    # stepping hands each child its slice; the state list does not grow
    states, outs = begin, []
    for t in range(6):
        out, states = seq(x[:, t], states)
        assert len(states) == 3
        outs.append(out)
    a, sa = seq[0].unroll(6, x, begin_state=begin[:2], merge_outputs=True)
    b, sb = seq[2].unroll(6, a, begin_state=begin[2:], merge_outputs=True)
    out, ustates = seq.unroll(6, x, begin_state=begin, merge_outputs=True)
    np.testing.assert_array_equal(out, b)
    np.testing.assert_array_equal(np.stack(outs, axis=1), b)
    for u, w in zip(ustates, sa + sb):
        np.testing.assert_array_equal(u, w)
    assert repr(seq).startswith('%s(\n(0): LSTMCell(3 -> 16)\n(1): DropoutCell(rate=0.5, '
                                'axes=())\n(2): GRUCell(4 -> 6)\n)' % cls.__name__)
    assert seq.begin_state(5)[2].shape == (5, 2)


def test_sequential_errors_and_nested_repr():
    seq = rnn.SequentialRNNCell()
    seq.add(rnn.RNNCell(3, input_size=2))
    ready(seq)
    with pytest.raises(InvalidArgumentError, match='takes 1 state arrays'):
        seq(rand(2, 2), [rand(2, 3), rand(2, 3)])
    with pytest.raises(TypeError, match='recurrent cell'):
        seq.add(object())
    outer = rnn.SequentialRNNCell()
    outer.add(seq)
    assert repr(outer) == 'SequentialRNNCell(\n(0): SequentialRNNCell(\n  (0): RNNCell(2 -> 3, ' \
                          'tanh)\n  )\n)'


def test_sequential_unroll_with_valid_length_nan():
    seq = rnn.SequentialRNNCell()
    seq.add(rnn.LSTMCell(4, input_size=3))
    seq.add(rnn.ResidualCell(rnn.GRUCell(4, input_size=4)))
    ready(seq)
    x = rand(3, 5, 3)
    vl = np.array([5, 1, 3])
    for n in range(3):
        x[n, vl[n]:] = np.nan
    out, states = seq.unroll(5, x, valid_length=vl, merge_outputs=False)
    assert isinstance(out, list)
    out = np.stack(out, axis=1)
    assert not np.isnan(out).any() and not any(np.isnan(s).any() for s in states)
    for n in range(3):
        assert not out[n, vl[n]:].any()


# ---- BidirectionalCell -----------------------------------------------------------------------

def test_bidirectional_unroll_and_errors():
    bi = ready(rnn.BidirectionalCell(rnn.LSTMCell(4, input_size=3, prefix='f_'),
                                     rnn.GRUCell(2, input_size=3, prefix='b_')))
    assert repr(bi) == 'BidirectionalCell(forward=LSTMCell(3 -> 16), backward=GRUCell(3 -> 6))'
    assert bi.prefix == '' and sorted(bi._collect_params_with_prefix())[0] == 'l_cell.h2h_bias'
    assert [i['shape'] for i in bi.state_info(2)] == [(2, 4), (2, 4), (2, 2)]
    x = rand(2, 5, 3)
    out, states = bi.unroll(5, x, merge_outputs=True)
    assert out.shape == (2, 5, 6) and len(states) == 3
    lo, ls = bi._children['l_cell'].unroll(5, x, merge_outputs=True)
    ro, rs = bi._children['r_cell'].unroll(5, x[:, ::-1], merge_outputs=True)
    np.testing.assert_array_equal(out[:, :, :4], lo)
    np.testing.assert_array_equal(out[:, :, 4:], ro[:, ::-1])
    outs, _ = bi.unroll(5, [x[:, t] for t in range(5)])
    assert isinstance(outs, list) and outs[0].shape == (2, 6)
    with pytest.raises(NotImplementedError, match='cannot be stepped'):
        bi(x[:, 0], states)
    seq = rnn.SequentialRNNCell()
    seq.add(bi)
    with pytest.raises(NotImplementedError, match='cannot be stepped'):
        seq(x[:, 0], states)
    tnc, _ = seq.unroll(5, x.transpose(1, 0, 2), layout='TNC', merge_outputs=True)
    np.testing.assert_array_equal(tnc.transpose(1, 0, 2), out)


def test_bidirectional_valid_length_reverses_valid_prefix():
    bi = ready(rnn.BidirectionalCell(rnn.RNNCell(3, input_size=2), rnn.RNNCell(3, input_size=2)))
    x = rand(2, 4, 2)
    x[1, 2:] = np.nan
    out, states = bi.unroll(4, x, valid_length=[4, 2], merge_outputs=True)
    r = bi._children['r_cell']
    ro, rs = r.unroll(2, x[1:2, 1::-1], merge_outputs=True)
    np.testing.assert_allclose(out[1, :2, 3:], ro[0, ::-1], rtol=0, atol=1e-15)
    np.testing.assert_allclose(states[1][1], rs[0][0], rtol=0, atol=1e-15)
    assert not out[1, 2:].any() and not np.isnan(out).any()


# ---- DropoutCell -----------------------------------------------------------------------------

def test_dropout_cell():
    cell = rnn.DropoutCell(0.5)
    x = rand(50, 40)
    assert cell(x, [])[0] is x or np.array_equal(cell(x, [])[0], x)   # not training
    with train_mode(seed=3):
        a, st = cell(x, ['s'])
    with train_mode(seed=3):
        b, _ = cell(x, ['s'])
    np.testing.assert_array_equal(a, b)
    assert st == ['s']
    kept = a != 0
    assert 0.4 < kept.mean() < 0.6
    np.testing.assert_allclose(a[kept], 2 * x[kept])
    c, _ = cell(x, [], training=True, seed=4)
    assert not np.array_equal(a, c)
    d, _ = cell(x, [], training=True, seed=4)
    np.testing.assert_array_equal(c, d)
    shared = rnn.DropoutCell(0.5, axes=(1,))
    e, _ = shared(x, [], training=True, seed=5)
    assert ((e != 0).all(axis=1) | (e == 0).all(axis=1)).all()
    with pytest.raises(InvalidArgumentError, match='rate'):
        rnn.DropoutCell(1.0)


def test_dropout_cell_unroll_forms():
    cell = rnn.DropoutCell(0.3)
    x = rand(3, 4, 5)
    out, states = cell.unroll(4, x)
    assert out is x and states == []
    with train_mode(seed=1):
        merged, _ = cell.unroll(4, x, merge_outputs=True)
    assert merged.shape == x.shape
    with train_mode(seed=1):
        listed, _ = cell.unroll(4, x, merge_outputs=False)
    assert isinstance(listed, list) and len(listed) == 4
    xp = x.copy()
    xp[0, 2:] = np.nan
    with train_mode(seed=2):
        masked, _ = cell.unroll(4, xp, valid_length=[2, 4, 4], merge_outputs=True)
    assert not np.isnan(masked).any() and not masked[0, 2:].any()


# ---- ZoneoutCell -----------------------------------------------------------------------------

def test_zoneout_is_base_cell_outside_training():
    base = rnn.LSTMCell(4, input_size=3)
    z = ready(rnn.ZoneoutCell(base, zoneout_outputs=0.5, zoneout_states=0.5))
    assert z.prefix == base.prefix + 'zoneout'
    assert list(z.params) == list(base.params) and z.collect_params().keys() == \
        base.collect_params().keys()
    x = rand(2, 5, 3)
    out, states = z.unroll(5, x, merge_outputs=True)
    base._modified = False
    want, wstates = base.unroll(5, x, merge_outputs=True)
    base._modified = True
    np.testing.assert_array_equal(out, want)


def test_zoneout_training_keeps_new_or_previous():
    base = rnn.GRUCell(6, input_size=3)
    z = ready(rnn.ZoneoutCell(base, zoneout_outputs=0.5, zoneout_states=0.5))
    x = rand(4, 3)
    h = rand(4, 6)
    with train_mode(seed=9):
        out, (new_h,) = z(x, [h])
    with predict_mode():
        full, (full_h,) = z(x, [h])
    # output: new value or the previous output (zeros at the first step)
    assert np.all((out == full) | (out == 0))
    assert np.any(out == 0) and np.any(out == full)
    assert np.all((new_h == full_h) | (new_h == h))
    with train_mode(seed=9):
        z.reset()
        again, _ = z(x, [h])
    np.testing.assert_array_equal(again, out)


def test_zoneout_over_sequential():
    """MXNet 1.9.1 raised AttributeError here (spec disagreement 12.6)."""
    seq = rnn.SequentialRNNCell()
    seq.add(rnn.LSTMCell(3, input_size=2))
    seq.add(rnn.LSTMCell(3, input_size=3))
    z = ready(rnn.ZoneoutCell(seq, 0.2, 0.2))
    x = rand(2, 4, 2)
    out, states = z.unroll(4, x, merge_outputs=True)
    assert out.shape == (2, 4, 3) and len(states) == 4
    with train_mode(seed=1):
        out2, _ = z.unroll(4, x, merge_outputs=True)
    assert out2.shape == out.shape
    with pytest.raises(InvalidArgumentError, match='cannot be stepped'):
        rnn.ZoneoutCell(rnn.BidirectionalCell(rnn.RNNCell(2), rnn.RNNCell(2)))


def test_modifier_errors():
    base = rnn.LSTMCell(4, input_size=3)
    z = rnn.ZoneoutCell(base, 0.1, 0.1)
    ready(z)
    with pytest.raises(InvalidArgumentError, match='modified twice'):
        rnn.ResidualCell(base)
    with pytest.raises(InvalidArgumentError, match='cannot be called directly'):
        base(rand(2, 3), None)
    with pytest.raises(InvalidArgumentError, match='cannot be called directly'):
        base.unroll(2, rand(2, 2, 3))
    with pytest.raises(InvalidArgumentError, match='cannot be called directly'):
        base.begin_state(2)
    assert len(z.begin_state(2)) == 2
    rnn.ResidualCell(z)   # the modifier itself may be wrapped
    with pytest.raises(InvalidArgumentError, match='zoneout_outputs'):
        rnn.ZoneoutCell(rnn.GRUCell(2), 1.5)


# ---- ResidualCell ----------------------------------------------------------------------------

@pytest.mark.parametrize('merge', [True, False, None])
def test_residual_cell(merge):
    base = rnn.GRUCell(3, input_size=3)
    res = ready(rnn.ResidualCell(base))
    assert repr(res) == 'ResidualCell(GRUCell(3 -> 9))'
    x = rand(2, 4, 3)
    out, states = res.unroll(4, x, merge_outputs=merge)
    base._modified = False
    bo, bs = base.unroll(4, x, merge_outputs=True)
    base._modified = True
    got = out if isinstance(out, np.ndarray) else np.stack(out, axis=1)
    assert isinstance(out, list) == (not merge)  # None: a list, as MXNet 1.9.1
    np.testing.assert_allclose(got, bo + x, rtol=0, atol=1e-15)
    step, _ = res(x[:, 0], None)
    np.testing.assert_allclose(step, got[:, 0], rtol=0, atol=1e-15)
    xp = x.copy()
    xp[1, 1:] = np.nan
    masked, _ = res.unroll(4, xp, valid_length=[4, 1], merge_outputs=True)
    assert not np.isnan(masked).any() and not masked[1, 1:].any()
    with pytest.raises(InvalidArgumentError, match='must match'):
        ready(rnn.ResidualCell(rnn.GRUCell(5, input_size=3)))(x[:, 0], None)


# ---- unfuse ----------------------------------------------------------------------------------

CONFIGS = [
    (rnn.LSTM, {}), (rnn.LSTM, {'num_layers': 3, 'bidirectional': True}),
    (rnn.GRU, {'num_layers': 2}), (rnn.GRU, {'bidirectional': True, 'layout': 'NTC'}),
    (rnn.RNN, {'num_layers': 2, 'activation': 'tanh'}),
    (rnn.RNN, {'bidirectional': True, 'activation': 'relu', 'dropout': 0.4, 'num_layers': 2}),
    (rnn.LSTM, {'num_layers': 3, 'dropout': 0.5, 'layout': 'NTC'}),
]


@pytest.mark.parametrize('cls,kw', CONFIGS, ids=lambda v: getattr(v, '__name__', str(v)))
def test_unfuse_equals_fused(cls, kw):
    layer = cls(5, input_size=3, dtype='float64', **kw)
    layer.initialize(seed=4)
    stack = layer.unfuse()
    assert isinstance(stack, rnn.HybridSequentialRNNCell)
    L, D = layer._num_layers, layer._dir
    dropout = kw.get('dropout', 0)
    kinds = [type(c) for c in stack._children.values()]
    layer_cell = rnn.BidirectionalCell if D == 2 else {rnn.LSTM: rnn.LSTMCell, rnn.GRU: rnn.GRUCell,
                                                       rnn.RNN: rnn.RNNCell}[cls]
    want = []
    for i in range(L):
        want.append(layer_cell)
        if dropout and i != L - 1:
            want.append(rnn.DropoutCell)
    assert kinds == want   # no dropout after the last layer
    fused_params = layer.collect_params()
    for name, param in stack.collect_params().items():
        assert param is fused_params[name]
    layout = layer._layout
    N, T = 4, 6
    x = rand(*((T, N, 3) if layout == 'TNC' else (N, T, 3)))
    infos = layer.state_info(N)
    begin = [rand(*i['shape']) for i in infos]
    out, states = layer(x, begin)
    cell_begin = []
    for k in range(L * D):
        cell_begin += [s[k] for s in begin]
    uout, ustates = stack.unroll(T, x, begin_state=cell_begin, layout=layout, merge_outputs=True)
    np.testing.assert_allclose(uout, out, rtol=0, atol=1e-12)
    per = len(infos)
    for k in range(L * D):
        for j in range(per):
            np.testing.assert_allclose(ustates[k * per + j], states[j][k], rtol=0, atol=1e-12)


def test_unfuse_deferred_and_shared_arrays():
    layer = rnn.GRU(4, num_layers=2)
    layer.initialize()
    stack = layer.unfuse()
    assert repr(stack).splitlines()[1] == '(0): GRUCell(None -> 12)'
    x = rand(3, 2, 5, dtype='float32')
    stack.unroll(3, x, layout='TNC')     # infers the input size of the shared parameter
    assert layer.l0_i2h_weight.shape == (12, 5)
    stack[0].i2h_weight.data()[...] = 0.25
    assert (layer.l0_i2h_weight.data() == 0.25).all()
    assert layer._unfuse().collect_params().keys() == stack.collect_params().keys()


def test_unfuse_refusals():
    with pytest.raises(InvalidArgumentError, match='projection'):
        rnn.LSTM(6, projection_size=3).unfuse()
    with pytest.raises(InvalidArgumentError, match='clipping'):
        rnn.LSTM(6, state_clip_min=-1, state_clip_max=1).unfuse()


def test_zoneout_training_with_nan_padding_and_seeded_unroll():
    z = ready(rnn.ZoneoutCell(rnn.LSTMCell(4, input_size=3), 0.5, 0.5))
    x = rand(3, 5, 3)
    x[1, 2:] = np.nan
    x[2, :] = np.nan
    with train_mode(seed=1):
        out, states = z.unroll(5, x, valid_length=[5, 2, 0], merge_outputs=True)
    assert not np.isnan(out).any() and not any(np.isnan(s).any() for s in states)
    again, _ = z.unroll(5, x, valid_length=[5, 2, 0], merge_outputs=True, training=True, seed=1)
    np.testing.assert_array_equal(again, out)
    other, _ = z.unroll(5, x, valid_length=[5, 2, 0], merge_outputs=True, training=True, seed=2)
    assert not np.array_equal(other, out)


def test_user_defined_hybrid_cell():
    class Scaled(rnn.HybridRecurrentCell):
        def __init__(self):
            super().__init__()
            self.w = self.params.get('w', shape=(3, 3), init='ones')

        def state_info(self, batch_size=0):
            return [{'shape': (batch_size, 3), '__layout__': 'NC'}]

        def hybrid_forward(self, F, x, states, w):
            h = F.tanh(x @ w.T + states[0])
            return h, [h]

    cell = Scaled()
    cell.initialize()
    out, states = cell.unroll(4, np.ones((2, 4, 3), np.float32), merge_outputs=True)
    assert out.shape == (2, 4, 3)
    np.testing.assert_array_equal(out[:, -1], states[0])
