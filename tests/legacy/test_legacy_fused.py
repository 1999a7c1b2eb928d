"""FusedRNNCell: unroll = fusedrnn.rnn on the packed vector = its unfuse() stack; pack/unpack."""
import itertools

import numpy as np
import pytest

import fusedrnn
from fusedrnn import legacy as rnn
from fusedrnn.gluon.errors import InvalidArgumentError
from fusedrnn.gluon.mode import derive_seed

RNG = np.random.default_rng(99)
N, T, I, H = 3, 5, 4, 6
MODES = ('lstm', 'gru', 'rnn_tanh', 'rnn_relu')
GATES = {'lstm': ['_i', '_f', '_c', '_o'], 'gru': ['_r', '_z', '_o'], 'rnn_tanh': [''],
         'rnn_relu': ['']}
CONFIGS = list(itertools.product(MODES, (1, 2, 3), (False, True)))


def _fused(mode, layers, bidir, **kw):
    cell = rnn.FusedRNNCell(H, num_layers=layers, mode=mode, bidirectional=bidir,
                            get_next_state=True, **kw)
    size = fusedrnn.rnn_param_size(I, H, layers, mode, bidir)
    flat = RNG.uniform(-0.5, 0.5, size)
    cell.set_weights({cell.prefix + 'parameters': flat})
    return cell, flat


@pytest.mark.parametrize('mode,layers,bidir', CONFIGS)
def test_unpack_names_and_roundtrip(mode, layers, bidir):
    # legacy.fused.unpack.{name_pattern,gate_suffixes.*}, legacy.fused.pack.roundtrip,
    # legacy.fused.params.unfused_shapes
    cell = rnn.FusedRNNCell(H, num_layers=layers, mode=mode, bidirectional=bidir)
    size = fusedrnn.rnn_param_size(I, H, layers, mode, bidir)
    for dtype in (np.float32, np.float64):
        flat = RNG.standard_normal(size).astype(dtype)
        args = {mode + '_parameters': flat, 'unrelated': np.ones(2)}
        unpacked = cell.unpack_weights(args)
        expected = {'unrelated'}
        dirs = 'lr' if bidir else 'l'
        for layer, d, group, gate, kind in itertools.product(
                range(layers), dirs, ('i2h', 'h2h'), GATES[mode], ('weight', 'bias')):
            expected.add('%s_%s%d_%s%s_%s' % (mode, d, layer, group, gate, kind))
        assert set(unpacked) == expected
        for name, arr in unpacked.items():
            if name == 'unrelated':
                continue
            if name.endswith('_bias'):
                assert arr.shape == (H,)
            elif '_h2h' in name:
                assert arr.shape == (H, H)
            else:
                layer = int(name[len(mode) + 2:].split('_')[0])
                width = I if layer == 0 else H * len(dirs)
                assert arr.shape == (H, width)
            assert arr.dtype == dtype
        packed = cell.pack_weights(unpacked)
        assert set(packed) == {mode + '_parameters', 'unrelated'}
        assert packed[mode + '_parameters'].dtype == dtype
        assert packed[mode + '_parameters'].tobytes() == flat.tobytes()


def test_gate_rows_follow_operator_layout():
    # LSTM rows i, f, c(g), o; GRU r, z, o(new) -- disc.legacy_gru_new_gate_suffix
    for mode in ('lstm', 'gru'):
        cell = rnn.FusedRNNCell(H, mode=mode)
        size = fusedrnn.rnn_param_size(I, H, 1, mode)
        flat = np.arange(size, dtype=np.float64)
        unpacked = cell.unpack_weights({mode + '_parameters': flat})
        pieces = fusedrnn.unpack_params(flat, input_size=I, state_size=H, num_layers=1,
                                        mode=mode)
        for g, gate in enumerate(GATES[mode]):
            np.testing.assert_array_equal(unpacked['%s_l0_i2h%s_weight' % (mode, gate)],
                                          pieces['l0_i2h_weight'][g * H:(g + 1) * H])
            np.testing.assert_array_equal(unpacked['%s_l0_h2h%s_bias' % (mode, gate)],
                                          pieces['l0_h2h_bias'][g * H:(g + 1) * H])


@pytest.mark.parametrize('mode,layers,bidir', CONFIGS)
def test_unroll_equals_operator_and_unfuse(mode, layers, bidir):
    # legacy.fused.unfuse(.equivalent), legacy.fused.params.interchange, get_next_state
    cell, flat = _fused(mode, layers, bidir)
    x = RNG.standard_normal((N, T, I))
    out, states = cell.unroll(T, x)
    assert isinstance(out, np.ndarray) and out.shape == (N, T, H * (2 if bidir else 1))
    ref = fusedrnn.rnn(x, flat, state_size=H, num_layers=layers, mode=mode,
                       bidirectional=bidir, layout='NTC', state_outputs=True)
    np.testing.assert_array_equal(out, ref[0])
    assert len(states) == len(ref) - 1
    for a, b in zip(states, ref[1:]):
        np.testing.assert_array_equal(a, b)

    stack = cell.unfuse()
    assert isinstance(stack, rnn.SequentialRNNCell) and len(stack) == layers
    sout, _ = stack.unroll(T, x, merge_outputs=True)
    np.testing.assert_allclose(sout, out, rtol=1e-12, atol=1e-12)

    # the documented conversion route, on a fresh stack
    fresh = rnn.FusedRNNCell(H, num_layers=layers, mode=mode, bidirectional=bidir).unfuse()
    fresh.set_weights(fresh.pack_weights(cell.unpack_weights(cell.get_weights())))
    np.testing.assert_allclose(fresh.unroll(T, x, merge_outputs=True)[0], out,
                               rtol=1e-12, atol=1e-12)
    # and back: the stack's weights packed into the fused vector are the same bits
    back = cell.pack_weights(fresh.unpack_weights(fresh.get_weights()))
    assert back[mode + '_parameters'].tobytes() == flat.tobytes()
    if not bidir and layers == 1:
        # the unfused stack can be stepped (legacy.fused.unfuse.steppable)
        step, _ = stack(x[:, 0], stack.begin_state())
        np.testing.assert_allclose(step, out[:, 0], rtol=1e-12, atol=1e-12)


def test_unfuse_structure():
    # legacy.fused.unfuse (mirrors the settings), names as in the doc
    cell = rnn.FusedRNNCell(50, num_layers=3, mode='lstm', bidirectional=True, dropout=0.5)
    stack = cell.unfuse()
    kinds = [type(c).__name__ for c in stack]
    assert kinds == ['BidirectionalCell', 'DropoutCell', 'BidirectionalCell', 'DropoutCell',
                     'BidirectionalCell']
    stack.initialize(input_size=I)
    names = set(stack.get_weights())
    for name in ('lstm_l0_i2h_weight', 'lstm_l0_i2h_bias', 'lstm_l0_h2h_weight',
                 'lstm_l0_h2h_bias', 'lstm_r0_i2h_weight', 'lstm_r2_h2h_bias'):
        assert name in names
    gru = rnn.FusedRNNCell(4, mode='rnn_relu').unfuse()
    assert gru[0]._activation == 'relu' and gru[0].prefix == 'rnn_relu_l0_'


def test_doc_example_shape_and_merge_false():
    # legacy.fused.example, legacy.fused.bidirectional.width
    cell = rnn.FusedRNNCell(num_hidden=50, num_layers=3, mode='lstm', bidirectional=True,
                            dropout=0.5)
    cell.initialize(seed=1)
    x = RNG.standard_normal((N, T, I)).astype(np.float32)
    outputs, states = cell.unroll(T, x, merge_outputs=True)
    assert outputs.shape == (N, T, 100) and states == []     # get_next_state=False
    listed, _ = cell.unroll(T, [x[:, t] for t in range(T)], merge_outputs=False)
    assert len(listed) == T
    np.testing.assert_array_equal(np.stack(listed, axis=1), outputs)
    tnc, _ = cell.unroll(T, np.ascontiguousarray(x.transpose(1, 0, 2)), layout='TNC',
                         merge_outputs=True)
    np.testing.assert_allclose(tnc.transpose(1, 0, 2), outputs, rtol=1e-6, atol=1e-6)


def test_dropout_between_layers_only_in_training():
    # legacy.fused.dropout.{between_layers,single_layer}
    x = RNG.standard_normal((N, T, I))
    one, flat1 = _fused('lstm', 1, False, dropout=0.5)
    a = one.unroll(T, x)[0]
    b = one.unroll(T, x, training=True, seed=5)[0]
    np.testing.assert_array_equal(a, b)
    two, flat2 = _fused('lstm', 2, False, dropout=0.5)
    c = two.unroll(T, x)[0]
    d = two.unroll(T, x, training=True, seed=5)[0]
    assert not np.array_equal(c, d)
    # a call's seed works as train_mode(seed=5) around it: the op gets derive_seed(5, 0)
    ref = fusedrnn.rnn(x, flat2, state_size=H, num_layers=2, mode='lstm', p=0.5,
                       layout='NTC', training=True, seed=derive_seed(5, 0))
    np.testing.assert_array_equal(d, ref)


def test_forget_bias_in_packed_vector():
    # legacy.fused.default.forget_bias: forget rows of every i2h bias start at forget_bias
    cell = rnn.FusedRNNCell(H, num_layers=2, bidirectional=True, forget_bias=3.0)
    cell.initialize(input_size=I, seed=0)
    unpacked = cell.unpack_weights(cell.get_weights())
    for layer, d in itertools.product(range(2), 'lr'):
        assert unpacked['lstm_%s%d_i2h_f_bias' % (d, layer)].tolist() == [3.0] * H
        assert unpacked['lstm_%s%d_h2h_f_bias' % (d, layer)].tolist() == [0.0] * H
        assert unpacked['lstm_%s%d_i2h_i_bias' % (d, layer)].tolist() == [0.0] * H
        assert np.abs(unpacked['lstm_%s%d_i2h_i_weight' % (d, layer)]).max() > 0
    # the unfused stack starts from the same forget bias
    stack = rnn.FusedRNNCell(H, forget_bias=3.0).unfuse().initialize(input_size=I)
    assert stack.get_weights()['lstm_l0_i2h_bias'][H:2 * H].tolist() == [3.0] * H


def test_cannot_step_and_errors():
    # legacy.fused.no_step
    cell, _ = _fused('gru', 1, False)
    with pytest.raises(NotImplementedError, match='unroll'):
        cell(np.zeros((N, I)), cell.begin_state())
    assert cell.state_info == [{'shape': (1, 0, H), '__layout__': 'LNC'}]
    assert rnn.FusedRNNCell(H, num_layers=2, bidirectional=True).state_shape == \
        [(4, 0, H), (4, 0, H)]
    with pytest.raises(InvalidArgumentError):
        rnn.FusedRNNCell(H, mode='tanh')
    with pytest.raises(InvalidArgumentError):
        cell.unpack_weights({'gru_parameters': np.zeros(7)})
    with pytest.raises(InvalidArgumentError):
        cell.unroll(T, RNG.standard_normal((N, T, I + 1)))
    begin = cell.begin_state(batch_size=N, dtype=np.float64)
    out, st = cell.unroll(T, RNG.standard_normal((N, T, I)), begin_state=begin)
    assert st[0].shape == (1, N, H)


def test_fused_in_a_stack():
    # several one-layer fused cells stacked, as the doc recommends for multi-GPU training
    a, fa = _fused('lstm', 1, False)
    b = rnn.FusedRNNCell(H, prefix='top_', get_next_state=True)
    fb = RNG.uniform(-0.5, 0.5, fusedrnn.rnn_param_size(H, H, 1, 'lstm'))
    b.set_weights({'top_parameters': fb})
    stack = rnn.SequentialRNNCell()
    stack.add(a)
    stack.add(b)
    x = RNG.standard_normal((N, T, I))
    out, states = stack.unroll(T, x, merge_outputs=True)
    mid = fusedrnn.rnn(x, fa, state_size=H, num_layers=1, mode='lstm', layout='NTC')
    np.testing.assert_array_equal(out, fusedrnn.rnn(mid, fb, state_size=H, num_layers=1,
                                                    mode='lstm', layout='NTC'))
    assert len(states) == 2
