"""Legacy stepping cells: equal to fusedrnn.gluon's cells, states, unroll forms, containers."""
import numpy as np
import pytest

from fusedrnn import legacy as rnn
from fusedrnn.gluon import rnn as grnn
from fusedrnn.gluon import train_mode
from fusedrnn.gluon.errors import InvalidArgumentError

RNG = np.random.default_rng(1234)
N, T, I, H = 3, 5, 4, 6


def _x(shape=(N, T, I), dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def _pair(kind, inputs=I, **kw):
    """A legacy cell and the gluon cell with the same float64 weights."""
    legacy = {'rnn': rnn.RNNCell, 'lstm': rnn.LSTMCell, 'gru': rnn.GRUCell}[kind](H, **kw)
    gates = {'rnn': 1, 'lstm': 4, 'gru': 3}[kind]
    p = legacy.params.prefix
    weights = {p + 'i2h_weight': _x((gates * H, inputs)), p + 'h2h_weight': _x((gates * H, H)),
               p + 'i2h_bias': _x((gates * H,)), p + 'h2h_bias': _x((gates * H,))}
    legacy.set_weights(weights)
    gkw = {'activation': kw['activation']} if 'activation' in kw else {}
    gluon = {'rnn': grnn.RNNCell, 'lstm': grnn.LSTMCell, 'gru': grnn.GRUCell}[kind](
        H, input_size=inputs, prefix='g_', **gkw)
    gluon.initialize()
    for name in ('i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias'):
        getattr(gluon, name)._load_init(weights[p + name], cast_dtype=True,
                                        dtype_source='saved')
    return legacy, gluon


@pytest.mark.parametrize('kind,kw', [('rnn', {}), ('rnn', {'activation': 'relu'}),
                                     ('lstm', {}), ('gru', {})])
def test_step_and_unroll_equal_gluon(kind, kw):
    legacy, gluon = _pair(kind, **kw)
    x = _x()
    states = legacy.begin_state(batch_size=N, dtype=np.float64)
    gstates = gluon.begin_state(N, dtype=np.float64)
    for t in range(T):
        out, states = legacy(x[:, t], states)
        gout, gstates = gluon(x[:, t], gstates)
        np.testing.assert_array_equal(out, gout)
        for a, b in zip(states, gstates):
            np.testing.assert_array_equal(a, b)
    outs, st = legacy.unroll(T, x, merge_outputs=True)
    gouts, gst = gluon.unroll(T, x, merge_outputs=True)
    np.testing.assert_array_equal(outs, gouts)
    assert outs.shape == (N, T, H)                 # legacy.lstm.unroll.merged
    assert all(s.shape == (N, H) for s in st)      # legacy.lstm.unroll.final_states


def test_step_shapes_and_empty_begin_state():
    # legacy.lstm.step.output_shape / .states, legacy.base.call.returns, begin_state.zeros
    cell = rnn.LSTMCell(50)
    cell.initialize(input_size=I)
    begin = cell.begin_state()
    assert [s.shape for s in begin] == [(0, 50), (0, 50)]
    out, states = cell(_x((N, I), np.float32), begin)
    assert out.shape == (N, 50) and [s.shape for s in states] == [(N, 50), (N, 50)]
    out2, _ = cell(_x((N, I), np.float32), states)        # reusable for the next step
    assert out2.shape == (N, 50)
    zero = cell.begin_state(batch_size=N)
    assert all(np.array_equal(s, np.zeros((N, 50), np.float32)) for s in zero)
    ones = cell.begin_state(func=np.ones, batch_size=2, dtype=np.float64)
    assert all(s.dtype == np.float64 and s.shape == (2, 50) and s.min() == 1 for s in ones)


def test_unroll_forms():
    # legacy.base.unroll.{inputs.tensor,inputs.list,merge_true,merge_false,begin_state,returns}
    cell, _ = _pair('lstm')
    x = _x()
    merged, st1 = cell.unroll(T, x, merge_outputs=True)
    listed, st2 = cell.unroll(T, [x[:, t] for t in range(T)], merge_outputs=False)
    default, _ = cell.unroll(T, x)
    assert isinstance(listed, list) and len(listed) == T
    assert isinstance(default, list)       # stepping cells: a list when merge_outputs is None
    np.testing.assert_array_equal(np.stack(listed, axis=1), merged)
    np.testing.assert_array_equal(np.stack(default, axis=1), merged)
    tnc, _ = cell.unroll(T, np.ascontiguousarray(x.transpose(1, 0, 2)), layout='TNC',
                         merge_outputs=True)
    np.testing.assert_array_equal(tnc.transpose(1, 0, 2), merged)
    zeros = cell.begin_state(batch_size=N, dtype=np.float64)
    again, st3 = cell.unroll(T, x, begin_state=zeros, merge_outputs=True)
    np.testing.assert_array_equal(again, merged)
    for a, b in zip(st1, st3):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(InvalidArgumentError):
        cell.unroll(T + 1, x)


def test_forget_bias():
    # legacy.lstm.forget_bias / default.forget_bias
    cell = rnn.LSTMCell(H, forget_bias=2.5).initialize(input_size=I, seed=0)
    w = cell.get_weights()
    expected = np.zeros(4 * H, np.float32)
    expected[H:2 * H] = 2.5
    np.testing.assert_array_equal(w['lstm_i2h_bias'], expected)
    np.testing.assert_array_equal(w['lstm_h2h_bias'], np.zeros(4 * H, np.float32))
    default = rnn.LSTMCell(H).initialize(input_size=I)
    assert default.get_weights()['lstm_i2h_bias'][H:2 * H].tolist() == [1.0] * H
    # the unpacked forget pieces say the same
    u = cell.unpack_weights(w)
    assert u['lstm_i2h_f_bias'].tolist() == [2.5] * H
    assert u['lstm_i2h_i_bias'].tolist() == [0.0] * H


def test_names_and_params_sharing():
    # legacy.rnn_params.{get,prefix,sharing}, default prefixes
    assert sorted(rnn.GRUCell(2).params.keys()) == ['gru_h2h_bias', 'gru_h2h_weight',
                                                    'gru_i2h_bias', 'gru_i2h_weight']
    assert 'rnn_i2h_weight' in rnn.RNNCell(2).params
    shared = rnn.RNNParams('shared_')
    a = rnn.LSTMCell(H, prefix='a_', params=shared)
    b = rnn.LSTMCell(H, prefix='b_', params=shared)
    assert a.params is shared and sorted(shared.keys())[0] == 'shared_h2h_bias'
    assert shared.get('i2h_weight') is a._gluon.i2h_weight is b._gluon.i2h_weight
    a.initialize(input_size=I)
    x = _x((N, I), np.float32)
    np.testing.assert_array_equal(a(x, None)[0], b(x, None)[0])
    p = rnn.RNNParams()
    assert p.get('w', shape=(2,)) is p.get('w') and p.get('w').name == 'w'


def test_unpack_pack_basic_cells():
    # legacy.base.unpack.*, legacy.base.pack.*, gate suffixes
    for cls, gates in ((rnn.LSTMCell, ['_i', '_f', '_c', '_o']), (rnn.GRUCell, ['_r', '_z', '_o']),
                       (rnn.RNNCell, [''])):
        cell = cls(H)
        cell.initialize(input_size=I, seed=2)
        packed = cell.get_weights()
        packed['other'] = np.arange(3.0)
        unpacked = cell.unpack_weights(packed)
        p = cell.prefix
        assert sorted(unpacked) == sorted(['other'] + ['%s%s%s_%s' % (p, g, gate, k)
                                                        for g in ('i2h', 'h2h') for gate in gates
                                                        for k in ('weight', 'bias')])
        back = cell.pack_weights(unpacked)
        assert sorted(back) == sorted(packed)
        for name in packed:
            np.testing.assert_array_equal(back[name], packed[name])
        assert unpacked['%si2h%s_weight' % (p, gates[-1])].shape == (H, I)


def test_containers_unpack_pack_and_set_weights_unpacked():
    stack = rnn.SequentialRNNCell()
    stack.add(rnn.LSTMCell(H, prefix='a_'))
    stack.add(rnn.DropoutCell(0.3))
    stack.add(rnn.ResidualCell(rnn.GRUCell(H, prefix='b_')))
    stack.initialize(input_size=I, seed=4)
    packed = stack.get_weights()
    unpacked = stack.unpack_weights(packed)
    assert 'a_i2h_f_weight' in unpacked and 'b_h2h_o_bias' in unpacked
    other = rnn.SequentialRNNCell()
    other.add(rnn.LSTMCell(H, prefix='a_'))
    other.add(rnn.DropoutCell(0.3))
    other.add(rnn.ResidualCell(rnn.GRUCell(H, prefix='b_')))
    other.set_weights(unpacked)                  # unpacked names are packed first
    x = _x(dtype=np.float32)
    np.testing.assert_array_equal(stack.unroll(T, x, merge_outputs=True)[0],
                                  other.unroll(T, x, merge_outputs=True)[0])


def test_sequential_equals_gluon_stack_and_states():
    # legacy.sequential.{add,feed,output,states}
    l1, g1 = _pair('lstm')
    l2, g2 = _pair('gru', inputs=H, prefix='gru2_')
    stack = rnn.SequentialRNNCell()
    stack.add(l1)
    stack.add(l2)
    gstack = grnn.SequentialRNNCell(prefix='s_')
    gstack.add(g1)
    gstack.add(g2)
    x = _x()
    out, states = stack.unroll(T, x, merge_outputs=True)
    gout, gstates = gstack.unroll(T, x, merge_outputs=True)
    np.testing.assert_array_equal(out, gout)
    assert len(states) == 2 and len(states[0]) == 2 and len(states[1]) == 1
    flat = states[0] + states[1]
    for a, b in zip(flat, gstates):
        np.testing.assert_array_equal(a, b)
    # stepping uses the flat form, and a nested list is accepted as begin_state too
    assert len(stack.begin_state()) == 3 and len(stack.state_info) == 3
    step_out, step_states = stack(x[:, 0], stack.begin_state())
    assert len(step_states) == 3
    again, _ = stack.unroll(T, x, begin_state=states, merge_outputs=True)
    again_flat, _ = stack.unroll(T, x, begin_state=flat, merge_outputs=True)
    np.testing.assert_array_equal(again, again_flat)


def test_bidirectional():
    # legacy.bidirectional.{mixed_cells,output_width,concat,states,no_step,roles}
    lc, gl = _pair('lstm', prefix='l_')
    rc, gr = _pair('gru', prefix='r_')
    bi = rnn.BidirectionalCell(lc, rc)
    gbi = grnn.BidirectionalCell(gl, gr)
    x = _x()
    out, states = bi.unroll(T, x, merge_outputs=True)
    gout, gstates = gbi.unroll(T, x, merge_outputs=True)
    np.testing.assert_array_equal(out, gout)
    assert out.shape == (N, T, 2 * H)
    assert len(states) == 2 and len(states[0]) == 2 and len(states[1]) == 1
    fwd, _ = lc.unroll(T, x, merge_outputs=True)
    np.testing.assert_array_equal(out[..., :H], fwd)
    bwd, _ = rc.unroll(T, x[:, ::-1].copy(), merge_outputs=True)
    np.testing.assert_array_equal(out[..., H:], bwd[:, ::-1])
    with pytest.raises(NotImplementedError, match='unroll'):
        bi(x[:, 0], bi.begin_state())
    width = rnn.BidirectionalCell(rnn.LSTMCell(50), rnn.GRUCell(75)).initialize(input_size=I)
    assert width.unroll(T, _x(dtype=np.float32), merge_outputs=True)[0].shape == (N, T, 125)


def test_doc_stack_example():
    # legacy.sequential.example
    stack = rnn.SequentialRNNCell()
    stack.add(rnn.BidirectionalCell(rnn.LSTMCell(num_hidden=50), rnn.LSTMCell(num_hidden=50)))
    stack.add(rnn.DropoutCell(0.5))
    stack.add(rnn.LSTMCell(num_hidden=50))
    stack.initialize(seed=0)
    outputs, states = stack.unroll(T, _x(dtype=np.float32), merge_outputs=True)
    assert outputs.shape == (N, T, 50) and len(states) == 3


def test_dropout_cell():
    # legacy.dropout.{input,meaning}
    cell = rnn.DropoutCell(0.5)
    x = np.ones((200, 50), np.float32)
    out, states = cell(x, [])
    assert out is x or np.array_equal(out, x)           # not training: identity
    out, _ = cell(x, [], training=True, seed=3)
    assert set(np.unique(out).tolist()) <= {0.0, 2.0}
    assert 0.4 < (out == 0).mean() < 0.6
    seq, _ = cell.unroll(T, np.ones((N, T, I), np.float32), merge_outputs=True, training=True,
                         seed=1)
    assert seq.shape == (N, T, I)


def test_zoneout_equals_gluon_zoneout():
    # legacy.zoneout.{unroll,rates}
    lc, gc = _pair('lstm')
    z = rnn.ZoneoutCell(lc, zoneout_outputs=0.3, zoneout_states=0.5)
    gz = grnn.ZoneoutCell(gc, zoneout_outputs=0.3, zoneout_states=0.5)
    x = _x()
    with train_mode(seed=11):
        out, st = z.unroll(T, x, merge_outputs=True)
    with train_mode(seed=11):
        gout, gst = gz.unroll(T, x, merge_outputs=True)
    np.testing.assert_array_equal(out, gout)
    plain, _ = z.unroll(T, x, merge_outputs=True)               # not training: base cell
    base = rnn.LSTMCell(H, prefix='lstm_')
    base.set_weights(lc.get_weights())
    np.testing.assert_array_equal(plain, base.unroll(T, x, merge_outputs=True)[0])
    with pytest.raises(InvalidArgumentError, match='modifier'):
        lc.unroll(T, x)
    with pytest.raises(InvalidArgumentError):
        rnn.ZoneoutCell(rnn.BidirectionalCell(rnn.LSTMCell(2), rnn.LSTMCell(2)))


def test_residual():
    # legacy.residual.{sum,unroll}
    cell = rnn.LSTMCell(I, prefix='res_').initialize(input_size=I, seed=5)
    weights = cell.get_weights()
    res = rnn.ResidualCell(cell)
    x = _x(dtype=np.float32)
    out, _ = res.unroll(T, x, merge_outputs=True)
    base = rnn.LSTMCell(I, prefix='res_').set_weights(weights)
    np.testing.assert_allclose(out, base.unroll(T, x, merge_outputs=True)[0] + x, rtol=0,
                               atol=0)
    step, _ = res(x[:, 0], res.begin_state())
    np.testing.assert_array_equal(step, out[:, 0])


def test_reset_and_name_collisions():
    cell = rnn.LSTMCell(2)
    cell.reset()
    assert cell._counter == -1
    bi = rnn.BidirectionalCell(rnn.LSTMCell(2), rnn.LSTMCell(2))    # both named 'lstm_'
    bi.initialize(input_size=3)
    with pytest.raises(InvalidArgumentError, match='distinct prefixes'):
        bi.get_weights()


def test_containers_read_none_as_zero_states():
    from fusedrnn import legacy
    stack = legacy.SequentialRNNCell()
    stack.add(legacy.LSTMCell(4, prefix='a_'))
    stack.add(legacy.GRUCell(3, prefix='b_'))
    stack.initialize(input_size=2, seed=1)
    x = np.random.default_rng(0).uniform(-1, 1, (5, 2)).astype(np.float32)
    zeros = [np.zeros(info['shape'][:0] + (5,) + info['shape'][1:], np.float32)
             for info in stack.state_info]
    out_none, states_none = stack(x, None)
    out_zero, states_zero = stack(x, zeros)
    np.testing.assert_array_equal(out_none, out_zero)
    for a, b in zip(states_none, states_zero):
        np.testing.assert_array_equal(a, b)


def test_rnnparams_get_attr_names_the_replacement():
    from fusedrnn import legacy
    with pytest.raises(NotImplementedError, match='pass Parameter arguments'):
        legacy.RNNParams('x_').get('w', attr={'k': 'v'})
