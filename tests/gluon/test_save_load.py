"""Saving and loading parameters: Block.save_parameters/load_parameters, ParameterDict.save/load.

The file is MXNet 1.x's NDArray list (docs/parameter-files.md). The fixtures in
tests/fixtures/mxnet were written by real MXNet 1.9.1 (manifest.json says how).
"""
import contextvars
import json
import os
import pathlib
import re
import warnings

import numpy as np
import pytest

from fusedrnn import mxnet_format
from fusedrnn.gluon import Block, InvalidArgumentError, DeferredInitializationError, rnn
from mxnet_cells import BUILDERS

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / 'tests' / 'fixtures' / 'mxnet'
MANIFEST = json.loads((FIXTURES / 'manifest.json').read_text())
RNG = np.random.default_rng(7070)
CLASSES = {'RNN': rnn.RNN, 'LSTM': rnn.LSTM, 'GRU': rnn.GRU}


def fresh(fn, *args, **kwargs):
    """Run fn in an empty context, so the per-context name counters start at 0."""
    return contextvars.Context().run(fn, *args, **kwargs)


def _filled(layer, seed=0):
    rng = np.random.default_rng(seed)
    layer.initialize()
    for p in layer.collect_params().values():
        p.set_data(rng.uniform(-0.5, 0.5, size=p.shape))
    return layer


def _values(layer):
    return {k: p.data().copy() for k, p in layer._collect_params_with_prefix().items()}


# -- round trips ----------------------------------------------------------------------------

KINDS = {
    'rnn_relu': lambda dt, **kw: rnn.RNN(5, 2, dtype=dt, **kw),
    'rnn_tanh_bi': lambda dt, **kw: rnn.RNN(5, 1, 'tanh', bidirectional=True, dtype=dt, **kw),
    'lstm': lambda dt, **kw: rnn.LSTM(4, 3, dtype=dt, **kw),
    'lstm_bi': lambda dt, **kw: rnn.LSTM(4, 2, bidirectional=True, dtype=dt, **kw),
    'lstm_proj_bi': lambda dt, **kw: rnn.LSTM(6, 2, bidirectional=True, projection_size=2,
                                              dtype=dt, **kw),
    'gru': lambda dt, **kw: rnn.GRU(5, 1, dtype=dt, **kw),
    'gru_bi_ntc': lambda dt, **kw: rnn.GRU(3, 2, bidirectional=True, layout='NTC', dtype=dt,
                                           **kw),
}


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('kind', list(KINDS))
def test_round_trip(kind, dtype, tmp_path):
    src = _filled(KINDS[kind](dtype, input_size=3), seed=1)
    path = tmp_path / 'p.params'
    src.save_parameters(str(path))
    # the target has a deferred input size and was never initialised
    dst = KINDS[kind](dtype)
    dst.load_parameters(str(path))
    want, got = _values(src), _values(dst)
    assert list(got) == list(want)
    for name in want:
        assert got[name].dtype == np.dtype(dtype)
        np.testing.assert_array_equal(got[name], want[name])
    assert repr(dst) == repr(src)
    x = RNG.normal(size=(4, 2, 3) if src._layout == 'TNC' else (2, 4, 3)).astype(dtype)
    states = [RNG.normal(size=i['shape']).astype(dtype) for i in src.state_info(2)]
    out_a, st_a = src(x, states)
    out_b, st_b = dst(x, states)
    np.testing.assert_array_equal(out_a, out_b)
    for a, b in zip(st_a, st_b):
        np.testing.assert_array_equal(a, b)


def test_structural_names_in_the_file(tmp_path):
    bi = _filled(rnn.LSTM(3, 2, bidirectional=True, projection_size=2, input_size=2))
    bi.save_parameters(tmp_path / 'bi.params')
    names = list(mxnet_format.load(tmp_path / 'bi.params'))
    assert names[:5] == ['_unfused.0.l_cell.i2h_weight', '_unfused.0.l_cell.h2h_weight',
                         '_unfused.0.l_cell.i2h_bias', '_unfused.0.l_cell.h2h_bias',
                         '_unfused.0.l_cell.h2r_weight']
    assert names[5] == '_unfused.0.r_cell.i2h_weight' and len(names) == 20
    uni = _filled(rnn.GRU(3, 2, input_size=2))
    uni.save_parameters(tmp_path / 'uni.params')
    assert list(mxnet_format.load(tmp_path / 'uni.params')) == [
        '_unfused.%d.%s' % (l, k) for l in range(2)
        for k in ('i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias')]


@pytest.mark.parametrize('bidirectional', [False, True])
def test_twelve_layers(bidirectional, tmp_path):
    # MXNet 1.9.1 fails to save from 11 layers on (reference-behaviour §12.6); we do not.
    src = _filled(rnn.LSTM(2, 12, bidirectional=bidirectional, input_size=2, dtype='float64'))
    src.save_parameters(tmp_path / 'deep.params')
    saved = mxnet_format.load(tmp_path / 'deep.params')
    assert len(saved) == 12 * 4 * (2 if bidirectional else 1)
    last = '_unfused.11.r_cell.h2h_bias' if bidirectional else '_unfused.11.h2h_bias'
    assert list(saved)[-1] == last
    dst = rnn.LSTM(2, 12, bidirectional=bidirectional, dtype='float64')
    dst.load_parameters(tmp_path / 'deep.params')
    for name, value in _values(src).items():
        np.testing.assert_array_equal(_values(dst)[name], value)
    x = RNG.normal(size=(3, 2, 2))
    np.testing.assert_array_equal(src(x), dst(x))


def test_loading_into_an_initialised_layer_writes_in_place(tmp_path):
    src = _filled(rnn.GRU(3, input_size=2), seed=3)
    src.save_parameters(tmp_path / 'g.params')
    dst = rnn.GRU(3, input_size=2)
    dst.initialize()
    held = dst.l0_h2h_weight.data()
    dst.load_parameters(tmp_path / 'g.params')
    assert dst.l0_h2h_weight.data() is held
    np.testing.assert_array_equal(held, src.l0_h2h_weight.data())


def test_nested_block_names_and_pathlike(tmp_path):
    class Net(Block):
        def __init__(self):
            super().__init__()
            with self.name_scope():
                self.encoder = rnn.LSTM(3, bidirectional=True, input_size=2)
                self.decoder = rnn.GRU(2, input_size=6)

    src = fresh(Net)
    _filled(src)
    path = tmp_path / 'net.params'
    src.save_parameters(path)
    names = list(mxnet_format.load(path))
    assert names[0] == 'encoder._unfused.0.l_cell.i2h_weight'
    assert names[-1] == 'decoder._unfused.0.h2h_bias' and len(names) == 12
    dst = fresh(Net)
    dst.load_parameters(path)
    np.testing.assert_array_equal(dst.decoder.l0_i2h_bias.data(), src.decoder.l0_i2h_bias.data())


def test_deduplicate_shared_parameters(tmp_path):
    class Twin(Block):
        def __init__(self):
            super().__init__()
            with self.name_scope():
                self.a = rnn.GRU(3, input_size=2)
                self.b = rnn.GRU(3, input_size=2, params=self.a.params)

    src = fresh(Twin)
    assert src.a.l0_i2h_weight is src.b.l0_i2h_weight
    _filled(src)
    src.save_parameters(tmp_path / 'all.params')
    src.save_parameters(tmp_path / 'dedup.params', deduplicate=True)
    assert len(mxnet_format.load(tmp_path / 'all.params')) == 8
    dedup = mxnet_format.load(tmp_path / 'dedup.params')
    # like Gluon: each shared parameter once, under the last name it is known by
    assert list(dedup) == ['b._unfused.0.i2h_weight', 'b._unfused.0.h2h_weight',
                           'b._unfused.0.i2h_bias', 'b._unfused.0.h2h_bias']
    dst = fresh(Twin)
    dst.load_parameters(tmp_path / 'dedup.params')   # one alias per parameter is enough
    np.testing.assert_array_equal(dst.a.l0_h2h_weight.data(), src.a.l0_h2h_weight.data())


def test_saving_uninitialised_parameters_fails_and_writes_nothing(tmp_path):
    layer = rnn.LSTM(3)
    layer.initialize()                 # deferred: input size unknown
    with pytest.raises(DeferredInitializationError):
        layer.save_parameters(tmp_path / 'x.params')
    with pytest.raises(RuntimeError, match='has not been initialized'):
        rnn.LSTM(3, input_size=2).save_parameters(tmp_path / 'x.params')
    assert not (tmp_path / 'x.params').exists()


# -- MXNet 1.9.1 fixtures -------------------------------------------------------------------

LAYER_CASES = [c for c in MANIFEST['cases']
               if c['kind'] in ('layer', 'unfused') and c.get('ok')]


def _fused_file(case):
    return case['fused_params_file'] if case['kind'] == 'unfused' else case['params_file']


def _fused_saved(case):
    return case['fused_saved_params'] if case['kind'] == 'unfused' else case['saved_params']


def _build(case, **override):
    kwargs = dict(case['kwargs'], **override)
    return CLASSES[case['class']](*case['args'], **kwargs)


@pytest.mark.parametrize('case', LAYER_CASES, ids=[c['name'] for c in LAYER_CASES])
def test_mxnet_fixture_loads_and_reproduces_outputs(case):
    layer = _build(case)
    layer.load_parameters(str(FIXTURES / _fused_file(case)))
    z = np.load(FIXTURES / case['npz'])
    states = [z['state_h']] + ([z['state_c']] if case['class'] == 'LSTM' else [])
    out, new_states = layer(z['data'], states)
    tol = 1e-12 if case['dtype'] == 'float64' else 1e-5
    if case['class'] == 'RNN' and case['kwargs'].get('activation', 'relu') == 'relu':
        tol = 1e-7   # MXNet's CPU kernel rounds rnn_relu to float32 even in float64 (§7)
    assert out.dtype == np.dtype(case['dtype'])
    np.testing.assert_allclose(out, z['output'], rtol=0, atol=tol)
    np.testing.assert_allclose(new_states[0], z['out_h'], rtol=0, atol=tol)
    if case['class'] == 'LSTM':
        np.testing.assert_allclose(new_states[1], z['out_c'], rtol=0, atol=tol)
    if 'params_flat' in z.files:         # the very vector MXNet handed to its operator
        np.testing.assert_array_equal(layer._flat_params(), z['params_flat'])


@pytest.mark.parametrize('case', LAYER_CASES, ids=[c['name'] for c in LAYER_CASES])
def test_resaving_an_mxnet_fixture_is_byte_identical(case, tmp_path):
    fixture = FIXTURES / _fused_file(case)
    layer = _build(case, input_size=0)   # shapes come from the file
    layer.load_parameters(fixture)
    layer.save_parameters(tmp_path / 'again.params')
    assert (tmp_path / 'again.params').read_bytes() == fixture.read_bytes()
    # and what we write is what the manifest says MXNet wrote
    saved = mxnet_format.load(tmp_path / 'again.params')
    assert [(k, list(v.shape), v.dtype.name) for k, v in saved.items()] == \
        [(r['name'], r['shape'], r['dtype']) for r in _fused_saved(case)]


def test_fixture_with_cast_dtype():
    case = next(c for c in LAYER_CASES if c['name'] == 'lstm_l2_bi_f64')
    path = FIXTURES / case['params_file']
    layer = _build(case, dtype='float32')
    with pytest.raises(InvalidArgumentError, match='dtype incompatible expected float32 vs '
                                                   'saved float64. Set cast_dtype=True'):
        layer.load_parameters(path)
    layer.load_parameters(path, cast_dtype=True)
    assert layer.l0_i2h_weight.dtype == np.float32
    z = np.load(FIXTURES / case['npz'])
    out, _ = layer(z['data'].astype(np.float32),
                   [z['state_h'].astype(np.float32), z['state_c'].astype(np.float32)])
    np.testing.assert_allclose(out, z['output'], atol=1e-5)
    saved = _build(case, dtype='float32')
    saved.load_parameters(path, cast_dtype=True, dtype_source='saved')
    assert saved.l1_h2h_bias.dtype == np.float64
    assert saved.state_info(3)[0]['dtype'] == 'float64'
    np.testing.assert_allclose(saved(z['data'], [z['state_h'], z['state_c']])[0], z['output'],
                               rtol=0, atol=1e-12)


def test_mxnet_message_for_an_unfused_stack_file():
    # MXNet's own message, recorded by make_fixtures.py, with the file path in it
    case = next(c for c in LAYER_CASES if c['name'] == 'unfused_lstm_l2_bi_f64')
    path = str(FIXTURES / case['params_file'])
    want = case['fused_layer_loads_unfused_stack_file']['message'].replace(
        '<fixtures>/' + case['params_file'], path)
    layer = _build(case)
    layer.initialize()
    with pytest.raises(AssertionError) as info:
        layer.load_parameters(path)
    assert str(info.value) == want


# -- errors -----------------------------------------------------------------------------------

@pytest.fixture
def gru_file(tmp_path):
    src = _filled(rnn.GRU(4, 2, input_size=3, dtype='float64'), seed=5)
    path = tmp_path / 'gru.params'
    src.save_parameters(path)
    return src, str(path)


def test_missing_parameter(gru_file):
    src, path = gru_file
    deeper = rnn.GRU(4, 3, input_size=3, dtype='float64')
    with pytest.raises(InvalidArgumentError) as info:
        deeper.load_parameters(path)
    msg = str(info.value)
    assert msg.startswith("Parameter '_unfused.2.i2h_weight' is missing in file '%s', which "
                          "contains parameters: '_unfused.0.i2h_weight'," % path)
    assert msg.endswith('Set allow_missing=True to ignore missing parameters.')
    assert isinstance(info.value, AssertionError)       # MXNet asserts here
    deeper.initialize()
    deeper.load_parameters(path, allow_missing=True)
    np.testing.assert_array_equal(deeper.l1_h2h_weight.data(), src.l1_h2h_weight.data())


def test_extra_parameter(gru_file):
    src, path = gru_file
    shallow = rnn.GRU(4, 1, input_size=3, dtype='float64')
    with pytest.raises(ValueError) as info:
        shallow.load_parameters(path)
    assert str(info.value) == (
        "Parameter '_unfused.1.i2h_weight' loaded from file '%s' is not present in "
        "ParameterDict, which contains parameters '_unfused.0.i2h_weight', "
        "'_unfused.0.h2h_weight', '_unfused.0.i2h_bias', '_unfused.0.h2h_bias'. "
        "Set ignore_extra=True to ignore." % path)
    shallow.load_parameters(path, ignore_extra=True)
    np.testing.assert_array_equal(shallow.l0_i2h_bias.data(), src.l0_i2h_bias.data())


def test_shape_mismatch_names_parameter_entry_and_file(gru_file):
    _, path = gru_file
    wider = rnn.GRU(5, 2, dtype='float64')
    with pytest.raises(InvalidArgumentError) as info:
        wider.load_parameters(path)
    assert str(info.value) == (
        "Failed loading Parameter '%s' from saved params: shape incompatible expected "
        "(15, 0) vs saved (12, 3) (entry '_unfused.0.i2h_weight' in file '%s')"
        % (wider.l0_i2h_weight.name, path))
    other_input = rnn.GRU(4, 2, input_size=2, dtype='float64')
    with pytest.raises(InvalidArgumentError, match=r'expected \(12, 2\) vs saved \(12, 3\)'):
        other_input.load_parameters(path)


def test_failed_load_changes_nothing(gru_file, tmp_path):
    src, path = gru_file
    arrays = mxnet_format.load(path)
    arrays['_unfused.1.h2h_bias'] = np.zeros(5)           # the last entry is bad
    bad = tmp_path / 'bad.params'
    mxnet_format.save(bad, arrays)
    dst = _filled(rnn.GRU(4, 2, input_size=3, dtype='float64'), seed=9)
    before = _values(dst)
    with pytest.raises(InvalidArgumentError, match='shape incompatible'):
        dst.load_parameters(bad)
    for name, value in _values(dst).items():
        np.testing.assert_array_equal(value, before[name])
    deferred = rnn.GRU(4, 2, dtype='float64')
    with pytest.raises(InvalidArgumentError):
        deferred.load_parameters(bad)
    assert deferred.l0_i2h_weight.shape == (12, 0) and not deferred.l0_i2h_weight.is_initialized


def test_dtype_source_and_unusable_dtypes(gru_file, tmp_path):
    _, path = gru_file
    with pytest.raises(InvalidArgumentError, match="dtype_source must be 'current' or 'saved'"):
        rnn.GRU(4, 2, dtype='float64').load_parameters(path, dtype_source='file')
    half = tmp_path / 'half.params'
    mxnet_format.save(half, {k: v.astype(np.float16)
                             for k, v in mxnet_format.load(path).items()})
    layer = rnn.GRU(4, 2, dtype='float64')
    layer.load_parameters(half, cast_dtype=True)          # 'current': converted to float64
    assert layer.l0_i2h_weight.dtype == np.float64
    with pytest.raises(InvalidArgumentError, match='GRU cannot use dtype float16'):
        rnn.GRU(4, 2).load_parameters(half, cast_dtype=True, dtype_source='saved')


def test_not_a_parameter_file(tmp_path):
    with pytest.raises(InvalidArgumentError, match='unnamed arrays'):
        rnn.GRU(2).load_parameters(FIXTURES / 'unnamed_list.nd')
    junk = tmp_path / 'junk.params'
    junk.write_bytes(b'not an mxnet file at all, just text')
    with pytest.raises(ValueError, match='not an MXNet NDArray file'):
        rnn.GRU(2).load_parameters(junk)
    with pytest.raises(FileNotFoundError):
        rnn.GRU(2).load_parameters(tmp_path / 'absent.params')


# -- legacy names and ParameterDict.save/load -----------------------------------------------

def test_parameter_dict_save_and_load(tmp_path):
    src = fresh(lambda: _filled(rnn.LSTM(3, 2, input_size=2), seed=11))
    full = tmp_path / 'full.params'
    src.collect_params().save(full)
    assert list(mxnet_format.load(full))[:2] == ['lstm0_l0_i2h_weight', 'lstm0_l0_h2h_weight']
    stripped = tmp_path / 'stripped.params'
    src.collect_params().save(stripped, strip_prefix='lstm0_')
    assert list(mxnet_format.load(stripped))[:2] == ['l0_i2h_weight', 'l0_h2h_weight']
    with pytest.raises(ValueError, match="Prefix 'gru0_' is to be striped before saving, but "
                                         "Parameter's name 'lstm0_l0_i2h_weight'"):
        src.collect_params().save(tmp_path / 'no.params', strip_prefix='gru0_')

    dst = rnn.LSTM(3, 2)                 # another prefix (lstm1_ or later)
    dst.collect_params().load(stripped, restore_prefix=dst.prefix)
    for k, v in _values(src).items():
        np.testing.assert_array_equal(_values(dst)[k], v)
    # names without any '.': load_parameters reads them the legacy way
    legacy = rnn.LSTM(3, 2)
    legacy.load_parameters(stripped)
    np.testing.assert_array_equal(legacy.l1_h2h_bias.data(), src.l1_h2h_bias.data())
    # MXNet's 'arg:' tags are dropped
    tagged = tmp_path / 'tagged.params'
    mxnet_format.save(tagged, {'arg:' + k: v for k, v in mxnet_format.load(stripped).items()})
    rnn.LSTM(3, 2).load_parameters(tagged)

    with pytest.raises(AssertionError, match=r"restore_prefix is 'xyz_' but Parameters name"):
        dst.collect_params().load(stripped, restore_prefix='xyz_')
    other = rnn.LSTM(3, 2)
    with pytest.raises(AssertionError) as info:
        other.collect_params().load(full, restore_prefix=other.prefix)
    assert re.match(r"Parameter 'l0_i2h_weight' is missing in file: .*full\.params, which "
                    r"contains parameters: '%slstm0_l0_i2h_weight'," % other.prefix,
                    str(info.value))
    with pytest.raises(AssertionError, match="Parameter 'lstm0_l0_i2h_weight' loaded from "
                                             "file: .* is not present in ParameterDict"):
        other.collect_params().load(full, allow_missing=True)


def test_parameter_load_init_fills_deferred_shape():
    layer = rnn.GRU(2, 1)
    param = layer.l0_i2h_weight
    assert param.shape == (6, 0)
    param._load_init(np.ones((6, 5), np.float32))
    assert param.shape == (6, 5) and param.data().sum() == 30
    with pytest.raises(AssertionError, match='shape incompatible'):
        param._load_init(np.ones((6, 4), np.float32))


def test_deprecated_save_params_and_load_params(tmp_path):
    src = _filled(rnn.RNN(3, input_size=2), seed=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        src.save_params(tmp_path / 'old.params')
        dst = rnn.RNN(3)
        dst.load_params(tmp_path / 'old.params')
    assert len(caught) == 2 and all('deprecated' in str(w.message) for w in caught)
    assert list(mxnet_format.load(tmp_path / 'old.params'))[0] == 'l0_i2h_weight'
    np.testing.assert_array_equal(dst.l0_i2h_weight.data(), src.l0_i2h_weight.data())


# -- the format document ----------------------------------------------------------------------

def test_hexdump_in_the_format_document_is_what_we_write():
    text = (ROOT / 'docs' / 'parameter-files.md').read_text()
    block = re.search(r'<!-- hexdump begin -->\s*```\n(.*?)```', text, re.S).group(1)
    got = bytes.fromhex(''.join(line[10:49] for line in block.splitlines()))
    want = mxnet_format.dumps({'w': np.array([1.0, -2.0], np.float32)})
    assert got == want


# -- cells: MXNet's cell files -------------------------------------------------

CELL_CASES = [c for c in MANIFEST['cases'] if c['kind'] == 'cell' and c.get('ok')]


@pytest.mark.parametrize('case', CELL_CASES, ids=[c['name'] for c in CELL_CASES])
def test_mxnet_cell_fixture_loads_and_reproduces_outputs(case, tmp_path):
    if not hasattr(rnn, 'BidirectionalCell'):
        pytest.skip('fusedrnn.gluon.rnn has no cells yet')
    cell = BUILDERS[case['name']]()
    cell.cast('float64')
    path = FIXTURES / case['params_file']
    cell.load_parameters(path)            # names like 'i2h_weight', '0.i2h_weight', 'l_cell.…'
    z = np.load(FIXTURES / case['npz'])
    begin = [z['state_%d' % i] for i in range(len(case['state_info']))]
    kwargs = {'layout': 'NTC', 'merge_outputs': True, 'begin_state': begin}
    if 'valid_length' in z.files:
        kwargs['valid_length'] = z['valid_length']
    out, states = cell.unroll(case['unroll_kwargs']['length'], z['data'], **kwargs)
    np.testing.assert_allclose(out, z['output'], rtol=0, atol=1e-12)
    for i, s in enumerate(states):
        np.testing.assert_allclose(s, z['out_state_%d' % i], rtol=0, atol=1e-12)
    cell.save_parameters(tmp_path / 'again.params')
    assert (tmp_path / 'again.params').read_bytes() == path.read_bytes()


UNFUSED_CASES = [c for c in MANIFEST['cases'] if c['kind'] == 'unfused' and c.get('ok')]


@pytest.mark.parametrize('case', UNFUSED_CASES, ids=[c['name'] for c in UNFUSED_CASES])
def test_mxnet_unfused_stack_file(case, tmp_path):
    layer = _build(case)
    if not hasattr(layer, 'unfuse'):
        pytest.skip('the fused layers have no unfuse() yet')
    stack = layer.unfuse()
    path = FIXTURES / case['params_file']          # '0.l_cell.i2h_weight', '2.i2h_weight', ...
    stack.load_parameters(path)
    z = np.load(FIXTURES / case['npz'])
    begin = []
    for layer_i in range(case['kwargs']['num_layers']):
        for d in range(2 if case['kwargs'].get('bidirectional') else 1):
            row = layer_i * (2 if case['kwargs'].get('bidirectional') else 1) + d
            begin.append(z['state_h'][row])
            if case['class'] == 'LSTM':
                begin.append(z['state_c'][row])
    out, _ = stack.unroll(z['data'].shape[0], z['data'], begin_state=begin, layout='TNC',
                          merge_outputs=True)
    np.testing.assert_allclose(out, z['output'], rtol=0, atol=1e-12)
    stack.save_parameters(tmp_path / 'again.params')
    assert (tmp_path / 'again.params').read_bytes() == path.read_bytes()
    # each block refuses the other's file with MXNet's own message
    want = case['unfused_stack_loads_fused_layer_file']['message'].replace(
        '<fixtures>/' + case['fused_params_file'], str(FIXTURES / case['fused_params_file']))
    with pytest.raises(AssertionError) as info:
        _build(case).unfuse().load_parameters(str(FIXTURES / case['fused_params_file']))
    assert str(info.value) == want
