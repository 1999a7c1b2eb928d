"""Write cross-language *model* cases for perl/t/55-cross-models.t.

    python tests/cross_models.py DIR        # writes DIR/models/*.json, *.params, *.bin

Each case builds a fusedrnn.gluon model, initialises it with a fixed seed,
saves it with save_parameters, runs a sequence of calls (optionally all
inside one ``train_mode(seed=S)`` block) and records inputs and outputs.
perl/t/55-cross-models.t rebuilds the same model from "build", loads the
.params file, repeats the calls and requires bitwise-identical outputs, and
re-saves the parameters requiring the very bytes Python wrote (so a Perl file
loads in Python exactly as Python's own).

Format of DIR/models/<name>.json:
  {
    "name": str,
    "build": SPEC,             # SPEC = {"class": "LSTM" | "LSTMCell" | ..., "args": [...],
                               #         "kwargs": {...}, "children": [SPEC...] (containers, add order),
                               #         "base": SPEC (modifiers), "l_cell"/"r_cell": SPEC (bidirectional)}
    "dtype": "float32"|"float64",   # the model was cast to it before saving
    "params": "<name>.params", # save_parameters of the initialised model
    "train_mode_seed": int|str|null,  # all calls inside one train_mode(seed=...) block when not null
    "calls": [ {
        "method": "call" | "unroll",
        "inputs": ARRAY | [ARRAY...],   # unroll may take a list of step arrays
        "states": [ARRAY...] | null,    # begin states (null: none given)
        "length": int, "layout": "NTC"|"TNC", "merge_outputs": bool|null,   # unroll only
        "valid_length": ARRAY|null,     # unroll only
        "sequence_length": ARRAY|null,  # layer call only
        "training": bool|null, "seed": int|str|null,   # per-call keywords (null: not given)
        "output": ARRAY | [ARRAY...],   # expected (a list when the output is a list)
        "new_states": [ARRAY...] | null # expected (null when the call returns only the output)
    } ... ]
  }
  ARRAY = {"file": "x.bin", "dtype": "float32"|"float64"|"int64", "shape": [C shape]}; the
  .bin holds the raw little-endian C-order values.
"""
import json
import os
import sys

import numpy as np

from fusedrnn.gluon import rnn, train_mode

OUT = None
COUNTER = [0]


def arr(a):
    a = np.ascontiguousarray(a)
    COUNTER[0] += 1
    name = 'a%04d.bin' % COUNTER[0]
    dt = {np.dtype('float32'): '<f4', np.dtype('float64'): '<f8', np.dtype('int64'): '<i8'}[a.dtype]
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(a.astype(dt).tobytes())
    return {'file': name, 'dtype': a.dtype.name, 'shape': list(a.shape)}


def build(spec):
    cls = getattr(rnn, spec['class'])
    if 'base' in spec:
        return cls(build(spec['base']), *spec.get('args', []), **spec.get('kwargs', {}))
    if 'l_cell' in spec:
        return cls(build(spec['l_cell']), build(spec['r_cell']), *spec.get('args', []), **spec.get('kwargs', {}))
    obj = cls(*spec.get('args', []), **spec.get('kwargs', {}))
    for child in spec.get('children', []):
        obj.add(build(child))
    return obj


def run_case(name, spec, dtype, calls, train_seed=None, init_seed=1):
    model = build(spec)
    model.initialize(seed=init_seed)
    model.cast(dtype)
    # materialise deferred parameters with one throwaway inference call
    first = calls[0]
    if first['method'] == 'unroll':
        model.unroll(first['length'], first['inputs'], layout=first.get('layout', 'NTC'),
                     merge_outputs=True, training=False)
    else:
        x = first['inputs']
        if hasattr(model, 'unroll') and not hasattr(model, '_param_order'):
            model(x, None, training=False)
        else:
            model(x, None, first.get('sequence_length'), training=False) if first.get('sequence_length') is not None \
                else model(x, training=False)
    model.save_parameters(os.path.join(OUT, name + '.params'))
    recorded = []

    def do_calls():
        for c in calls:
            kw = {k: c[k] for k in ('training', 'seed') if c.get(k) is not None}
            rec = {'method': c['method'], 'training': c.get('training'), 'seed': c.get('seed'),
                   'inputs': [arr(x) for x in c['inputs']] if isinstance(c['inputs'], list) else arr(c['inputs']),
                   'states': [arr(s) for s in c['states']] if c.get('states') is not None else None}
            if c['method'] == 'unroll':
                vl = c.get('valid_length')
                out, st = model.unroll(c['length'], c['inputs'], begin_state=c.get('states'),
                                       layout=c['layout'], merge_outputs=c.get('merge_outputs'),
                                       valid_length=vl, **kw)
                rec.update(length=c['length'], layout=c['layout'], merge_outputs=c.get('merge_outputs'),
                           valid_length=arr(np.asarray(vl, np.int64)) if vl is not None else None)
            elif hasattr(model, '_param_order'):   # a fused layer
                sl = c.get('sequence_length')
                args = [c['inputs']]
                if c.get('states') is not None or sl is not None:
                    args.append(c.get('states'))
                if sl is not None:
                    args.append(sl)
                res = model(*args, **kw)
                out, st = (res, None) if len(args) == 1 else res
                rec['sequence_length'] = arr(np.asarray(sl, np.int64)) if sl is not None else None
            else:
                out, st = model(c['inputs'], c.get('states'), **kw)
            rec['output'] = [arr(o) for o in out] if isinstance(out, list) else arr(out)
            rec['new_states'] = [arr(s) for s in st] if st is not None else None
            recorded.append(rec)

    if train_seed is not None:
        with train_mode(seed=train_seed):
            do_calls()
    else:
        do_calls()
    case = {'name': name, 'build': spec, 'dtype': dtype, 'params': name + '.params', 'train_mode_seed': train_seed,
            'calls': recorded}
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(case, f, indent=1)


def main():
    global OUT
    OUT = os.path.join(sys.argv[1], 'models')
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(7)

    def u(*shape, dtype='float64'):
        return rng.uniform(-1, 1, shape).astype(dtype)

    # fused layers, inference and training (train_mode seed and per-call seed)
    run_case('lstm_layer_bi_f32', {'class': 'LSTM', 'args': [5, 2], 'kwargs': {'bidirectional': True, 'dropout': 0.3}},
             'float32', [dict(method='call', inputs=u(4, 3, 2, dtype='float32')),
                         dict(method='call', inputs=u(4, 3, 2, dtype='float32')),
                         dict(method='call', inputs=u(4, 3, 2, dtype='float32'), training=True, seed=11)],
             train_seed=5)
    run_case('gru_layer_states_f64', {'class': 'GRU', 'args': [4, 3], 'kwargs': {'dropout': 0.5, 'layout': 'NTC'}},
             'float64', [dict(method='call', inputs=u(2, 5, 3), states=[u(3, 2, 4)]),
                         dict(method='call', inputs=u(2, 5, 3), states=[u(3, 2, 4)])], train_seed=2**64 - 1)
    run_case('rnn_layer_lengths_f64', {'class': 'RNN', 'args': [3], 'kwargs': {'use_sequence_length': True,
                                                                               'activation': 'tanh'}},
             'float64', [dict(method='call', inputs=u(5, 2, 3), states=[u(1, 2, 3)], sequence_length=[3, 5])])
    # cells
    for kind, extra in (('RNNCell', {'activation': 'softsign'}), ('LSTMCell', {}), ('GRUCell', {})):
        run_case('%s_f64' % kind.lower(), {'class': kind, 'args': [4], 'kwargs': extra}, 'float64',
                 [dict(method='call', inputs=u(3, 2)),
                  dict(method='unroll', inputs=u(3, 5, 2), length=5, layout='NTC', merge_outputs=True),
                  dict(method='unroll', inputs=u(5, 3, 2), length=5, layout='TNC', merge_outputs=None,
                       valid_length=[2, 5, 0])])
    run_case('bidirectional_lstm_f32', {'class': 'BidirectionalCell',
                                        'l_cell': {'class': 'LSTMCell', 'args': [3], 'kwargs': {'prefix': 'l_'}},
                                        'r_cell': {'class': 'LSTMCell', 'args': [3], 'kwargs': {'prefix': 'r_'}}},
             'float32', [dict(method='unroll', inputs=u(2, 4, 3, dtype='float32'), length=4, layout='NTC',
                              merge_outputs=False, valid_length=[3, 4])])
    run_case('sequential_dropout_zoneout_f64',
             {'class': 'SequentialRNNCell', 'children': [
                 {'class': 'ZoneoutCell', 'base': {'class': 'LSTMCell', 'args': [4]},
                  'kwargs': {'zoneout_outputs': 0.3, 'zoneout_states': 0.4}},
                 {'class': 'DropoutCell', 'args': [0.5]},
                 {'class': 'ResidualCell', 'base': {'class': 'GRUCell', 'args': [4]}}]},
             'float64', [dict(method='unroll', inputs=u(2, 5, 4), length=5, layout='NTC', merge_outputs=True),
                         dict(method='call', inputs=u(2, 4)),
                         dict(method='unroll', inputs=u(5, 2, 4), length=5, layout='TNC', merge_outputs=False,
                              seed=99, training=True)],
             train_seed=3)
    run_case('dropout_axes_f32', {'class': 'DropoutCell', 'args': [0.4], 'kwargs': {'axes': (1,)}}, 'float32',
             [dict(method='unroll', inputs=u(3, 4, 5, dtype='float32'), length=4, layout='NTC', merge_outputs=True),
              dict(method='unroll', inputs=u(3, 4, 5, dtype='float32'), length=4, layout='NTC', merge_outputs=False)],
             train_seed=8)


if __name__ == '__main__':
    main()
