"""Cases where MXNet 1.9.1's docs and code disagree (reference-behaviour §12); the code wins."""
import threading

import numpy as np

from fusedrnn.gluon import rnn


def test_s12_1_lstm_i2h_bias_default_is_zeros_not_lstmbias():
    layer = rnn.LSTM(3, input_size=2)
    layer.initialize()
    assert not layer.l0_i2h_bias.data().any()


def test_s12_2_rnn_layer_activation_defaults_to_relu():
    layer = rnn.RNN(3, input_size=2)
    assert layer._mode == 'rnn_relu'
    layer.initialize(init='ones')
    out = layer(np.full((1, 1, 2), -5.0, np.float32))   # all pre-activations negative
    assert np.all(out == 0)


def test_s12_3_projected_lstm_h_state_has_projection_size():
    layer = rnn.LSTM(6, 2, bidirectional=True, projection_size=2, input_size=3)
    assert [i['shape'] for i in layer.state_info(4)] == [(4, 4, 2), (4, 4, 6)]
    layer.initialize(seed=0)
    out, (h, c) = layer(np.ones((3, 4, 3), np.float32), layer.begin_state(4))
    assert out.shape == (3, 4, 4) and h.shape == (4, 4, 2) and c.shape == (4, 4, 6)


def test_s12_6_structural_names_work_for_ten_or_more_layers():
    layer = rnn.GRU(2, 11, input_size=2)
    names = layer._collect_params_with_prefix()
    assert names['_unfused.10.i2h_weight'] is layer.l10_i2h_weight
    assert len(names) == 44
    bi = rnn.LSTM(2, 1, bidirectional=True, projection_size=1, input_size=2)
    names = bi._collect_params_with_prefix('enc')
    assert names['enc._unfused.0.r_cell.h2r_weight'] is bi.r0_h2r_weight
    assert names['enc._unfused.0.l_cell.i2h_bias'] is bi.l0_i2h_bias


def test_name_counters_are_per_thread():
    # MXNet keeps its automatic-name counters per thread; so do we.
    got = []
    t = threading.Thread(target=lambda: got.append(rnn.GRU(2).prefix))
    t.start()
    t.join()
    assert got == ['gru0_']
