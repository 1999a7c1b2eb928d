"""fusedrnn.legacy signatures and defaults against the MXNet 0.10 mxnet.rnn document.

The expectations come from the claims in conformance/claims/legacy.json
(kinds signature/default with ids legacy.<subject>.{position,default,required}.<param>),
so every such claim is checked here.
"""
import ast
import inspect
import json
import pathlib
import re

import pytest

from fusedrnn import legacy as rnn

CLAIMS = json.loads((pathlib.Path(__file__).resolve().parents[2]
                     / 'conformance' / 'claims' / 'legacy.json').read_text())

SUBJECTS = {
    'base': rnn.BaseRNNCell, 'lstm': rnn.LSTMCell, 'gru': rnn.GRUCell, 'rnn': rnn.RNNCell,
    'fused': rnn.FusedRNNCell, 'sequential': rnn.SequentialRNNCell,
    'bidirectional': rnn.BidirectionalCell, 'dropout': rnn.DropoutCell,
    'zoneout': rnn.ZoneoutCell, 'residual': rnn.ResidualCell, 'rnn_params': rnn.RNNParams,
    'bucket_iter': rnn.BucketSentenceIter, 'encode_sentences': rnn.encode_sentences,
}
PATTERN = re.compile(r'^legacy\.([a-z_]+)\.(position|default|required)\.([a-z_]+)$')
PARAM_CLAIMS = [c for c in CLAIMS if PATTERN.match(c['id'])]


def _positional(obj):
    target = obj.__init__ if inspect.isclass(obj) else obj
    params = list(inspect.signature(target).parameters.values())
    if inspect.isclass(obj):
        params = params[1:]                       # self
    return [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def test_every_parameter_claim_has_a_subject():
    assert len(PARAM_CLAIMS) > 80
    assert {PATTERN.match(c['id']).group(1) for c in PARAM_CLAIMS} <= set(SUBJECTS)


@pytest.mark.parametrize('claim', PARAM_CLAIMS, ids=[c['id'] for c in PARAM_CLAIMS])
def test_parameter_claim(claim):
    subject, aspect, name = PATTERN.match(claim['id']).groups()
    params = _positional(SUBJECTS[subject])
    names = [p.name for p in params]
    assert name in names, names
    param = params[names.index(name)]
    if aspect == 'position':
        slot = int(re.search(r'is the (\d+)(?:st|nd|rd|th) parameter', claim['fact']).group(1))
        assert names.index(name) + 1 == slot
    elif aspect == 'required':
        assert param.default is inspect.Parameter.empty
    else:
        text = re.search(r'the value (.+?): ', claim['fact']).group(1)
        expected = ast.literal_eval(text)
        assert param.default == expected and type(param.default) is type(expected)


def test_no_extra_positional_parameters():
    # each documented signature is the whole positional list (extensions are keyword-only)
    documented = {}
    for c in PARAM_CLAIMS:
        subject, aspect, name = PATTERN.match(c['id']).groups()
        if aspect == 'position':
            documented.setdefault(subject, set()).add(name)
    for subject, names in documented.items():
        assert {p.name for p in _positional(SUBJECTS[subject])} == names, subject


def test_fused_prefix_none_means_mode():
    # disc.legacy_fused_prefix_doc_vs_signature / legacy.fused.prefix.mode
    for mode in ('lstm', 'gru', 'rnn_tanh', 'rnn_relu'):
        cell = rnn.FusedRNNCell(4, mode=mode)
        assert cell.prefix == mode + '_'
        assert list(cell.params.keys()) == [mode + '_parameters']   # legacy.fused.params.flat


def test_unroll_and_begin_state_signatures():
    # legacy.base.unroll.position.* / default.*, legacy.base.begin_state.signature
    for cls in (rnn.LSTMCell, rnn.FusedRNNCell, rnn.SequentialRNNCell, rnn.BidirectionalCell,
                rnn.ZoneoutCell, rnn.ResidualCell, rnn.DropoutCell):
        sig = inspect.signature(cls.unroll)
        pos = [p for p in sig.parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
        assert [p.name for p in pos] == ['self', 'length', 'inputs', 'begin_state', 'layout',
                                         'merge_outputs']
        assert [p.default for p in pos[3:]] == [None, 'NTC', None]
        assert 'valid_length' not in sig.parameters
    sig = inspect.signature(rnn.BaseRNNCell.begin_state)
    assert list(sig.parameters) == ['self', 'func', 'kwargs']
    assert sig.parameters['func'].default is rnn.zeros
    assert list(inspect.signature(rnn.BaseRNNCell.__call__).parameters)[:3] == \
        ['self', 'inputs', 'states']


def test_methods_and_properties_exist():
    # legacy.base.method.*
    cell = rnn.LSTMCell(3)
    for name in ('__call__', 'unroll', 'reset', 'begin_state', 'unpack_weights', 'pack_weights'):
        assert callable(getattr(cell, name))
    assert isinstance(cell.params, rnn.RNNParams)
    assert cell.state_info == [{'shape': (0, 3), '__layout__': 'NC'}] * 2
    assert cell.state_shape == [(0, 3), (0, 3)]
    assert callable(rnn.SequentialRNNCell.add) and callable(rnn.FusedRNNCell.unfuse)
    assert callable(rnn.RNNParams.get)


def test_checkpoint_signatures():
    # legacy.checkpoint.{save,load,do}.signature
    assert list(inspect.signature(rnn.save_rnn_checkpoint).parameters) == \
        ['cells', 'prefix', 'epoch', 'symbol', 'arg_params', 'aux_params']
    assert list(inspect.signature(rnn.load_rnn_checkpoint).parameters) == \
        ['cells', 'prefix', 'epoch']
    sig = inspect.signature(rnn.do_rnn_checkpoint)
    assert list(sig.parameters) == ['cells', 'prefix', 'period']
    assert sig.parameters['period'].default == 1


def test_classes_offered():
    # legacy.cells.basic, legacy.cells.modifiers
    for name in ('LSTMCell', 'GRUCell', 'RNNCell', 'BidirectionalCell', 'DropoutCell',
                 'ZoneoutCell', 'ResidualCell', 'SequentialRNNCell', 'FusedRNNCell',
                 'ModifierCell', 'BaseRNNCell', 'RNNParams', 'BucketSentenceIter',
                 'encode_sentences'):
        assert name in rnn.__all__
