"""Cells and unfused stacks against real MXNet 1.9.1 (tests/fixtures/mxnet).

Each cell case is rebuilt with the same constructor, its parameters loaded
from the `.params` file MXNet's ``save_parameters`` wrote (names by
attribute path, e.g. ``0.i2h_weight``), unrolled exactly as MXNet was, and
compared with the stored outputs and states.
"""
import json
import os

import numpy as np
import pytest

from fusedrnn import mxnet_format
from fusedrnn.gluon import rnn
from mxnet_cells import BUILDERS

HERE = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'fixtures', 'mxnet')
with open(os.path.join(HERE, 'manifest.json'), encoding='utf-8') as fh:
    MANIFEST = json.load(fh)
CASES = {c['name']: c for c in MANIFEST['cases']}


def _load_into(block, path):
    saved = mxnet_format.load(path)
    params = block._collect_params_with_prefix()
    assert sorted(saved) == sorted(params)
    for name, arr in saved.items():
        params[name].set_data(arr)


@pytest.mark.parametrize('name', sorted(BUILDERS))
def test_cell_matches_mxnet(name):
    case = CASES[name]
    assert case['ok']
    cell = BUILDERS[name]()
    cell.cast(case['dtype'])
    assert repr(cell) == case['repr']
    assert [(k, list(p.shape)) for k, p in cell.collect_params().items()] == \
        [(p['key'], p['shape']) for p in case['collect_params']]
    assert [dict(d, shape=list(d['shape'])) for d in cell.state_info(3)] == case['state_info']
    cell.initialize()
    _load_into(cell, os.path.join(HERE, case['params_file']))
    arrays = np.load(os.path.join(HERE, case['npz']))
    n_states = len(case['state_info'])
    begin = [arrays['state_%d' % i] for i in range(n_states)]
    kw = case['unroll_kwargs']
    vl = arrays['valid_length'] if kw['valid_length'] else None
    out, states = cell.unroll(kw['length'], arrays['data'], begin_state=begin,
                              layout=kw['layout'], merge_outputs=kw['merge_outputs'],
                              valid_length=vl)
    np.testing.assert_allclose(out, arrays['output'], rtol=0, atol=1e-13)
    assert len(states) == n_states
    for i, s in enumerate(states):
        np.testing.assert_allclose(s, arrays['out_state_%d' % i], rtol=0, atol=1e-13)


@pytest.mark.parametrize('name', ['cell_lstm_valid_length', 'cell_bidirectional_lstm_valid_length'])
def test_valid_length_fixture_with_nan_padding(name):
    """The MXNet case again with NaN written into every padded step."""
    case = CASES[name]
    cell = BUILDERS[name]()
    cell.cast('float64')
    cell.initialize()
    _load_into(cell, os.path.join(HERE, case['params_file']))
    arrays = np.load(os.path.join(HERE, case['npz']))
    x = arrays['data'].copy()
    vl = arrays['valid_length'].astype(int)
    for n, length in enumerate(vl):
        x[n, length:] = np.nan
    begin = [arrays['state_%d' % i] for i in range(len(case['state_info']))]
    out, states = cell.unroll(5, x, begin_state=begin, layout='NTC', merge_outputs=True,
                              valid_length=arrays['valid_length'])
    assert not np.isnan(out).any()
    np.testing.assert_allclose(out, arrays['output'], rtol=0, atol=1e-13)
    for i, s in enumerate(states):
        np.testing.assert_allclose(s, arrays['out_state_%d' % i], rtol=0, atol=1e-13)


def test_reprs_of_manifest():
    reprs = MANIFEST['reprs']
    assert repr(rnn.RNNCell(6)) == reprs['RNNCell(6)']
    assert repr(rnn.RNNCell(6, activation='relu', input_size=4)) == \
        reprs["RNNCell(6, activation='relu', input_size=4)"]
    assert repr(rnn.LSTMCell(6, input_size=4)) == reprs['LSTMCell(6, input_size=4)']
    assert repr(rnn.GRUCell(6)) == reprs['GRUCell(6)']
    assert repr(rnn.DropoutCell(0.5)) == reprs['DropoutCell(0.5)']
    assert repr(rnn.ZoneoutCell(rnn.LSTMCell(6), 0.1, 0.2)) == \
        reprs['ZoneoutCell(LSTMCell(6), 0.1, 0.2)']
    assert repr(rnn.ResidualCell(rnn.GRUCell(6))) == reprs['ResidualCell(GRUCell(6))']


# ---- unfuse ---------------------------------------------------------------------------------

LAYERS = {'LSTM': rnn.LSTM, 'GRU': rnn.GRU, 'RNN': rnn.RNN}


@pytest.mark.parametrize('name', ['unfused_lstm_l2_bi_f64', 'unfused_gru_l3_dropout_f64'])
def test_unfuse_matches_mxnet(name):
    case = CASES[name]
    layer = LAYERS[case['class']](*case['args'], **case['kwargs'])
    stack = layer.unfuse()
    assert repr(stack) == case['unfused_repr']
    prefix = layer.prefix
    keys = [k[len(prefix):] for k in stack.collect_params()]
    assert keys == [p['key'].split('_', 1)[1] for p in case['unfused_collect_params']]
    assert sorted(stack._collect_params_with_prefix()) == \
        sorted(p['name'] for p in case['saved_params'])
    assert [dict(d, shape=list(d['shape'])) for d in stack.state_info(3)] == \
        case['unfused_state_info']
    layer.initialize()
    _load_into(stack, os.path.join(HERE, case['params_file']))
    arrays = np.load(os.path.join(HERE, case['npz']))
    # the stack shares the layer's arrays: the fused layer now holds MXNet's weights
    states = [arrays['state_h']] + ([arrays['state_c']] if 'state_c' in arrays else [])
    out, new_states = layer(arrays['data'], states)
    np.testing.assert_allclose(out, arrays['output'], rtol=0, atol=1e-13)
    # the unfused stack with zero begin states equals the fused layer with zeros
    zeros = [np.zeros_like(s) for s in states]
    fused0 = layer(arrays['data'], zeros)[0]
    unfused0, _ = stack.unroll(5, arrays['data'], layout='TNC', merge_outputs=True)
    np.testing.assert_allclose(unfused0, fused0, rtol=0, atol=1e-12)
