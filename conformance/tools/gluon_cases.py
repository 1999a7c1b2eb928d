"""Layer- and cell-level cases (scripts, docs/conformance-protocol.md), for make_cases.py.

Expectations here are written from the claims (signatures from
harness/gluon_reference.SIGNATURES, shapes from the formulas), never read
back from fusedrnn.gluon. Numeric expectations come from the reference
interpreter (harness/gluon_reference.py) or from the MXNet fixtures.
"""
import json
import os
import sys

SUITE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, SUITE)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from case_helpers import TOL, B, U, build, last, ref, seed_of  # noqa: E402  (perl_cases reaches them as gc.*)
from harness.gluon_reference import METHODS, SIGNATURES  # noqa: E402

FIX = "tests/fixtures/mxnet/"
GATES = {"RNN": 1, "LSTM": 4, "GRU": 3, "RNNCell": 1, "LSTMCell": 4, "GRUCell": 3}
LAYERS = ("RNN", "LSTM", "GRU")
CELLS = ("RNNCell", "LSTMCell", "GRUCell")
KEY = {"RNN": "rnn", "LSTM": "lstm", "GRU": "gru", "RNNCell": "rnn", "LSTMCell": "lstm", "GRUCell": "gru"}

OUT = []


def _case(cid, level, claims, tags, desc, kind, blocks, actions, **extra):
    config = {}
    if blocks:
        config["blocks"] = blocks
    config["actions"] = json.loads(json.dumps(actions))      # no dict shared between cases
    c = {"id": cid, "claims": sorted(set(claims)), "level": level,
         "tags": sorted({t.replace("_", "-") for t in tags}),
         "description": desc, "config": config, "kind": kind}
    c.update(extra)
    OUT.append(c)
    return c


def attr(cid, level, claims, tags, desc, blocks, actions, expect, gen=None, dtypes=None, **extra):
    kw = dict(query="results", expect=expect, **extra)
    if gen:
        kw["generate"] = {"seed": seed_of(cid), "distributions": gen}
    if dtypes:
        kw["dtypes"] = dtypes
    return _case(cid, level, claims, tags, desc, "attribute", blocks, actions, **kw)


def checks(cid, level, claims, tags, desc, blocks, actions, rels, gen=None, sets=None, dtypes=None):
    kw = {"query": "checks", "expect": True, "checks": rels}
    if gen:
        kw["generate"] = {"seed": seed_of(cid), "distributions": gen}
        if sets:
            kw["generate"]["set"] = sets
    if dtypes:
        kw["dtypes"] = dtypes
    return _case(cid, level, claims, tags, desc, "attribute", blocks, actions, **kw)


def error(cid, level, claims, tags, desc, blocks, actions, etype, frag=None, gen=None, dtypes=None):
    e = {"type": etype}
    if frag:
        e["message_contains"] = frag
    kw = {"expect_error": e}
    if dtypes:
        kw["dtypes"] = dtypes
    if gen:
        kw["generate"] = {"seed": seed_of(cid), "distributions": gen}
    return _case(cid, level, claims, sorted(set(tags) | {"validation"}), desc, "error", blocks, actions, **kw)


def numeric(cid, level, claims, tags, desc, blocks, actions, outputs, gen, sets=None, dtypes=("float64",),
            fixture=None, fixture_inputs=None):
    for dt in dtypes:
        full = f"{cid}.{'f64' if dt == 'float64' else 'f32'}"
        kw = {"dtypes": [dt], "outputs": outputs, "tolerance": {dt: TOL[dt]}}
        if gen:
            kw["generate"] = {"seed": seed_of(cid), "distributions": gen}
            if sets:
                kw["generate"]["set"] = sets
        if fixture_inputs:
            kw["fixture_inputs"] = fixture_inputs
        kw["expected"] = {"from": "fixture", "fixture": fixture} if fixture else {"from": "reference"}
        _case(full, level, claims, set(tags) | {"f64" if dt == "float64" else "f32"}, desc, "numeric",
              blocks, actions, **kw)


def C(shape, value, dtype=None):
    d = {"dist": "constant", "shape": list(shape), "value": value}
    if dtype:
        d["dtype"] = dtype
    return d


def lengths(values):
    return C([len(values)], values, "int64")


# ---- parameter layouts, from the claims ------------------------------------------

def layer_params(cls, H, L=1, bi=False, I=0, P=None):
    """[(key, shape)] in registration order (layer.all.param.order)."""
    g = GATES[cls]
    R = P or H
    out = []
    for layer in range(L):
        inp = I if layer == 0 else R * (2 if bi else 1)
        for d in "lr"[:2 if bi else 1]:
            out += [(f"{d}{layer}_i2h_weight", [g * H, inp]), (f"{d}{layer}_h2h_weight", [g * H, R]),
                    (f"{d}{layer}_i2h_bias", [g * H]), (f"{d}{layer}_h2h_bias", [g * H])]
            if P:
                out.append((f"{d}{layer}_h2r_weight", [P, H]))
    return out


def cell_params(cls, H, I):
    g = GATES[cls]
    return [("i2h_weight", [g * H, I]), ("h2h_weight", [g * H, H]), ("i2h_bias", [g * H]), ("h2h_bias", [g * H])]


def param_gen(params, prefix="p.", scale=0.5):
    return {prefix + k: U(s, -scale, scale) for k, s in params}


def set_action(params, on=None, prefix="p."):
    a = {"do": "set_params", "params": {k: prefix + k for k, _ in params}}
    if on:
        a["on"] = on
    return a


# =====================================================================================
# layer level
# =====================================================================================

def layer_signature_cases():
    for cls in LAYERS:
        k = KEY[cls]
        sig = SIGNATURES[cls]
        pos = [p[0] for p in sig["positional"]]
        claims = [f"layer.{k}.position.{n}" for n in pos] + [f"layer.{k}.default.{n}" for n in pos[1:]] \
            + [f"layer.{k}.required.hidden_size", f"layer.{k}.signature.src", f"layer.{k}.signature.api",
               f"layer.{k}.signature.older", f"layer.{k}.kwarg.prefix", f"layer.{k}.kwarg.params",
               f"layer.{k}.kwarg.use_sequence_length"]
        if cls == "LSTM":
            claims.append("disc.lstm_bias_init_doc_vs_code")
        if cls == "RNN":
            claims.append("disc.rnn_activation_doc_formula_vs_code")
        acts = [build(B(cls, 4)), {"do": "signature"}]
        attr(f"layer.{k}.signature", "layer", claims, [k, "signature", "constructor"],
             f"{cls}'s constructor: every positional parameter in order with its default, and the "
             "keyword-only prefix, params and use_sequence_length.", None, acts,
             last(acts, {"positional": sig["positional"], "keyword": sig["keyword"]}))
        error(f"layer.{k}.error.required_hidden_size", "layer", [f"layer.{k}.required.hidden_size"],
              [k, "constructor"], f"{cls}() without hidden_size fails with TypeError.", None,
              [build(B(cls))], "TypeError", "hidden_size")
        error(f"layer.{k}.error.too_many_positional", "layer",
              [f"layer.{k}.kwarg.prefix", f"layer.{k}.signature.src"], [k, "constructor"],
              f"prefix is keyword-only: one positional argument past dtype is refused.", None,
              [build(B(cls, *([4] + [p[1] for p in sig["positional"][1:]] + ["x_"])))], "TypeError")
    m = METHODS
    for what, claims, expect in (
            ("begin_state", ["layer.all.begin_state.signature"], {"positional": m["begin_state"]["positional"],
                                                                  "keyword": {}, "var_keyword": "kwargs"}),
            ("state_info", ["layer.all.state_info.batch_default"], {"positional": m["state_info"]["positional"],
                                                                    "keyword": {}}),
            ("call", ["layer.all.call.signature"], {"positional": m["layer_call"]["positional"],
                                                    "keyword": "$any"})):
        acts = [build(B("GRU", 4)), {"do": "signature", "of": what}]
        attr(f"layer.all.signature.{what}", "layer", claims, ["signature"],
             f"The layer's {what} signature: positional parameters and defaults.", None, acts, last(acts, expect))


def layer_positional_cases():
    # LSTM: every positional slot given, each with an observable effect
    args = [6, 2, "NTC", 0.25, True, 4, "ones", "zeros", "ones", "zeros", 3, "ones", -2.0, 2.0, True, "float64"]
    acts = [build(B("LSTM", *args)), {"do": "repr"}, {"do": "state_info", "batch_size": 3},
            {"do": "initialize"},
            {"do": "get_params", "names": ["l0_i2h_weight", "l0_h2h_weight", "l0_i2h_bias", "l0_h2h_bias",
                                           "l0_h2r_weight"]},
            {"do": "call", "inputs": "x", "states": ["h", "c"]}]
    claims = [f"layer.lstm.position.{p[0]}" for p in SIGNATURES["LSTM"]["positional"]] + [
        "layer.all.param.initializers", "layer.all.initializer.roles", "layer.lstm.h2r_weight_initializer.meaning",
        "layer.lstm.clip.meaning", "layer.lstm.clip_nan.meaning", "layer.lstm.kernel.clip",
        "layer.all.dtype.meaning", "layer.all.param.dtype", "layer.lstm.projection_size.meaning"]
    checks("layer.lstm.positional_all", "layer", claims, ["lstm", "constructor", "signature", "clip", "projection"],
           "LSTM with all 16 arguments positional: repr, state_info, initializer of each matrix, the clip bounds "
           "and clip_nan (a NaN cell state becomes the lower bound), and float64 parameters.", None, acts, [
               {"rel": "json", "a": "1", "value": "LSTM(4 -> 6, NTC, num_layers=2, dropout=0.25, bidirectional)"},
               {"rel": "json", "a": "2", "value": [
                   {"shape": [4, 3, 3], "__layout__": "LNC", "dtype": "float64"},
                   {"shape": [4, 3, 6], "__layout__": "LNC", "dtype": "float64"}]},
               {"rel": "constant", "a": "4/0", "value": 1.0}, {"rel": "constant", "a": "4/1", "value": 0.0},
               {"rel": "constant", "a": "4/2", "value": 1.0}, {"rel": "constant", "a": "4/3", "value": 0.0},
               {"rel": "constant", "a": "4/4", "value": 1.0}, {"rel": "dtype", "a": "4", "dtype": "float64"},
               {"rel": "range", "a": "5/1/1", "low": -2.0, "high": 2.0},
               {"rel": "constant", "a": "5/1/1", "index": ":,0,:", "value": -2.0},
               {"rel": "constant", "a": "5/1/1", "index": ":,1:,:", "value": 2.0}],
           gen={"x": C([3, 1, 4], 1.0), "h": C([4, 3, 3], 0.0), "c": C([4, 3, 6], 1.5)},
           sets=[{"input": "c", "index": ":,0,:", "value": "nan"}])
    # RNN: activation in slot 3 (tanh bounds the output), input_size in slot 11, dtype 12
    args = [6, 2, "tanh", "NTC", 0.25, True, "ones", "zeros", "ones", "zeros", 4, "float64"]
    acts = [build(B("RNN", *args)), {"do": "repr"}, {"do": "state_info", "batch_size": 3}, {"do": "initialize"},
            {"do": "get_params", "names": ["l0_i2h_weight", "l0_h2h_weight", "l0_i2h_bias", "l0_h2h_bias"]},
            {"do": "call", "inputs": "x"}]
    checks("layer.rnn.positional_all", "layer",
           [f"layer.rnn.position.{p[0]}" for p in SIGNATURES["RNN"]["positional"]]
           + ["layer.all.param.initializers", "layer.rnn.mode"],
           ["rnn", "constructor", "signature"],
           "RNN with all 12 arguments positional: repr, state_info, initializers, and tanh (slot 3) keeping "
           "outputs in [-1, 1] where relu would give 5.", None, acts, [
               {"rel": "json", "a": "1", "value": "RNN(4 -> 6, NTC, num_layers=2, dropout=0.25, bidirectional)"},
               {"rel": "json", "a": "2", "value": [{"shape": [4, 3, 6], "__layout__": "LNC", "dtype": "float64"}]},
               {"rel": "constant", "a": "4/0", "value": 1.0}, {"rel": "constant", "a": "4/1", "value": 0.0},
               {"rel": "constant", "a": "4/2", "value": 1.0}, {"rel": "constant", "a": "4/3", "value": 0.0},
               {"rel": "range", "a": "5", "low": -1.0, "high": 1.0}, {"rel": "dtype", "a": "5", "dtype": "float64"}],
           gen={"x": C([3, 2, 4], 1.0)})
    args = [6, 3, "NTC", 0.25, True, 4, "zeros", "ones", "zeros", "ones", "float64"]
    acts = [build(B("GRU", *args)), {"do": "repr"}, {"do": "state_info", "batch_size": 2}, {"do": "initialize"},
            {"do": "get_params", "names": ["l0_i2h_weight", "l0_h2h_weight", "l0_i2h_bias", "l0_h2h_bias"]}]
    checks("layer.gru.positional_all", "layer",
           [f"layer.gru.position.{p[0]}" for p in SIGNATURES["GRU"]["positional"]] + ["layer.all.param.initializers"],
           ["gru", "constructor", "signature"], "GRU with all 11 arguments positional: repr, state_info, initializers.",
           None, acts, [
               {"rel": "json", "a": "1", "value": "GRU(4 -> 6, NTC, num_layers=3, dropout=0.25, bidirectional)"},
               {"rel": "json", "a": "2", "value": [{"shape": [6, 2, 6], "__layout__": "LNC", "dtype": "float64"}]},
               {"rel": "constant", "a": "4/0", "value": 0.0}, {"rel": "constant", "a": "4/1", "value": 1.0},
               {"rel": "constant", "a": "4/2", "value": 0.0}, {"rel": "constant", "a": "4/3", "value": 1.0}])


def layer_default_cases():
    for cls in LAYERS:
        k = KEY[cls]
        names = ["l0_i2h_weight", "l0_h2h_weight", "l0_i2h_bias", "l0_h2h_bias"]
        acts = [build(B(cls, 6)), {"do": "repr"}, {"do": "state_info", "batch_size": 3}, {"do": "params"},
                {"do": "initialize"}, {"do": "call", "inputs": "x"}, {"do": "get_params", "names": names}]
        claims = [f"layer.{k}.default.{n}" for n in ("num_layers", "layout", "dropout", "bidirectional",
                                                      "input_size", "dtype", "i2h_weight_initializer",
                                                      "h2h_weight_initializer", "i2h_bias_initializer",
                                                      "h2h_bias_initializer")] + [
            "layer.all.init.weights_global", "layer.all.init.biases_zeros", "layer.all.input_size.inferred",
            "layer.all.param.deferred", f"layer.{k}.shape.output", f"layer.{k}.shape.input"]
        if cls == "LSTM":
            claims += ["layer.lstm.default.projection_size", "layer.lstm.default.h2r_weight_initializer",
                       "disc.lstm_bias_init_doc_vs_code"]
        g = GATES[cls]
        states = [{"shape": [1, 3, 6], "__layout__": "LNC", "dtype": "float32"}] * (2 if cls == "LSTM" else 1)
        checks(f"layer.{k}.defaults", "layer", claims, [k, "constructor", "initializer", "deferred-init"],
               f"{cls}(6) with every other argument left out: one forward TNC float32 layer of unknown input "
               "width, zero biases, weights from the global uniform(-0.07, 0.07).", None, acts, [
                   {"rel": "json", "a": "1", "value": f"{cls}(None -> 6, TNC)"},
                   {"rel": "json", "a": "2", "value": states},
                   {"rel": "json", "a": "3", "value": [[n, s, "float32"] for n, s in layer_params(cls, 6, I=0)]},
                   {"rel": "shape", "a": "5", "value": [5, 3, 6]}, {"rel": "dtype", "a": "5", "dtype": "float32"},
                   {"rel": "range", "a": "6/0", "low": -0.07, "high": 0.07, "not_constant": True},
                   {"rel": "range", "a": "6/1", "low": -0.07, "high": 0.07, "not_constant": True},
                   {"rel": "constant", "a": "6/2", "value": 0.0}, {"rel": "constant", "a": "6/3", "value": 0.0},
                   {"rel": "shape", "a": "6/0", "value": [g * 6, 4]}],
               gen={"x": U([5, 3, 4])}, dtypes=["float32"])
        # numeric: the defaults compute what the reference computes with the stated defaults
        params = layer_params(cls, 5, I=3)
        claims = [f"layer.{k}.default.{n}" for n in ("num_layers", "layout", "dropout", "bidirectional")] + [
            f"layer.{k}.mode", "layer.all.op_equivalence", "layer.all.flatten.order"]
        if cls == "RNN":
            claims += ["layer.rnn.default.activation", "disc.rnn_activation_doc_formula_vs_code", "layer.rnn.eq.relu",
                       "layer.rnn.activation.values"]
        if cls == "LSTM":
            claims += ["layer.lstm.default.state_clip_min", "layer.lstm.default.state_clip_max",
                       "layer.lstm.default.state_clip_nan", "layer.lstm.default.projection_size", "layer.lstm.clip.none"]
        numeric(f"layer.{k}.defaults", "layer", claims, [k, "constructor"],
                f"{cls}(5, dtype=$dtype) called on (T, N, C) data with set parameters equals the reference "
                "built with the documented defaults.",
                None, [build(B(cls, 5, dtype="$dtype")), set_action(params), {"do": "call", "inputs": "x"}],
                {"output": "2"}, {**param_gen(params), "x": U([4, 3, 3])}, dtypes=("float64", "float32"))


def layer_params_cases():
    for cls, H, L, bi, I, P in (("RNN", 4, 2, True, 3, None), ("LSTM", 6, 2, True, 4, 3), ("GRU", 5, 3, False, 2, None),
                                ("LSTM", 4, 3, False, 3, None)):
        k = KEY[cls]
        kw = {"num_layers": L, "bidirectional": bi, "input_size": I}
        if P:
            kw["projection_size"] = P
        acts = [build(B(cls, H, **kw)), {"do": "params"}, {"do": "collect_params"}]
        pl = layer_params(cls, H, L, bi, I, P)
        claims = ["layer.all.param.names", "layer.all.param.order", "layer.all.param.shape.i2h_weight",
                  "layer.all.param.shape.h2h_weight" if not P else "layer.lstm.param.shape.projection.h2h_weight",
                  "layer.all.param.shape.biases", f"layer.{k}.gates", "layer.all.param.key_prefix",
                  "layer.all.bidirectional.directions"]
        if P:
            claims += ["layer.lstm.param.h2r_name", "layer.lstm.param.shape.projection.h2r_weight",
                       "layer.lstm.param.shape.projection.next_input"]
        tag = f"{k}_l{L}{'_bi' if bi else ''}{'_proj' if P else ''}"
        attr(f"layer.params.{tag}", "layer", claims, [k, "params", "naming"] + (["projection"] if P else []),
             f"{cls}({H}, num_layers={L}, bidirectional={bi}, input_size={I}{', projection_size=%d' % P if P else ''}): "
             "registered names, order, shapes, dtype and collect_params keys.", None, acts,
             [None, [[n, s, "float32"] for n, s in pl], [f"{k}0_{n}" for n, _ in pl]])
    # deferred input size, inferred at the first call
    acts = [build(B("GRU", 6, num_layers=2)), {"do": "params"}, {"do": "repr"}, {"do": "initialize"},
            {"do": "call", "inputs": "x"}, {"do": "params"}, {"do": "repr"}]
    attr("layer.params.deferred_gru", "layer",
         ["layer.all.param.inferred_shapes", "layer.all.param.deferred", "layer.all.input_size.inferred",
          "layer.all.repr.after_inference", "layer.gru.default.input_size"], ["gru", "deferred-init", "params", "repr"],
         "GRU(6, num_layers=2) before and after a call on width-4 input: shapes (18, 0) then (18, 4); repr "
         "None then 4.", None, acts,
         [None, [[n, s, "float32"] for n, s in layer_params("GRU", 6, 2, False, 0)], "GRU(None -> 6, TNC, num_layers=2)",
          None, {"shape": [5, 3, 6], "dtype": "float32"},
          [[n, s, "float32"] for n, s in layer_params("GRU", 6, 2, False, 4)], "GRU(4 -> 6, TNC, num_layers=2)"],
         gen={"x": U([5, 3, 4])}, dtypes=["float32"])
    # automatic prefixes and the prefix / params keywords
    for cls in LAYERS:
        k = KEY[cls]
        acts = [build(B(cls, 3), "a"), build(B(cls, 3), "b"), {"do": "prefix", "on": "a"}, {"do": "prefix", "on": "b"},
                build(B(cls, 3, prefix="enc_"), "c"), {"do": "collect_params", "on": "c"}]
        attr(f"layer.{k}.prefix", "layer", [f"layer.{k}.name.auto_prefix", f"layer.{k}.kwarg.prefix",
                                            "layer.all.param.key_prefix"], [k, "naming"],
             f"Two {cls} layers get '{k}0_' and '{k}1_'; prefix='enc_' names the parameters 'enc_l0_...'.", None,
             acts, [None, None, f"{k}0_", f"{k}1_", None, [f"enc_{n}" for n, _ in layer_params(cls, 3, I=0)]])
        params = layer_params(cls, 3, I=2)
        acts = [build(B(cls, 3, input_size=2), "a"), build(B(cls, 3, input_size=2, params={"$params": "a"}), "b"),
                set_action(params, on="a"), {"do": "get_params", "on": "b", "names": [n for n, _ in params]},
                {"do": "get_params", "on": "a", "names": [n for n, _ in params]}]
        checks(f"layer.{k}.params_shared", "layer", [f"layer.{k}.kwarg.params"], [k, "sharing", "params"],
               f"{cls}(..., params=other.collect_params()) shares the other layer's parameters.", None, acts,
               [{"rel": "equal", "a": "3", "b": "4"}], gen=param_gen(params))
    acts = [build(B("LSTM", 3, dtype="float64")), {"do": "params"}, {"do": "state_info", "batch_size": 2}]
    attr("layer.lstm.dtype_float64", "layer", ["layer.all.param.dtype", "layer.all.dtype.meaning",
                                               "layer.lstm.state_info"], ["lstm", "dtype"],
         "LSTM(3, dtype='float64'): every parameter and the state_info are float64.", None, acts,
         [None, [[n, s, "float64"] for n, s in layer_params("LSTM", 3, I=0)],
          [{"shape": [1, 2, 3], "__layout__": "LNC", "dtype": "float64"}] * 2])
    acts = [build(B("LSTM", 6, input_size=4, projection_size=0)), {"do": "params"}, {"do": "state_info", "batch_size": 2}]
    attr("layer.lstm.projection_zero", "layer", ["layer.lstm.projection.falsy_is_none"], ["lstm", "projection"],
         "projection_size=0 means no projection: no h2r_weight and an h state of hidden_size.", None, acts,
         [None, [[n, s, "float32"] for n, s in layer_params("LSTM", 6, I=4)],
          [{"shape": [1, 2, 6], "__layout__": "LNC", "dtype": "float32"}] * 2])
    acts = [build(B("LSTM", 2, input_size=3, i2h_bias_initializer="lstmbias")), {"do": "initialize"},
            {"do": "get_params", "names": ["l0_i2h_bias"]}]
    checks("layer.lstm.init_lstmbias", "layer", ["layer.all.init.lstmbias", "layer.all.param.initializers"],
           ["lstm", "initializer"], "i2h_bias_initializer='lstmbias' puts 1 in the forget-gate block [H, 2H) of the "
           "bias and 0 elsewhere.", None, acts,
           [{"rel": "constant", "a": "2/0", "index": "2:4", "value": 1.0},
            {"rel": "constant", "a": "2/0", "index": ":2", "value": 0.0},
            {"rel": "constant", "a": "2/0", "index": "4:", "value": 0.0}])


def layer_state_cases():
    for cls, kw, shapes in (("RNN", {"num_layers": 3}, [[3, 4, 5]]),
                            ("RNN", {"num_layers": 2, "bidirectional": True}, [[4, 4, 5]]),
                            ("GRU", {"num_layers": 2, "bidirectional": True}, [[4, 4, 5]]),
                            ("GRU", {}, [[1, 4, 5]]),
                            ("LSTM", {"num_layers": 2}, [[2, 4, 5], [2, 4, 5]]),
                            ("LSTM", {"bidirectional": True}, [[2, 4, 5], [2, 4, 5]]),
                            ("LSTM", {"num_layers": 2, "bidirectional": True, "projection_size": 3},
                             [[4, 4, 3], [4, 4, 5]])):
        k = KEY[cls]
        tag = "_".join(f"{a}{b}" if not isinstance(b, bool) else a[:2] for a, b in sorted(kw.items())) or "plain"
        acts = [build(B(cls, 5, **kw)), {"do": "state_info", "batch_size": 4}, {"do": "begin_state", "batch_size": 4}]
        claims = [f"layer.{k}.state_info", "layer.all.state_info.layout_lnc", "layer.all.begin_state.one_per_info",
                  "layer.all.begin_state.zeros", f"layer.{k}.shape.state"]
        if kw.get("bidirectional"):
            claims += [f"layer.{k}.shape.state.bidirectional", "layer.all.bidirectional.directions"]
        if kw.get("projection_size"):
            claims = [c for c in claims if c != "layer.lstm.shape.state"] + [
                "layer.lstm.state_info.projection", "disc.projection_state_shape_doc",
                "layer.all.state_info.fixture"]
            claims = [c for c in claims if c != "layer.lstm.shape.state.bidirectional"]
        if cls == "LSTM":
            claims += ["layer.lstm.states.two"]
        else:
            claims += [f"layer.{k}.states.single"]
        attr(f"layer.state_info.{k}_{tag}", "layer", claims, [k, "state", "begin-state"],
             f"{cls}(5, {kw}): state_info(4) and begin_state(4) shapes, layout 'LNC', float32 zeros.", None, acts,
             [None, [{"shape": s, "__layout__": "LNC", "dtype": "float32"} for s in shapes],
              [{"shape": s, "dtype": "float32"} for s in shapes]])
    acts = [build(B("LSTM", 6, num_layers=2, bidirectional=True, projection_size=3)), {"do": "state_info", "batch_size": 3}]
    attr("layer.state_info.fixture_projection", "layer", ["layer.all.state_info.fixture", "layer.lstm.state_info.projection"],
         ["lstm", "projection", "fixture", "state"], "The MXNet fixture: LSTM(6, 2 layers, bidirectional, P=3), batch 3: "
         "h (4, 3, 3), c (4, 3, 6).", None, acts,
         [None, [{"shape": [4, 3, 3], "__layout__": "LNC", "dtype": "float32"},
                 {"shape": [4, 3, 6], "__layout__": "LNC", "dtype": "float32"}]])
    acts = [build(B("GRU", 5)), {"do": "state_info"}]
    attr("layer.state_info.batch_default", "layer", ["layer.all.state_info.batch_default"], ["gru", "state"],
         "state_info() without a batch size describes batch 0.", None, acts,
         [None, [{"shape": [1, 0, 5], "__layout__": "LNC", "dtype": "float32"}]])
    acts = [build(B("LSTM", 3)), {"do": "begin_state", "batch_size": 2, "func": "ones"},
            {"do": "begin_state", "batch_size": 2, "kwargs": {"dtype": "float64"}},
            {"do": "begin_state", "batch_size": 2, "func": "$names"}]
    checks("layer.begin_state.func_kwargs", "layer", ["layer.all.begin_state.func", "layer.all.begin_state.kwargs",
                                                      "layer.all.begin_state.names"], ["lstm", "begin-state"],
           "begin_state with func=ones gives ones; dtype='float64' overrides state_info's dtype; each state is "
           "requested under prefix + 'h0_' + index.", None, acts,
           [{"rel": "constant", "a": "1", "value": 1.0}, {"rel": "dtype", "a": "2", "dtype": "float64"},
            {"rel": "json", "a": "3", "value": ["lstm0_h0_0", "lstm0_h0_1"]}])
    acts = [build(B("GRU", 3, num_layers=2)), {"do": "cast", "dtype": "float64"}, {"do": "state_info", "batch_size": 2},
            {"do": "begin_state", "batch_size": 2}, {"do": "params"}]
    attr("layer.cast", "layer", ["layer.all.cast.updates_dtype"], ["gru", "dtype"],
         "After cast('float64') state_info, begin_state and the parameters are float64.", None, acts,
         [None, None, [{"shape": [2, 2, 3], "__layout__": "LNC", "dtype": "float64"}],
          [{"shape": [2, 2, 3], "dtype": "float64"}],
          [[n, s, "float64"] for n, s in layer_params("GRU", 3, 2, False, 0)]])


def layer_call_cases():
    for cls in LAYERS:
        k = KEY[cls]
        H, L, I = 4, 2, 3
        params = layer_params(cls, H, L, True, I)
        nst = 2 if cls == "LSTM" else 1
        st = ["h", "c"][:nst]
        sgen = {"h": U([2 * L, 3, H]), "c": U([2 * L, 3, H])}
        if cls != "LSTM":
            sgen.pop("c")
        base = [build(B(cls, H, num_layers=L, bidirectional=True, input_size=I, dtype="$dtype")), set_action(params)]
        # with and without states
        acts = base + [{"do": "call", "inputs": "x"}, {"do": "call", "inputs": "x", "states": st}]
        attr(f"layer.call.{k}.forms", "layer",
             ["layer.all.call.output_only", "layer.all.call.output_and_states", f"layer.{k}.shape.output.bidirectional",
              f"layer.{k}.shape.out_states", f"layer.{k}.call.states_none_not_returned", "layer.all.kernel.state_outputs",
              "layer.lstm.kernel.states" if cls == "LSTM" else "layer.all.kernel.states_single"],
             [k, "call", "state"], f"{cls}: layer(x) returns one array; layer(x, states) returns [output, states] with "
             "states shaped as given.", None, acts,
             [None, None, {"shape": [5, 3, 2 * H], "dtype": "float64"},
              [{"shape": [5, 3, 2 * H], "dtype": "float64"}, [{"shape": [2 * L, 3, H], "dtype": "float64"}] * nst]],
             gen={**param_gen(params), "x": U([5, 3, I]), **sgen}, dtypes=["float64"])
        # numeric with states, bidirectional multilayer
        claims = [f"layer.{k}.mode", "layer.all.op_equivalence", "layer.all.flatten.order", "layer.all.eq.layer_input",
                  f"layer.{k}.shape.input", f"layer.{k}.shape.output.bidirectional", "layer.all.state_check"]
        claims += {"RNN": ["layer.rnn.eq.relu"],
                   "LSTM": ["layer.lstm.eq.i", "layer.lstm.eq.f", "layer.lstm.eq.g", "layer.lstm.eq.o", "layer.lstm.eq.c",
                            "layer.lstm.eq.h", "disc.lstm_doc_g_gate_weight_name", "layer.lstm.kernel.states"],
                   "GRU": ["layer.gru.eq.r", "layer.gru.eq.z", "layer.gru.eq.n", "layer.gru.eq.h",
                           "layer.gru.eq.cudnn_variant", "disc.gru_update_gate_name"]}[cls]
        numeric(f"layer.{k}.bidir_states", "layer", claims, [k, "bidirectional", "multilayer", "state"],
                f"{cls}(4, 2 layers, bidirectional) with given states vs the reference on the packed parameters.",
                None, base + [{"do": "call", "inputs": "x", "states": st}],
                {"output": "2/0", **{f"state{i}": f"2/1/{i}" for i in range(nst)}},
                {**param_gen(params), "x": U([5, 3, I]), **sgen}, dtypes=("float64", "float32"))
        # no states = zero states
        acts = base + [{"do": "call", "inputs": "x"}, {"do": "begin_state", "batch_size": 3,
                                                       "kwargs": {"dtype": "float64"}},
                       {"do": "call", "inputs": "x", "states": {"$result": "3"}}]
        checks(f"layer.call.{k}.states_none_zeros", "layer",
               [f"layer.{k}.call.states_none_zeros", "layer.all.call.default_batch", "layer.all.call.default_states_dtype"],
               [k, "state"], f"{cls}: layer(x) equals layer(x, zero states) bit for bit.", None, acts,
               [{"rel": "equal", "a": "2", "b": "4/0"}], gen={**param_gen(params), "x": U([5, 3, I])}, dtypes=["float64"])
        # NTC
        ntc = [build(B(cls, H, layout="NTC", bidirectional=True, input_size=I, dtype="$dtype")),
               set_action(layer_params(cls, H, 1, True, I))]
        numeric(f"layer.{k}.ntc", "layer", [f"layer.{k}.shape.input.ntc", "layer.all.ntc.swap", "layer.all.layout.meaning",
                                            "layer.all.ntc.states_unchanged", "layer.all.call.default_batch"],
                [k, "ntc", "layout"], f"{cls} with layout 'NTC': data (N, T, C), states (L*D, N, H).", None,
                ntc + [{"do": "call", "inputs": "x", "states": st}],
                {"output": "2/0", **{f"state{i}": f"2/1/{i}" for i in range(nst)}},
                {**param_gen(layer_params(cls, H, 1, True, I)), "x": U([3, 6, I]),
                 **{n: U([2, 3, H]) for n in st}}, dtypes=("float64",))
        # unidirectional shapes (doc claims)
        acts = [build(B(cls, 7, num_layers=3, input_size=2)), {"do": "initialize"},
                {"do": "call", "inputs": "x", "states": st}]
        attr(f"layer.call.{k}.unidirectional_shapes", "layer",
             [f"layer.{k}.shape.output", f"layer.{k}.shape.state", f"layer.{k}.shape.out_states", f"layer.{k}.shape.input"],
             [k, "state"], f"{cls}(7, 3 layers): data (T, N, C) -> output (T, N, 7), states (3, N, 7).", None, acts,
             [None, None, [{"shape": [4, 2, 7], "dtype": "float32"}, [{"shape": [3, 2, 7], "dtype": "float32"}] * nst]],
             gen={"x": U([4, 2, 2]), "h": U([3, 2, 7]), "c": U([3, 2, 7])}, dtypes=["float32"])
        # dropout between layers, in training
        dp = layer_params(cls, 4, 3, False, 3)
        numeric(f"layer.{k}.dropout_training", "layer",
                [f"layer.{k}.dropout.between_layers", "layer.all.kernel.state_outputs"], [k, "dropout", "philox"],
                f"{cls}(4, 3 layers, dropout=0.4) in training with seed 11: the operator's inter-layer dropout.",
                None, [build(B(cls, 4, 3, dropout=0.4, input_size=3, dtype="$dtype")), set_action(dp),
                       {"do": "call", "inputs": "x", "training": True, "seed": 11}],
                {"output": "2"}, {**param_gen(dp), "x": U([5, 3, 3])})
        checks(f"layer.{k}.dropout_inference", "layer", [f"layer.{k}.dropout.between_layers"], [k, "dropout"],
               f"{cls} with dropout 0.4: in training the output differs from inference; in inference it equals "
               "the same layer built without dropout.", None,
               [build(B(cls, 4, 3, dropout=0.4, input_size=3, dtype="float64")), set_action(dp),
                build(B(cls, 4, 3, input_size=3, dtype="float64"), "nod"), set_action(dp, on="nod"),
                {"do": "call", "inputs": "x", "training": True, "seed": 11}, {"do": "call", "inputs": "x"},
                {"do": "call", "inputs": "x", "on": "nod"}],
               [{"rel": "differ", "a": "4", "b": "5"}, {"rel": "equal", "a": "5", "b": "6"}],
               gen={**param_gen(dp), "x": U([5, 3, 3])})
        # single array state (RNN, GRU) and the hybridize no-op
        if cls != "LSTM":
            p1 = layer_params(cls, 4, 2, False, 3)
            acts = [build(B(cls, 4, 2, input_size=3, dtype="float64")), set_action(p1),
                    {"do": "call", "inputs": "x", "states": "h"}, {"do": "call", "inputs": "x", "states": ["h"]}]
            checks(f"layer.{k}.single_array_state", "layer",
                   ["layer.all.call.single_array_state", f"layer.{k}.states.single", "layer.all.kernel.states_single"],
                   [k, "state"], f"{cls}: a single array state acts as the list [state]; new states are a one-element list.",
                   None, acts, [{"rel": "equal", "a": "2/0", "b": "3/0"}, {"rel": "equal", "a": "2/1", "b": "3/1"},
                                {"rel": "length", "a": "2/1", "value": 1}],
                   gen={**param_gen(p1), "x": U([5, 3, 3]), "h": U([2, 3, 4])})
        p1 = layer_params(cls, 4, 1, False, 3)
        acts = [build(B(cls, 4, input_size=3, dtype="float64")), set_action(p1), {"do": "call", "inputs": "x"},
                {"do": "hybridize"}, {"do": "call", "inputs": "x"}]
        checks(f"layer.{k}.hybridize", "layer", ["layer.all.hybridize"], [k, "hybridize"],
               f"{cls}.hybridize() is accepted and the output is unchanged.", None, acts,
               [{"rel": "equal", "a": "2", "b": "4"}], gen={**param_gen(p1), "x": U([5, 3, 3])})
        # use_sequence_length
        vp = layer_params(cls, 4, 2, True, 3)
        numeric(f"layer.{k}.sequence_length", "layer",
                [f"layer.{k}.kwarg.use_sequence_length", "layer.all.call.sequence_length"], [k, "varlen"],
                f"{cls}(use_sequence_length=True) passes sequence_length to the operator (NaN padding never read).",
                None, [build(B(cls, 4, 2, bidirectional=True, input_size=3, dtype="$dtype", use_sequence_length=True)),
                       set_action(vp), {"do": "call", "inputs": "x", "states": st, "sequence_length": "len"}],
                {"output": "2/0", **{f"state{i}": f"2/1/{i}" for i in range(nst)}},
                {**param_gen(vp), "x": U([5, 3, 3]), "len": lengths([5, 2, 3]),
                 **{n: U([4, 3, 4]) for n in st}},
                sets=[{"input": "x", "index": "2:,1,:", "value": "nan"}, {"input": "x", "index": "3:,2,:", "value": "nan"}],
                dtypes=("float64", "float32"))
        # examples
        acts = [build(B(cls, 100, 3)), {"do": "initialize"}, {"do": "call", "inputs": "x"},
                {"do": "call", "inputs": "x", "states": ["h", "c"] if cls == "LSTM" else "h"}]
        attr(f"layer.{k}.example", "layer", [f"layer.{k}.example.default_state", f"layer.{k}.example.explicit_state"],
             [k, "example"], f"The documented example: {cls}(100, 3) on (5, 3, 10), without and with begin states.",
             None, acts, [None, None, {"shape": [5, 3, 100], "dtype": "float32"},
                          [{"shape": [5, 3, 100], "dtype": "float32"}, [{"shape": [3, 3, 100], "dtype": "float32"}] * nst]],
             gen={"x": U([5, 3, 10]), "h": U([3, 3, 100]), "c": U([3, 3, 100])}, dtypes=["float32"])
    # rnn tanh
    p = layer_params("RNN", 5, 2, False, 3)
    numeric("layer.rnn.tanh", "layer", ["layer.rnn.eq.tanh", "layer.rnn.mode", "layer.rnn.activation.values"],
            ["rnn", "rnn-tanh"], "RNN(activation='tanh'), two layers, vs the reference in mode rnn_tanh.", None,
            [build(B("RNN", 5, 2, "tanh", input_size=3, dtype="$dtype")), set_action(p), {"do": "call", "inputs": "x"}],
            {"output": "2"}, {**param_gen(p), "x": U([4, 2, 3])}, dtypes=("float64", "float32"))
    # LSTM projection and clipping
    p = layer_params("LSTM", 5, 2, True, 3, 3)
    numeric("layer.lstm.projection", "layer",
            ["layer.lstm.shape.output.projection", "layer.lstm.flatten.projection", "layer.lstm.state_info.projection",
             "layer.lstm.projection_size.meaning", "layer.all.op_equivalence", "disc.projection_state_shape_doc"],
            ["lstm", "projection", "bidirectional"], "LSTM(5, 2 layers, bidirectional, projection_size=3) vs the "
            "reference: output (T, N, 6), h (4, N, 3), c (4, N, 5).", None,
            [build(B("LSTM", 5, 2, bidirectional=True, input_size=3, projection_size=3, dtype="$dtype")), set_action(p),
             {"do": "call", "inputs": "x", "states": ["h", "c"]}],
            {"output": "2/0", "h": "2/1/0", "c": "2/1/1"},
            {**param_gen(p), "x": U([5, 2, 3]), "h": U([4, 2, 3]), "c": U([4, 2, 5])}, dtypes=("float64", "float32"))
    p = layer_params("LSTM", 4, 2, False, 3)
    numeric("layer.lstm.clip", "layer", ["layer.lstm.kernel.clip", "layer.lstm.clip.meaning", "layer.lstm.clip.pair"],
            ["lstm", "clip"], "LSTM with state_clip_min=-0.3, state_clip_max=0.25: the operator's clamp.", None,
            [build(B("LSTM", 4, 2, input_size=3, state_clip_min=-0.3, state_clip_max=0.25, dtype="$dtype")),
             set_action(p), {"do": "call", "inputs": "x", "states": ["h", "c"]}],
            {"output": "2/0", "h": "2/1/0", "c": "2/1/1"},
            {**{("p." + k): U(s, -2, 2) for k, s in p}, "x": U([6, 3, 3], -2, 2), "h": U([2, 3, 4]), "c": U([2, 3, 4])})
    numeric("layer.lstm.clip_nan", "layer", ["layer.lstm.clip_nan.meaning", "layer.lstm.kernel.clip"],
            ["lstm", "clip", "nan"], "state_clip_nan=True: a NaN cell state is clamped into the bounds.", None,
            [build(B("LSTM", 4, 2, input_size=3, state_clip_min=-0.5, state_clip_max=0.5, state_clip_nan=True,
                     dtype="$dtype")), set_action(p), {"do": "call", "inputs": "x", "states": ["h", "c"]}],
            {"output": "2/0", "h": "2/1/0", "c": "2/1/1"},
            {**param_gen(p), "x": U([3, 3, 3]), "h": U([2, 3, 4]), "c": U([2, 3, 4])},
            sets=[{"input": "c", "index": "0,1,:", "value": "nan"}])
    acts = [build(B("LSTM", 4, 2, input_size=3, state_clip_nan=True, dtype="float64")), set_action(p),
            build(B("LSTM", 4, 2, input_size=3, dtype="float64"), "plain"), set_action(p, on="plain"),
            {"do": "call", "inputs": "x", "states": ["h", "c"]}, {"do": "call", "on": "plain", "inputs": "x",
                                                                   "states": ["h", "c"]}]
    checks("layer.lstm.clip_nan_ignored", "layer", ["layer.lstm.clip_nan.ignored", "layer.lstm.clip.none"],
           ["lstm", "clip"], "state_clip_nan=True without clip bounds changes nothing.", None, acts,
           [{"rel": "equal", "a": "4/0", "b": "5/0"}, {"rel": "equal", "a": "4/1", "b": "5/1"}],
           gen={**param_gen(p), "x": U([3, 3, 3]), "h": U([2, 3, 4]), "c": U([2, 3, 4])})
    # fixtures: MXNet's saved parameters, its inputs, its outputs
    for name, cls, kw, nst in (("lstm_l2_bi_f64", "LSTM", {"num_layers": 2, "bidirectional": True, "input_size": 4}, 2),
                               ("lstm_l2_bi_f32", "LSTM", {"num_layers": 2, "bidirectional": True, "input_size": 4}, 2),
                               ("lstm_proj_l2_bi_f64", "LSTM", {"num_layers": 2, "bidirectional": True, "input_size": 4,
                                                                "projection_size": 3}, 2),
                               ("lstm_proj_l2_bi_f32", "LSTM", {"num_layers": 2, "bidirectional": True, "input_size": 4,
                                                                "projection_size": 3}, 2),
                               ("gru_l2_bi_f64", "GRU", {"num_layers": 2, "bidirectional": True, "input_size": 4}, 1),
                               ("rnn_relu_l1_f64", "RNN", {"num_layers": 1, "activation": "relu", "input_size": 4}, 1),
                               ("rnn_tanh_l2_f64", "RNN", {"num_layers": 2, "activation": "tanh", "input_size": 4}, 1),
                               ("lstm_ntc_bi_f64", "LSTM", {"bidirectional": True, "layout": "NTC", "input_size": 3}, 2),
                               ("gru_l2_infer_f64", "GRU", {"num_layers": 2}, 1)):
        dt = "float32" if name.endswith("f32") else "float64"
        k = KEY[cls]
        st = ["state_h", "state_c"][:nst]
        claims = ["layer.all.flatten.fixture", "layer.all.op_equivalence", f"layer.{k}.mode"]
        if kw.get("projection_size"):
            claims.append("layer.lstm.flatten.projection")
        if name == "gru_l2_infer_f64":
            claims += ["layer.all.input_size.inferred"]
        if "rnn_relu" in name:
            claims.append("disc.op_rnn_relu_f64_rounding")
        tol = {"rtol": 1e-6, "atol": 1e-7} if dt == "float32" or "relu" in name else None
        numeric(f"layer.fixture.{name}", "layer", claims, [k, "fixture", "serialization"],
                f"MXNet fixture {name}: load its .params, run its inputs, match its outputs.", None,
                [build(B(cls, 6 if "ntc" not in name else 5, dtype=dt, **kw)),
                 {"do": "load_parameters", "file": FIX + name + ".params"},
                 {"do": "call", "inputs": "data", "states": st}],
                {"output": "2/0", **{("out_h", "out_c")[i]: f"2/1/{i}" for i in range(nst)}}, None, dtypes=(dt,),
                fixture={"file": FIX + name + ".npz", "keys": ["output", "out_h", "out_c"][:nst + 1]},
                fixture_inputs={"file": FIX + name + ".npz", "keys": {"data": "data", **{s: s for s in st}}})
        if tol:
            OUT[-1]["tolerance"] = {dt: tol}


def layer_error_cases():
    gen = {"x": U([5, 3, 4]), "h1": U([1, 3, 6]), "h2": U([2, 3, 6]), "c3": U([1, 3, 3]), "h3": U([1, 3, 3])}
    for cid, claims, spec, states, msg in (
            ("layer.error.state_shape_lstm_h", ["layer.lstm.error.state_shape.h", "layer.all.error.state_shape",
                                                "layer.all.state_check"],
             B("LSTM", 6, num_layers=2, input_size=4), ["h1", "h2"],
             "Invalid recurrent state shape. Expecting (2, 3, 6), got (1, 3, 6)."),
            ("layer.error.state_shape_gru_single", ["layer.gru.error.state_shape.single_array", "layer.all.error.state_shape",
                                                    "layer.all.call.single_array_state"],
             B("GRU", 6, bidirectional=True, input_size=4), "h1",
             "Invalid recurrent state shape. Expecting (2, 3, 6), got (1, 3, 6)."),
            ("layer.error.state_shape_projection_c", ["layer.lstm.error.state_shape.projection_c",
                                                      "layer.all.error.state_shape", "disc.projection_state_shape_doc"],
             B("LSTM", 6, input_size=4, projection_size=3), ["h3", "c3"],
             "Invalid recurrent state shape. Expecting (1, 3, 6), got (1, 3, 3).")):
        error(cid, "layer", claims, ["state", "error-message"], f"MXNet's message, verbatim: {msg}", None,
              [build(spec), {"do": "initialize"}, {"do": "call", "inputs": "x", "states": states}],
              "ValueError", msg, gen=gen)
    error("layer.error.projection_h_width", "layer", ["disc.projection_state_shape_doc", "layer.lstm.state_info.projection"],
          ["lstm", "projection", "state"], "With projection an h state of hidden_size width is rejected.", None,
          [build(B("LSTM", 6, input_size=4, projection_size=3)), {"do": "initialize"},
           {"do": "call", "inputs": "x", "states": ["h1", "h1"]}], "ValueError",
          "Invalid recurrent state shape. Expecting (1, 3, 3), got (1, 3, 6).", gen=gen)
    for cid, claims, spec, msg in (
            ("layer.error.layout_tcn", ["layer.all.error.layout", "layer.all.error.layout.example"],
             B("LSTM", 6, layout="TCN"), "Invalid layout TCN; must be one of ['TNC' or 'NTC']"),
            ("layer.error.layout_lower", ["layer.all.error.layout", "layer.all.error.layout.case_sensitive"],
             B("GRU", 6, layout="ntc"), "Invalid layout ntc; must be one of ['TNC' or 'NTC']"),
            ("layer.error.layout_rnn", ["layer.all.error.layout"], B("RNN", 6, layout="CNT"),
             "Invalid layout CNT; must be one of ['TNC' or 'NTC']")):
        error(cid, "layer", claims, ["layout", "error-message"], f"MXNet's message, verbatim: {msg}", None,
              [build(spec)], "ValueError", msg)
    error("layer.error.rnn_activation", "layer", ["layer.rnn.activation.values", "disc.rnn_activation_doc_formula_vs_code"],
          ["rnn", "activation"], "RNN accepts only activation 'relu' or 'tanh'.", None,
          [build(B("RNN", 6, activation="sigmoid"))], "ValueError", "activation")
    error("layer.error.rnn_nonlinearity", "layer", ["disc.rnn_activation_doc_formula_vs_code"], ["rnn", "activation"],
          "There is no `nonlinearity` keyword (the doc formula's name); the parameter is `activation`.", None,
          [build(B("RNN", 6, nonlinearity="tanh"))], "TypeError", "nonlinearity")
    error("layer.error.clip_pair", "layer", ["layer.lstm.clip.pair"], ["lstm", "clip"],
          "state_clip_min without state_clip_max is refused.", None, [build(B("LSTM", 6, state_clip_min=-1.0))],
          "ValueError", "state_clip")
    error("layer.error.unfuse_projection", "layer", ["layer.lstm.unfuse.error.projection"], ["lstm", "unfuse", "projection"],
          "Unfusing an LSTM with a projection is refused (MXNet: '_unfuse does not support projection layer yet!').",
          None, [build(B("LSTM", 6, projection_size=3)), {"do": "unfuse"}], "ValueError",
          "_unfuse does not support projection layer")
    error("layer.error.unfuse_clip", "layer", ["layer.lstm.unfuse.error.clip"], ["lstm", "unfuse", "clip"],
          "Unfusing an LSTM with state clipping is refused (MXNet: '_unfuse does not support state clipping yet!').",
          None, [build(B("LSTM", 6, state_clip_min=-1.0, state_clip_max=1.0)), {"do": "unfuse"}], "ValueError",
          "_unfuse does not support state clipping")
    error("layer.error.sequence_length_missing", "layer", ["layer.all.call.sequence_length"], ["varlen"],
          "A layer built with use_sequence_length=True refuses a call without sequence_length.", None,
          [build(B("GRU", 3, input_size=4, use_sequence_length=True)), {"do": "initialize"},
           {"do": "call", "inputs": "x"}], "ValueError", "sequence_length", gen=gen, dtypes=["float32"])
    error("layer.error.symbolic", "layer", ["layer.all.call.symbolic"], ["symbolic-only"],
          "There are no symbols: a layer called on something that is not an array of floats is refused.", None,
          [build(B("GRU", 3)), {"do": "initialize"}, {"do": "call", "inputs": {"$input": "x"}, "states": None}],
          "ValueError", None, gen={"x": U([3, 2])})


def layer_repr_cases():
    for cid, spec, text, claims in (
            ("lstm_l2_dropout_bi", B("LSTM", 6, num_layers=2, dropout=0.2, bidirectional=True),
             "LSTM(None -> 6, TNC, num_layers=2, dropout=0.2, bidirectional)",
             ["layer.all.repr.example.lstm_l2_dropout_bi", "layer.all.repr.num_layers", "layer.all.repr.dropout",
              "layer.all.repr.bidirectional", "layer.all.repr.unknown_input", "layer.all.repr.format"]),
            ("lstm_plain", B("LSTM", 6, input_size=4), "LSTM(4 -> 6, TNC)",
             ["layer.all.repr.example.lstm_plain", "layer.all.repr.format"]),
            ("gru_ntc_l3", B("GRU", 6, 3, layout="NTC", input_size=4), "GRU(4 -> 6, NTC, num_layers=3)",
             ["layer.all.repr.example.gru_ntc_l3", "layer.all.repr.num_layers"]),
            ("rnn_deferred", B("RNN", 6), "RNN(None -> 6, TNC)",
             ["layer.all.repr.example.rnn_deferred", "layer.all.repr.unknown_input"]),
            ("rnn_tanh", B("RNN", 6, activation="tanh", input_size=4), "RNN(4 -> 6, TNC)",
             ["layer.all.repr.example.rnn_tanh_no_activation"]),
            ("lstm_projection", B("LSTM", 6, input_size=4, projection_size=3), "LSTM(4 -> 6, TNC)",
             ["layer.all.repr.example.lstm_projection", "layer.all.repr.hidden"]),
            ("lstm_ntc_bi", B("LSTM", 5, bidirectional=True, layout="NTC", input_size=3), "LSTM(3 -> 5, NTC, bidirectional)",
             ["layer.all.repr.example.lstm_ntc_bi", "layer.all.repr.bidirectional"]),
            ("gru_hidden", B("GRU", 7, input_size=2), "GRU(2 -> 7, TNC)", ["layer.all.repr.hidden"])):
        acts = [build(spec), {"do": "repr"}]
        attr(f"layer.repr.{cid}", "layer", claims, ["repr"], f"repr: {text}", None, acts, [None, text])


def layer_save_cases():
    for cid, spec, names, claims in (
            ("lstm_l2_bi", B("LSTM", 6, 2, bidirectional=True, input_size=4),
             [f"_unfused.{l}.{d}_cell.{g}_{t}" for l in range(2) for d in "lr"
              for g, t in (("i2h", "weight"), ("h2h", "weight"), ("i2h", "bias"), ("h2h", "bias"))],
             ["layer.all.save.names.bidirectional", "layer.all.save.fixture.bidirectional"]),
            ("rnn_l2", B("RNN", 6, 2, input_size=4),
             [f"_unfused.{l}.{g}_{t}" for l in range(2)
              for g, t in (("i2h", "weight"), ("h2h", "weight"), ("i2h", "bias"), ("h2h", "bias"))],
             ["layer.all.save.names", "layer.all.save.fixture.unidirectional"]),
            ("lstm_proj", B("LSTM", 6, bidirectional=True, input_size=4, projection_size=3),
             [f"_unfused.0.{d}_cell.{g}_{t}" for d in "lr"
              for g, t in (("i2h", "weight"), ("h2h", "weight"), ("i2h", "bias"), ("h2h", "bias"), ("h2r", "weight"))],
             ["layer.lstm.save.h2r", "layer.all.save.names.bidirectional"])):
        acts = [build(spec), {"do": "initialize"}, {"do": "save_names"}]
        checks(f"layer.save.{cid}", "layer", claims, ["serialization", "naming"],
               f"Saved parameter names of {spec['class']}: the '_unfused.' structural names.", None, acts,
               [{"rel": "json_set", "a": "2", "value": names}])
    for L, claims in ((10, ["layer.all.save.ten_layers", "disc.save_parameters_layer_limit"]),
                      (11, ["disc.save_parameters_layer_limit"])):
        names = [f"_unfused.{l}.{g}_{t}" for l in range(L)
                 for g, t in (("i2h", "weight"), ("h2h", "weight"), ("i2h", "bias"), ("h2h", "bias"))]
        acts = [build(B("LSTM", 2, num_layers=L, input_size=2)), {"do": "initialize"}, {"do": "save_names"}]
        checks(f"layer.save.layers_{L}", "layer", claims, ["serialization", "mxnet-bug"],
               f"LSTM(2, num_layers={L}) saves (MXNet 1.9.1 failed from 11 layers on), names up to '_unfused.{L - 1}.'.",
               None, acts, [{"rel": "json_set", "a": "2", "value": names}])
    acts = [build(B("GRU", 3, 2, bidirectional=True, input_size=2)), {"do": "initialize", "seed": 3},
            {"do": "save_load", "block": B("GRU", 3, 2, bidirectional=True, input_size=2)}]
    attr("layer.save.round_trip", "layer", ["layer.all.save.mxnet_loads", "layer.all.save.names.bidirectional"],
         ["serialization"], "A saved layer loads back into a fresh layer of the same construction, values equal.",
         None, acts, [None, None, True])
    for name, cls, kw in (("lstm_l2_bi_f64", "LSTM", {"num_layers": 2, "bidirectional": True, "input_size": 4,
                                                      "dtype": "float64"}),
                          ("rnn_tanh_l2_f64", "RNN", {"num_layers": 2, "activation": "tanh", "input_size": 4,
                                                      "dtype": "float64"})):
        acts = [build(B(cls, 6, **kw)), {"do": "load_parameters", "file": FIX + name + ".params"},
                {"do": "save_bytes", "file": FIX + name + ".params"}]
        attr(f"layer.save.byte_identical.{name}", "layer",
             ["layer.all.save.byte_identical", "layer.all.save.mxnet_loads", "layer.all.save.fixture.bidirectional"
              if "bi" in name else "layer.all.save.fixture.unidirectional"], ["serialization", "fixture"],
             f"Loading MXNet's {name}.params and saving again reproduces the file byte for byte (MXNet loads "
             "such rewritten files: manifest writer_check).", None, acts, [None, None, True])
    acts = [build(B("GRU", 3, input_size=2), "g"), build(B("Block", children={"enc": ref("g")})),
            {"do": "initialize"}, {"do": "save_names"}]
    checks("layer.save.nested", "layer", ["layer.all.save.names.nested", "layer.all.save.names"], ["serialization"],
           "A layer that is the child 'enc' of a plain block saves as 'enc._unfused.0.…'.", None, acts,
           [{"rel": "json_set", "a": "3", "value": [f"enc._unfused.0.{g}_{t}" for g, t in
                                                     (("i2h", "weight"), ("h2h", "weight"), ("i2h", "bias"),
                                                      ("h2h", "bias"))]}])


def layer_unfuse_cases():
    rep = ("HybridSequentialRNNCell(\n(0): BidirectionalCell(forward=LSTMCell(4 -> 24), backward=LSTMCell(4 -> 24))\n"
           "(1): BidirectionalCell(forward=LSTMCell(12 -> 24), backward=LSTMCell(12 -> 24))\n)")
    acts = [build(B("LSTM", 6, 2, bidirectional=True, input_size=4)), {"do": "unfuse"}, {"do": "repr"},
            {"do": "state_info", "batch_size": 3}, {"do": "initialize"}, {"do": "save_names"}, {"do": "prefix"}]
    checks("layer.unfuse.lstm_l2_bi", "layer",
           ["layer.all.unfuse.repr.bidirectional", "layer.all.unfuse.bidirectional", "layer.all.unfuse.cell.lstm",
            "layer.all.unfuse.state_info", "layer.all.unfuse.save_names", "layer.all.unfuse.input_sizes",
            "layer.all.unfuse.stack", "layer.all.unfuse.no_dropout", "disc.fused_vs_unfused_saved_names"],
           ["lstm", "unfuse", "fixture"], "Unfused LSTM(6, 2 layers, bidirectional, input 4): MXNet's repr, eight "
           "(3, 6) 'NC' states, child-index save names, the layer's prefix.", None, acts, [
               {"rel": "json", "a": "2", "value": rep},
               {"rel": "json", "a": "3", "value": [{"shape": [3, 6], "__layout__": "NC"}] * 8},
               {"rel": "json_set", "a": "5", "value": [f"{l}.{d}_cell.{g}_{t}" for l in range(2) for d in "lr"
                                                         for g, t in (("i2h", "weight"), ("h2h", "weight"),
                                                                      ("i2h", "bias"), ("h2h", "bias"))]},
               {"rel": "json", "a": "6", "value": "lstm0_"}])
    rep = ("HybridSequentialRNNCell(\n(0): GRUCell(4 -> 18)\n(1): DropoutCell(rate=0.3, axes=())\n(2): GRUCell(6 -> 18)\n"
           "(3): DropoutCell(rate=0.3, axes=())\n(4): GRUCell(6 -> 18)\n)")
    acts = [build(B("GRU", 6, 3, dropout=0.3, input_size=4)), {"do": "unfuse"}, {"do": "repr"},
            {"do": "state_info", "batch_size": 3}, {"do": "initialize"}, {"do": "save_names"}]
    checks("layer.unfuse.gru_l3_dropout", "layer",
           ["layer.all.unfuse.repr.dropout", "layer.all.unfuse.dropout", "layer.all.unfuse.cell.gru",
            "layer.all.unfuse.state_info", "layer.all.unfuse.save_names", "layer.all.unfuse.input_sizes",
            "layer.all.unfuse.prefix", "disc.fused_vs_unfused_saved_names"],
           ["gru", "unfuse", "dropout", "fixture"], "Unfused GRU(6, 3 layers, dropout 0.3): GRUCell, DropoutCell, "
           "GRUCell, DropoutCell, GRUCell; saved under 0., 2., 4.", None, acts, [
               {"rel": "json", "a": "2", "value": rep},
               {"rel": "json", "a": "3", "value": [{"shape": [3, 6], "__layout__": "NC"}] * 3},
               {"rel": "json_set", "a": "5", "value": [f"{l}.{g}_{t}" for l in (0, 2, 4)
                                                         for g, t in (("i2h", "weight"), ("h2h", "weight"),
                                                                      ("i2h", "bias"), ("h2h", "bias"))]}])
    for act in ("relu", "tanh"):
        acts = [build(B("RNN", 5, 2, act, input_size=3)), {"do": "unfuse"}, {"do": "repr"}, {"do": "collect_params"}]
        attr(f"layer.unfuse.rnn_{act}", "layer", [f"layer.all.unfuse.cell.rnn_{act}", "layer.all.unfuse.prefix",
                                                  "layer.all.unfuse.no_dropout", "layer.all.unfuse.stack",
                                                  "disc.rnn_layer_vs_cell_activation_default"],
             ["rnn", "unfuse"], f"Unfused RNN(activation={act!r}): RNNCells with activation {act!r}, prefixes l0_, l1_, "
             "sharing the layer's parameters.", None, acts,
             [None, None, f"HybridSequentialRNNCell(\n(0): RNNCell(3 -> 5, {act})\n(1): RNNCell(5 -> 5, {act})\n)",
              [f"rnn0_{n}" for n, _ in layer_params("RNN", 5, 2, False, 3)]])
    acts = [build(B("GRU", 3, 2, input_size=2, i2h_weight_initializer="ones", h2h_weight_initializer="zeros",
                    i2h_bias_initializer="ones", h2h_bias_initializer="ones")), {"do": "unfuse"},
            {"do": "initialize"}, {"do": "get_params", "names": ["l1_i2h_weight", "l1_h2h_weight", "l1_i2h_bias"]}]
    checks("layer.unfuse.initializers", "layer", ["layer.all.unfuse.initializers"], ["unfuse", "initializer"],
           "The unfused cells take the layer's initializers.", None, acts,
           [{"rel": "constant", "a": "3/0", "value": 1.0}, {"rel": "constant", "a": "3/1", "value": 0.0},
            {"rel": "constant", "a": "3/2", "value": 1.0}])
    for cls, kw in (("LSTM", {"bidirectional": True}), ("GRU", {}), ("RNN", {"activation": "tanh"})):
        k = KEY[cls]
        p = layer_params(cls, 4, 2, bool(kw.get("bidirectional")), 3)
        D = 2 if kw.get("bidirectional") else 1
        acts = [build(B(cls, 4, 2, input_size=3, dtype="$dtype", **kw)), set_action(p), {"do": "call", "inputs": "x"},
                {"do": "unfuse", "name": "u"},
                {"do": "unroll", "on": "u", "length": 5, "inputs": "x", "layout": "TNC", "merge_outputs": True}]
        numeric(f"layer.unfuse.equivalent_{k}", "layer", ["layer.all.unfuse.equivalent", "layer.all.unfuse.stack"],
                [k, "unfuse"], f"{cls}: the unfused stack, unrolled TNC with merge_outputs=True, matches the fused "
                "output (both against the reference).", None, acts, {"fused": "2", "unfused": "4/0"},
                {**param_gen(p), "x": U([5, 3, 3])}, dtypes=("float64",))
    acts = [build(B("LSTM", 20)), {"do": "initialize"}, {"do": "call", "inputs": "x"}]
    attr("layer.lstm.example_sequential_model", "layer", ["layer.lstm.example.sequential_model"], ["lstm", "example", "needs-nn"],
         "The LSTM(20) of the Embedding-LSTM-Dense example on the embedded (2, 3, 10) tokens gives (2, 3, 20) "
         "(fusedrnn has no Embedding/Dense: only the LSTM's part is checked).", None, acts,
         [None, None, {"shape": [2, 3, 20], "dtype": "float32"}], gen={"x": U([2, 3, 10])}, dtypes=["float32"])


# =====================================================================================
# cell level
# =====================================================================================

def cell_signature_cases():
    for cls in CELLS + ("SequentialRNNCell", "HybridSequentialRNNCell", "BidirectionalCell", "DropoutCell",
                        "ZoneoutCell", "ResidualCell"):
        sig = SIGNATURES[cls]
        pos = [p[0] for p in sig["positional"]]
        if cls in CELLS:
            k = KEY[cls]
            claims = [f"cell.{k}.position.{n}" for n in pos] + [f"cell.{k}.default.{n}" for n in pos[1:]] + [
                f"cell.{k}.required.hidden_size", "disc.cell_prefix_doc_vs_signature"]
            blocks = [build(B(cls, 4))]
        else:
            short = {"SequentialRNNCell": "sequential", "HybridSequentialRNNCell": "hybrid_sequential",
                     "BidirectionalCell": "bidirectional", "DropoutCell": "dropout", "ZoneoutCell": "zoneout",
                     "ResidualCell": "residual"}[cls]
            claims = {"sequential": ["cell.sequential.signature", "cell.recurrent.position.prefix"],
                      "hybrid_sequential": ["cell.hybrid_sequential.signature"],
                      "bidirectional": ["cell.bidirectional.position.l_cell", "cell.bidirectional.position.r_cell",
                                        "cell.bidirectional.position.output_prefix",
                                        "cell.bidirectional.default.output_prefix"],
                      "dropout": ["cell.dropout.position.rate", "cell.dropout.position.axes", "cell.dropout.default.axes",
                                  "cell.dropout.position.prefix", "cell.dropout.default.prefix",
                                  "cell.dropout.position.params", "cell.dropout.default.params"],
                      "zoneout": ["cell.zoneout.position.base_cell", "cell.zoneout.position.zoneout_outputs",
                                  "cell.zoneout.default.zoneout_outputs", "cell.zoneout.position.zoneout_states",
                                  "cell.zoneout.default.zoneout_states", "cell.zoneout.exists"],
                      "residual": ["cell.residual.position.base_cell", "cell.modifier.base_cell"]}[short]
            k = short
            blocks = {"bidirectional": [build(B("GRUCell", 2), "a"), build(B("GRUCell", 2), "b"),
                                        build(B(cls, ref("a"), ref("b")))],
                      "dropout": [build(B(cls, 0.5))],
                      "zoneout": [build(B("GRUCell", 2), "a"), build(B(cls, ref("a")))],
                      "residual": [build(B("GRUCell", 2), "a"), build(B(cls, ref("a")))]}.get(short, [build(B(cls))])
        acts = blocks + [{"do": "signature"}]
        attr(f"cell.{k}.signature", "cell", claims, [k, "signature", "constructor"],
             f"{cls}'s constructor: positional parameters in order with their defaults.", None, acts,
             last(acts, {"positional": sig["positional"], "keyword": sig["keyword"]}))
        if cls in CELLS:
            error(f"cell.{k}.error.required_hidden_size", "cell", [f"cell.{k}.required.hidden_size"], [k, "constructor"],
                  f"{cls}() without hidden_size fails with TypeError.", None, [build(B(cls))], "TypeError", "hidden_size")
    for what, claims, expect in (
            ("unroll", ["cell.unroll.position.length", "cell.unroll.position.inputs", "cell.unroll.position.begin_state",
                        "cell.unroll.default.begin_state", "cell.unroll.position.layout", "cell.unroll.default.layout",
                        "cell.unroll.position.merge_outputs", "cell.unroll.default.merge_outputs",
                        "cell.unroll.position.valid_length", "cell.unroll.default.valid_length"],
             {"positional": METHODS["unroll"]["positional"], "keyword": "$any"}),
            ("begin_state", ["cell.begin_state.position.batch_size", "cell.begin_state.position.func",
                             "disc.begin_state_func_default"],
             {"positional": METHODS["begin_state"]["positional"], "keyword": {}, "var_keyword": "kwargs"}),
            ("call", ["cell.forward.signature", "cell.call.step"],
             {"positional": METHODS["cell_call"]["positional"], "keyword": "$any"})):
        acts = [build(B("LSTMCell", 3)), {"do": "signature", "of": what}]
        attr(f"cell.signature.{what}", "cell", claims, ["signature"], f"A cell's {what} signature.", None, acts,
             last(acts, expect))


def cell_basic_cases():
    for cls in CELLS:
        k = KEY[cls]
        g, H, I = GATES[cls], 5, 3
        ns = 2 if cls == "LSTMCell" else 1
        p = cell_params(cls, H, I)
        acts = [build(B(cls, H, input_size=I)), {"do": "params"}, {"do": "collect_params"},
                {"do": "state_info", "batch_size": 4}, {"do": "begin_state", "batch_size": 4}, {"do": "repr"}]
        attr(f"cell.{k}.structure", "cell",
             ["cell.all.param.names", "cell.all.param.shapes", f"cell.{k}.state_info", "cell.all.state_info.keys",
              f"cell.{k}.shape.states", "cell.begin_state.returns", f"cell.{k}.repr" if cls != "RNNCell" else "cell.rnn.repr",
              "cell.recurrent.prefix.weights", f"cell.{k}.default.prefix", "disc.cell_prefix_doc_vs_signature"],
             [k, "params", "state"], f"{cls}({H}, input_size={I}): parameter names and shapes, automatic prefix "
             f"'{k}0_', {ns} 'NC' state(s) of (4, {H}) without dtype, repr.", None, acts,
             [None, [[n, s, "float32"] for n, s in p], [f"{k}0_{n}" for n, _ in p],
              [{"shape": [4, H], "__layout__": "NC"}] * ns, [{"shape": [4, H], "dtype": "float32"}] * ns,
              {"RNNCell": f"RNNCell({I} -> {H}, tanh)", "LSTMCell": f"LSTMCell({I} -> {4 * H})",
               "GRUCell": f"GRUCell({I} -> {3 * H})"}[cls]])
        # one step, numeric, against the equations
        eq = {"RNNCell": ["cell.rnn.eq", "cell.rnn.default.activation", "disc.rnn_layer_vs_cell_activation_default"],
              "LSTMCell": ["cell.lstm.eq.i", "cell.lstm.eq.f", "cell.lstm.eq.g", "cell.lstm.eq.o", "cell.lstm.eq.c",
                           "cell.lstm.eq.h", "cell.lstm.gate_slices", "cell.lstm.default.activation",
                           "cell.lstm.default.recurrent_activation", "cell.lstm.activation.role",
                           "cell.lstm.recurrent_activation.role"],
              "GRUCell": ["cell.gru.eq.r", "cell.gru.eq.z", "cell.gru.eq.n", "cell.gru.eq.h", "cell.gru.eq.cudnn_variant",
                          "cell.gru.gate_slices"]}[cls]
        st = ["h", "c"][:ns]
        numeric(f"cell.{k}.step", "cell", eq + [f"cell.{k}.shape.input", f"cell.{k}.shape.output",
                                                 f"cell.{k}.shape.next_states", "cell.forward.returns",
                                                 "cell.forward.chainable", "cell.call.step", "cell.forward.input_2d",
                                                 "cell.all.input_size.inferred"],
                [k, "stepping"], f"{cls}({H}): two chained steps from given states, against the claim's equations.",
                None, [build(B(cls, H)), {"do": "cast", "dtype": "$dtype"}, {"do": "initialize"}, set_action(p),
                       {"do": "step", "inputs": "x0", "states": st},
                       {"do": "step", "inputs": "x1", "states": {"$result": "4/1"}}],
                {"out0": "4/0", "out1": "5/0", **{f"state{i}": f"5/1/{i}" for i in range(ns)}},
                {**param_gen(p), "x0": U([4, I]), "x1": U([4, I]), "h": U([4, H]), "c": U([4, H])},
                dtypes=("float64", "float32"))
        # positional construction, observable
    acts = [build(B("RNNCell", 6, "relu", "ones", "zeros", "ones", "zeros", 4, "foo_", None)), {"do": "repr"},
            {"do": "collect_params"}, {"do": "initialize"},
            {"do": "get_params", "names": ["i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias"]}]
    checks("cell.rnn.positional_all", "cell", [f"cell.rnn.position.{p[0]}" for p in SIGNATURES["RNNCell"]["positional"]]
           + ["cell.rnn.activation.type", "cell.recurrent.prefix.weights"], ["rnn", "constructor"],
           "RNNCell with every argument positional: activation, initializers, input_size and prefix land in place.",
           None, acts, [{"rel": "json", "a": "1", "value": "RNNCell(4 -> 6, relu)"},
                        {"rel": "json", "a": "2", "value": [f"foo_{n}" for n, _ in cell_params("RNNCell", 6, 4)]},
                        {"rel": "constant", "a": "4/0", "value": 1.0}, {"rel": "constant", "a": "4/1", "value": 0.0},
                        {"rel": "constant", "a": "4/2", "value": 1.0}, {"rel": "constant", "a": "4/3", "value": 0.0}])
    for cls in ("LSTMCell", "GRUCell"):
        k = KEY[cls]
        acts = [build(B(cls, 6, "ones", "zeros", "ones", "zeros", 4, "bar_", None)), {"do": "repr"},
                {"do": "collect_params"}, {"do": "initialize"},
                {"do": "get_params", "names": ["i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias"]}]
        checks(f"cell.{k}.positional_all", "cell", [f"cell.{k}.position.{p[0]}" for p in SIGNATURES[cls]["positional"][:8]],
               [k, "constructor"], f"{cls} with the first eight arguments positional: initializers, input_size, prefix.",
               None, acts, [{"rel": "json", "a": "1", "value": f"{cls}(4 -> {GATES[cls] * 6})"},
                            {"rel": "json", "a": "2", "value": [f"bar_{n}" for n, _ in cell_params(cls, 6, 4)]},
                            {"rel": "constant", "a": "4/0", "value": 1.0}, {"rel": "constant", "a": "4/1", "value": 0.0},
                            {"rel": "constant", "a": "4/2", "value": 1.0}, {"rel": "constant", "a": "4/3", "value": 0.0}])
        # params positional (slot 8) shares
        p = cell_params(cls, 3, 2)
        acts = [build(B(cls, 3, input_size=2), "a"), build(B(cls, 3, None, None, "zeros", "zeros", 2, None,
                                                            {"$params": "a"}), "b"),
                set_action(p, on="a"), {"do": "get_params", "on": "b", "names": [n for n, _ in p]},
                {"do": "get_params", "on": "a", "names": [n for n, _ in p]}]
        checks(f"cell.{k}.params_shared", "cell", [f"cell.{k}.position.params", f"cell.{k}.default.params",
                                                   "cell.recurrent.default.params"], [k, "sharing"],
               f"{cls}(..., params=<other's params>) in slot 8 shares the other cell's parameters.", None, acts,
               [{"rel": "equal", "a": "3", "b": "4"}], gen=param_gen(p))
    p = cell_params("RNNCell", 3, 2)
    acts = [build(B("RNNCell", 3, input_size=2), "a"),
            build(B("RNNCell", 3, "tanh", None, None, "zeros", "zeros", 2, None, {"$params": "a"}), "b"),
            set_action(p, on="a"), {"do": "get_params", "on": "b", "names": [n for n, _ in p]},
            {"do": "get_params", "on": "a", "names": [n for n, _ in p]}]
    checks("cell.rnn.params_shared", "cell", ["cell.rnn.position.params", "cell.rnn.default.params",
                                              "cell.recurrent.default.params"], ["rnn", "sharing"],
           "RNNCell(..., params=<other's params>) in slot 9 shares the other cell's parameters.", None, acts,
           [{"rel": "equal", "a": "3", "b": "4"}], gen=param_gen(p))
    # LSTMCell activations in slots 9 and 10; other activation types
    p = cell_params("LSTMCell", 4, 3)
    numeric("cell.lstm.activations", "cell", ["cell.lstm.position.activation", "cell.lstm.position.recurrent_activation",
                                              "cell.lstm.activation.other_types", "cell.lstm.activation.role",
                                              "cell.lstm.recurrent_activation.role"], ["lstm", "activation"],
            "LSTMCell(4, ..., 'softsign', 'softrelu') positionally: g and tanh(c) use softsign, gates softrelu.",
            None, [build(B("LSTMCell", 4, None, None, "zeros", "zeros", 3, None, None, "softsign", "softrelu")),
                   {"do": "cast", "dtype": "$dtype"}, {"do": "initialize"}, set_action(p),
                   {"do": "step", "inputs": "x", "states": ["h", "c"]}],
            {"out": "4/0", "c": "4/1/1"}, {**param_gen(p), "x": U([3, 3]), "h": U([3, 4]), "c": U([3, 4])})
    for act in ("relu", "sigmoid", "softsign", "softrelu"):
        p = cell_params("RNNCell", 4, 3)
        numeric(f"cell.rnn.activation_{act}", "cell", ["cell.rnn.activation.type"] + (
            ["cell.rnn.eq.relu"] if act == "relu" else []), ["rnn", "activation"],
                f"RNNCell(activation={act!r}): the same formula with {act}.", None,
                [build(B("RNNCell", 4, act)), {"do": "cast", "dtype": "$dtype"}, {"do": "initialize"}, set_action(p),
                 {"do": "step", "inputs": "x", "states": ["h"]}],
                {"out": "4/0"}, {**param_gen(p, scale=1.5), "x": U([3, 3]), "h": U([3, 4])})
    error("cell.error.activation_unknown", "cell", ["cell.rnn.activation.type"], ["rnn", "activation"],
          "An activation name that is not an activation type is refused.", None,
          [build(B("RNNCell", 4, "nonsense"))], "ValueError", "activation")
    # no states given: zeros; hybridize; begin_state variants
    p = cell_params("GRUCell", 3, 2)
    acts = [build(B("GRUCell", 3, input_size=2)), {"do": "cast", "dtype": "float64"}, {"do": "initialize"},
            set_action(p), {"do": "step", "inputs": "x"}, {"do": "begin_state", "batch_size": 4,
                                                           "kwargs": {"dtype": "float64"}},
            {"do": "step", "inputs": "x", "states": {"$result": "5"}}, {"do": "hybridize"},
            {"do": "step", "inputs": "x", "states": {"$result": "5"}}]
    checks("cell.gru.begin_state_default", "cell", ["cell.begin_state.kwargs", "cell.begin_state.batch_size.required_imperative",
                                                    "cell.hybrid_recurrent.hybridize", "cell.begin_state.returns"],
           ["gru", "begin-state", "hybridize"], "begin_state(4, dtype='float64') gives zero states equal to stepping "
           "without states; hybridize() changes nothing.", None, acts,
           [{"rel": "equal", "a": "4/0", "b": "6/0"}, {"rel": "equal", "a": "6/0", "b": "8/0"},
            {"rel": "dtype", "a": "5", "dtype": "float64"}, {"rel": "constant", "a": "5", "value": 0.0}],
           gen={**param_gen(p), "x": U([4, 2])})
    acts = [build(B("LSTMCell", 3)), {"do": "begin_state", "batch_size": 2, "func": "ones"},
            {"do": "begin_state", "batch_size": 2, "func": "$names"}]
    checks("cell.begin_state.func", "cell", ["cell.begin_state.func.alternatives", "cell.begin_state.returns"],
           ["begin-state"], "begin_state(func=ones) gives ones; states are named prefix + 'begin_state_' + counter.",
           None, acts, [{"rel": "constant", "a": "1", "value": 1.0},
                        {"rel": "json", "a": "2", "value": ["lstm0_begin_state_2", "lstm0_begin_state_3"]}])
    # save names of a single cell
    acts = [build(B("LSTMCell", 3, input_size=2)), {"do": "initialize"}, {"do": "save_names"}]
    checks("cell.save.single", "cell", ["cell.all.save.names"], ["serialization"],
           "A saved single cell uses the bare names i2h_weight, h2h_weight, i2h_bias, h2h_bias.", None, acts,
           [{"rel": "json_set", "a": "2", "value": ["i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias"]}])
    # reprs from the claims
    for cid, spec, text, claims in (
            ("rnn_deferred", B("RNNCell", 6), "RNNCell(None -> 6, tanh)", ["cell.rnn.repr"]),
            ("rnn_relu", B("RNNCell", 6, activation="relu", input_size=4), "RNNCell(4 -> 6, relu)", ["cell.rnn.repr"]),
            ("lstm", B("LSTMCell", 6, input_size=4), "LSTMCell(4 -> 24)", ["cell.lstm.repr"]),
            ("gru", B("GRUCell", 6), "GRUCell(None -> 18)", ["cell.gru.repr"]),
            ("dropout", B("DropoutCell", 0.5), "DropoutCell(rate=0.5, axes=())", ["cell.dropout.repr"])):
        attr(f"cell.repr.{cid}", "cell", claims, ["repr"], f"repr: {text}", None, [build(spec), {"do": "repr"}],
             [None, text])
    acts = [build(B("LSTMCell", 6), "a"), build(B("ZoneoutCell", ref("a"), 0.1, 0.2)), {"do": "repr"}]
    attr("cell.repr.zoneout", "cell", ["cell.zoneout.repr", "cell.zoneout.position.zoneout_outputs",
                                       "cell.zoneout.position.zoneout_states"], ["repr", "zoneout"],
         "ZoneoutCell(LSTMCell(6), 0.1, 0.2) prints p_out=0.1, p_state=0.2.", None, acts,
         [None, None, "ZoneoutCell(p_out=0.1, p_state=0.2, LSTMCell(None -> 24))"])
    acts = [build(B("GRUCell", 6), "a"), build(B("ResidualCell", ref("a"))), {"do": "repr"}]
    attr("cell.repr.residual", "cell", ["cell.residual.repr"], ["repr", "residual"],
         "ResidualCell(GRUCell(6)) prints 'ResidualCell(GRUCell(None -> 18))'.", None, acts,
         [None, None, "ResidualCell(GRUCell(None -> 18))"])


def _cell_setup(cls, H, I, name="main", dtype="$dtype"):
    p = cell_params(cls, H, I)
    return p, [build(B(cls, H, input_size=I), name), {"do": "cast", "dtype": dtype, "on": name},
               {"do": "initialize", "on": name}, set_action(p, on=name, prefix=f"{name}.")]


def cell_unroll_cases():
    H, I, T, N = 4, 3, 5, 3
    p, setup = _cell_setup("LSTMCell", H, I)
    pg = param_gen(p, prefix="main.")
    st = {"h": U([N, H]), "c": U([N, H])}
    n = len(setup)
    # forms: tensor NTC/TNC, list; merge True/False/None
    for layout in ("NTC", "TNC"):
        shape = [N, T, I] if layout == "NTC" else [T, N, I]
        acts = setup + [{"do": "unroll", "length": T, "inputs": "x", "begin_state": ["h", "c"], "layout": layout,
                         "merge_outputs": True}]
        numeric(f"cell.unroll.tensor_{layout.lower()}", "cell",
                [f"cell.unroll.inputs.tensor_{layout.lower()}", "cell.unroll.merge_outputs.true", "cell.unroll.returns",
                 "cell.unroll.length.min", "cell.unroll.valid_length.none", "cell.unroll.position.layout"],
                ["unroll", "lstm", layout.lower()], f"LSTMCell unrolled over a {layout} tensor, merged: the steps of "
                "the equations.", None, acts, {"out": f"{n}/0", "h": f"{n}/1/0", "c": f"{n}/1/1"},
                {**pg, "x": U(shape), **st}, dtypes=("float64", "float32"))
    xs = [f"x{t}" for t in range(T)]
    lg = {**pg, **{x: U([N, I]) for x in xs}, **st}
    for merge, claims, expect in (
            (True, ["cell.unroll.merge_outputs.true", "cell.unroll.inputs.list"], {"shape": [N, T, H], "dtype": "float64"}),
            (False, ["cell.unroll.merge_outputs.false", "cell.unroll.inputs.list"], [{"shape": [N, H], "dtype": "float64"}] * T),
            (None, ["cell.unroll.merge_outputs.none", "cell.unroll.default.merge_outputs", "disc.unroll_merge_outputs_none"],
             [{"shape": [N, H], "dtype": "float64"}] * T)):
        acts = setup[:3] + [{"do": "unroll", "length": T, "inputs": xs, "merge_outputs": merge}]
        if merge is None:
            acts[-1].pop("merge_outputs")
        attr(f"cell.unroll.list_merge_{str(merge).lower()}", "cell", claims, ["unroll", "merge-outputs"],
             f"List input, merge_outputs={merge}: the form of the outputs.", None,
             [a for a in acts if a["do"] != "set_params"], last(acts, [expect, [{"shape": [N, H], "dtype": "float64"}] * 2]),
             gen={x: U([N, I]) for x in xs}, dtypes=["float64"])
        OUT[-1]["config"]["actions"][1]["dtype"] = "float64"
    for merge, vl, expect, claims in (
            (None, False, [{"shape": [N, H], "dtype": "float64"}] * T,
             ["cell.unroll.merge_outputs.none", "disc.unroll_merge_outputs_none", "cell.unroll.default.valid_length"]),
            (None, True, {"shape": [N, T, H], "dtype": "float64"},
             ["cell.unroll.merge_outputs.none", "disc.unroll_merge_outputs_none"]),
            (False, False, [{"shape": [N, H], "dtype": "float64"}] * T, ["cell.unroll.merge_outputs.false"])):
        acts = [build(B("LSTMCell", H, input_size=I)), {"do": "cast", "dtype": "float64"}, {"do": "initialize"},
                {"do": "unroll", "length": T, "inputs": "x"}]
        if merge is not None:
            acts[-1]["merge_outputs"] = merge
        if vl:
            acts[-1]["valid_length"] = "vl"
        attr(f"cell.unroll.tensor_merge_{str(merge).lower()}{'_vl' if vl else ''}", "cell", claims,
             ["unroll", "merge-outputs"] + (["varlen"] if vl else []),
             f"Tensor input, merge_outputs={merge}{' with valid_length' if vl else ''}: MXNet 1.9.1 returns "
             f"{'one tensor' if isinstance(expect, dict) else 'a list'}.", None, acts,
             last(acts, [expect, [{"shape": [N, H], "dtype": "float64"}] * 2]),
             gen={"x": U([N, T, I]), "vl": lengths([5, 2, 3])}, dtypes=["float64"])
    # list inputs with layout TNC and NTC give the same values (layout only matters for tensors)
    acts = setup + [{"do": "unroll", "length": T, "inputs": xs, "layout": "TNC", "merge_outputs": False},
                    {"do": "unroll", "length": T, "inputs": xs, "layout": "NTC", "merge_outputs": False},
                    {"do": "unroll", "length": T, "inputs": xs, "layout": "TNC", "merge_outputs": True}]
    checks("cell.unroll.layout_list", "cell", ["cell.unroll.layout.tensor_only", "cell.unroll.merge_outputs.true"],
           ["unroll", "layout"], "For a list input layout changes nothing but the merged axis: (T, N, H) for TNC.",
           None, acts, [{"rel": "equal", "a": f"{n}/0", "b": f"{n + 1}/0"},
                        {"rel": "shape", "a": f"{n + 2}/0", "value": [T, N, H]}], gen=lg, dtypes=["float64"])
    for a in OUT[-1]["config"]["actions"]:
        if a["do"] == "cast":
            a["dtype"] = "float64"
    # positional unroll arguments
    acts = setup + [{"do": "unroll", "length": T, "inputs": "x", "begin_state": ["h", "c"], "layout": "TNC",
                     "merge_outputs": True, "valid_length": "vl", "positional": True}]
    numeric("cell.unroll.positional", "cell",
            ["cell.unroll.position.length", "cell.unroll.position.inputs", "cell.unroll.position.begin_state",
             "cell.unroll.position.layout", "cell.unroll.position.merge_outputs", "cell.unroll.position.valid_length"],
            ["unroll", "signature"], "unroll(5, x, [h, c], 'TNC', True, valid_length) with every argument positional.",
            None, acts, {"out": f"{n}/0", "h": f"{n}/1/0", "c": f"{n}/1/1"},
            {**pg, "x": U([T, N, I]), **st, "vl": lengths([2, 5, 0])})
    # valid_length with NaN padding
    for cls in CELLS:
        k = KEY[cls]
        p2, s2 = _cell_setup(cls, H, I)
        ns = 2 if cls == "LSTMCell" else 1
        acts = s2 + [{"do": "unroll", "length": T, "inputs": "x", "begin_state": ["h", "c"][:ns], "merge_outputs": True,
                      "valid_length": "vl"}]
        numeric(f"cell.unroll.valid_length_{k}", "cell",
                ["cell.unroll.valid_length.shape", "cell.unroll.valid_length.masks_outputs",
                 "cell.unroll.valid_length.last_valid_state", "cell.unroll.begin_state.from_other"],
                ["unroll", "varlen", "nan", k], f"{cls} with valid_length [5, 2, 0, 3] and NaN in the padding: outputs "
                "0 past each length, states of the last valid step, NaN never reaches either.", None, acts,
                {"out": f"{len(s2)}/0", **{f"s{i}": f"{len(s2)}/1/{i}" for i in range(ns)}},
                {**param_gen(p2, prefix="main."), "x": U([4, T, I]), "h": U([4, H]), "c": U([4, H]),
                 "vl": lengths([5, 2, 0, 3])},
                sets=[{"input": "x", "index": "1,2:,:", "value": "nan"}, {"input": "x", "index": "2,:,:", "value": "nan"},
                      {"input": "x", "index": "3,3:,:", "value": "inf"}], dtypes=("float64", "float32"))
    # default begin state, begin state from another cell
    acts = setup + [{"do": "unroll", "length": T, "inputs": "x"},
                    {"do": "begin_state", "batch_size": N, "kwargs": {"dtype": "$dtype"}},
                    {"do": "unroll", "length": T, "inputs": "x", "begin_state": {"$result": f"{n + 1}"}}]
    checks("cell.unroll.begin_state_default", "cell", ["cell.unroll.begin_state.default", "cell.unroll.returns"],
           ["unroll", "begin-state"], "unroll without begin_state equals unroll from begin_state().", None, acts,
           [{"rel": "equal", "a": f"{n}", "b": f"{n + 2}"}], gen={**pg, "x": U([N, T, I])}, dtypes=["float64"])
    p2, s2 = _cell_setup("GRUCell", H, I, "g2")
    acts = setup + s2 + [{"do": "unroll", "length": T, "inputs": "x"},
                         {"do": "unroll", "on": "g2", "length": T, "inputs": "x", "begin_state": [{"$result": f"{2 * n}/1/0"}],
                          "merge_outputs": True}]
    numeric("cell.unroll.begin_state_from_other", "cell", ["cell.unroll.begin_state.from_other"], ["unroll", "begin-state"],
            "A GRUCell unrolled from the final h of an LSTMCell.", None, acts, {"out": f"{2 * n + 1}/0"},
            {**pg, **param_gen(p2, prefix="g2."), "x": U([N, T, I])})
    # errors
    acts = setup[:3] + [{"do": "unroll", "length": T, "inputs": "x", "valid_length": "vl"}]
    error("cell.error.valid_length_bound", "cell", ["cell.unroll.valid_length.bound"], ["unroll", "varlen"],
          "A valid_length entry above length is refused.", None, acts, "ValueError", "valid_length",
          gen={"x": U([N, T, I]), "vl": lengths([5, 6, 1])})
    acts = setup[:3] + [{"do": "unroll", "length": T, "inputs": None}]
    error("cell.error.unroll_inputs_none", "cell", ["cell.unroll.inputs.none"], ["unroll", "symbolic-only"],
          "inputs=None (symbolic graphs only) is refused: there are no symbols.", None, acts, "ValueError", "inputs")
    acts = setup[:3] + [{"do": "unroll", "length": 0, "inputs": []}]
    error("cell.error.unroll_length_zero", "cell", ["cell.unroll.length.min"], ["unroll"],
          "unroll needs at least one step.", None, acts, "ValueError")
    acts = setup[:3] + [{"do": "unroll", "length": 4, "inputs": "x"}]
    error("cell.error.unroll_length_mismatch", "cell", ["cell.unroll.inputs.tensor_ntc"], ["unroll"],
          "A tensor whose T axis (NTC: axis 1) is not `length` long is refused.", None, acts, "ValueError", "length",
          gen={"x": U([N, T, I])})
    # fixture: LSTMCell with valid_length, MXNet's numbers
    for name, spec, ns, claims, vl in (
            ("cell_rnn_tanh", B("RNNCell", 6, input_size=4), 1, ["cell.rnn.eq", "cell.rnn.default.activation"], False),
            ("cell_lstm", B("LSTMCell", 6, input_size=4), 2, ["cell.lstm.eq.h", "cell.lstm.gate_slices"], False),
            ("cell_gru", B("GRUCell", 6, input_size=4), 1, ["cell.gru.eq.h", "cell.gru.gate_slices"], False),
            ("cell_lstm_valid_length", B("LSTMCell", 6, input_size=4), 2,
             ["cell.unroll.fixture.lstm_valid_length", "cell.unroll.valid_length.masks_outputs"], True)):
        acts = [build(spec), {"do": "cast", "dtype": "float64"}, {"do": "load_parameters", "file": FIX + name + ".params"},
                {"do": "unroll", "length": 5, "inputs": "data", "begin_state": [f"state_{i}" for i in range(ns)],
                 "layout": "NTC", "merge_outputs": True}]
        if vl:
            acts[-1]["valid_length"] = "valid_length"
        keys = {"data": "data", **{f"state_{i}": f"state_{i}" for i in range(ns)}}
        if vl:
            keys["valid_length"] = "valid_length"
        numeric(f"cell.fixture.{name}", "cell", claims + ["cell.all.save.names"], ["fixture", "unroll"],
                f"MXNet fixture {name}: its saved parameters and inputs, its outputs.", None, acts,
                {"output": "3/0", **{f"out_state_{i}": f"3/1/{i}" for i in range(ns)}}, None,
                fixture={"file": FIX + name + ".npz", "keys": ["output"] + [f"out_state_{i}" for i in range(ns)]},
                fixture_inputs={"file": FIX + name + ".npz", "keys": keys})


def cell_container_cases():
    H1, H2, I, T, N = 4, 3, 3, 5, 2
    p1, s1 = _cell_setup("LSTMCell", H1, I, "a")
    p2, s2 = _cell_setup("GRUCell", H2, H1, "b")
    g = {**param_gen(p1, prefix="a."), **param_gen(p2, prefix="b."), "x": U([N, T, I]),
         "h1": U([N, H1]), "c1": U([N, H1]), "h2": U([N, H2])}
    for cls in ("SequentialRNNCell", "HybridSequentialRNNCell"):
        k = "sequential" if cls == "SequentialRNNCell" else "hybrid_sequential"
        base = s1 + s2 + [build(B(cls)), {"do": "add", "child": "a"}, {"do": "add", "child": "b"}]
        n = len(base)
        numeric(f"cell.{k}.unroll", "cell", [f"cell.{k}.add", "cell.sequential.unroll.per_child",
                                             "cell.sequential.states.concat"], [k, "sequential", "unroll"],
                f"{cls} of LSTMCell(4) and GRUCell(3), unrolled with states [h1, c1, h2].", None,
                base + [{"do": "unroll", "length": T, "inputs": "x", "begin_state": ["h1", "c1", "h2"],
                         "merge_outputs": True}],
                {"out": f"{n}/0", "s0": f"{n}/1/0", "s1": f"{n}/1/1", "s2": f"{n}/1/2"}, g)
        numeric(f"cell.{k}.step", "cell", ["cell.sequential.step.slices", "cell.sequential.states.concat"],
                [k, "sequential", "stepping"], f"{cls}: one step hands each child its slice of [h1, c1, h2].", None,
                base + [{"do": "step", "inputs": "x0", "states": ["h1", "c1", "h2"]}],
                {"out": f"{n}/0", "s0": f"{n}/1/0", "s1": f"{n}/1/1", "s2": f"{n}/1/2"}, {**g, "x0": U([N, I])})
    acts = [build(B("LSTMCell", 6), "a"), build(B("LSTMCell", 5), "b"), build(B("SequentialRNNCell")),
            {"do": "add", "child": "a"}, {"do": "add", "child": "b"}, {"do": "state_info", "batch_size": 3},
            {"do": "repr"}]
    attr("cell.sequential.structure", "cell", ["cell.sequential.states.fixture", "cell.sequential.states.concat",
                                               "cell.sequential.repr", "cell.sequential.add"], ["sequential", "fixture"],
         "A stack of LSTMCell(6) and LSTMCell(5): four state_info entries (3, 6), (3, 6), (3, 5), (3, 5); repr one "
         "child per line.", None, acts,
         [None] * 5 + [[{"shape": [3, 6], "__layout__": "NC"}] * 2 + [{"shape": [3, 5], "__layout__": "NC"}] * 2,
                       "SequentialRNNCell(\n(0): LSTMCell(None -> 24)\n(1): LSTMCell(None -> 20)\n)"])
    acts = [build(B("LSTMCell", 20, input_size=10), "a"), build(B("LSTMCell", 20), "b"), build(B("SequentialRNNCell")),
            {"do": "add", "child": "a"}, {"do": "add", "child": "b"}, {"do": "initialize"},
            {"do": "begin_state", "batch_size": 32}] + [
        {"do": "step", "inputs": f"x{t}", "states": {"$result": "6" if t == 0 else f"{6 + t}/1"}} for t in range(5)]
    attr("cell.sequential.example", "cell", ["cell.sequential.example.step_loop", "cell.begin_state.sequential_example",
                                             "cell.forward.chainable"], ["sequential", "example", "stepping"],
         "The documented loop: a stack of two LSTMCell(20), begin_state(batch_size=32), five steps over (32, 10) "
         "inputs, each output (32, 20).", None, acts,
         ["$any"] * 7 + [[{"shape": [32, 20], "dtype": "float32"}, [{"shape": [32, 20], "dtype": "float32"}] * 4]] * 5,
         gen={f"x{t}": U([32, 10]) for t in range(5)}, dtypes=["float32"])
    acts = [build(B("GRUCell", 3, input_size=2), "a"), build(B("GRUCell", 3, input_size=3), "b"), build(B("SequentialRNNCell")),
            {"do": "add", "child": "a"}, {"do": "add", "child": "b"}, {"do": "initialize"}, {"do": "save_names"}]
    checks("cell.sequential.save", "cell", ["cell.sequential.save.names"], ["sequential", "serialization"],
           "A saved stack names parameters by child index.", None, acts,
           [{"rel": "json_set", "a": "6", "value": [f"{i}.{n}" for i in range(2)
                                                     for n in ("i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias")]}])
    error("cell.sequential.error.add_layer", "cell", ["cell.sequential.add"], ["sequential"],
          "add() takes a recurrent cell only.", None,
          [build(B("GRU", 3), "l"), build(B("SequentialRNNCell")), {"do": "add", "child": "l"}], "TypeError")
    # bidirectional
    pl, sl = _cell_setup("LSTMCell", 4, 3, "l")
    pr, sr = _cell_setup("LSTMCell", 4, 3, "r")
    base = sl + sr + [build(B("BidirectionalCell", ref("l"), ref("r")))]
    n = len(base)
    bg = {**param_gen(pl, prefix="l."), **param_gen(pr, prefix="r."), "x": U([3, 5, 3]),
          **{f"s{i}": U([3, 4]) for i in range(4)}, "vl": lengths([5, 2, 3])}
    for vl, layout, claims in ((False, "NTC", ["cell.bidirectional.roles", "cell.bidirectional.unroll.concat",
                                               "cell.bidirectional.states", "cell.bidirectional.unroll.reverse_valid"]),
                               (True, "NTC", ["cell.bidirectional.unroll.reverse_valid", "cell.bidirectional.states",
                                              "cell.unroll.valid_length.masks_outputs", "disc.bidirectional_valid_length_ntc"]),
                               (True, "TNC", ["cell.bidirectional.unroll.reverse_valid",
                                              "cell.unroll.valid_length.last_valid_state"])):
        for merge in ((True, None) if vl else (True,)):
            u = {"do": "unroll", "length": 5, "inputs": "x" if layout == "NTC" else "xt",
                 "begin_state": [f"s{i}" for i in range(4)], "layout": layout}
            if merge is not None:
                u["merge_outputs"] = merge
            if vl:
                u["valid_length"] = "vl"
            numeric(f"cell.bidirectional.unroll_{layout.lower()}{'_vl' if vl else ''}{'_merge_none' if merge is None else ''}",
                    "cell", claims, ["bidirectional", "unroll"] + (["varlen", "nan"] if vl else []),
                    f"BidirectionalCell of two LSTMCell(4), {layout}, valid_length={vl}, merge_outputs={merge}: l forward, "
                    "r over the reversed valid prefix, features [l | r], states l + r.", None, base + [u],
                    {"out": f"{n}/0", **{f"s{i}": f"{n}/1/{i}" for i in range(4)}},
                    {**bg, "xt": U([5, 3, 3])},
                    sets=[{"input": "x", "index": "1,2:,:", "value": "nan"}, {"input": "xt", "index": "2:,1,:", "value": "nan"}]
                    if vl else None)
    for name, vl in (("cell_bidirectional_lstm", False), ("cell_bidirectional_lstm_valid_length", True)):
        acts = [build(B("LSTMCell", 6, input_size=4), "l"), build(B("LSTMCell", 6, input_size=4), "r"),
                build(B("BidirectionalCell", ref("l"), ref("r"))), {"do": "cast", "dtype": "float64"},
                {"do": "load_parameters", "file": FIX + name + ".params"},
                {"do": "unroll", "length": 5, "inputs": "data", "begin_state": [f"state_{i}" for i in range(4)],
                 "layout": "NTC", "merge_outputs": True}]
        keys = {"data": "data", **{f"state_{i}": f"state_{i}" for i in range(4)}}
        if vl:
            acts[-1]["valid_length"] = "valid_length"
            keys["valid_length"] = "valid_length"
        numeric(f"cell.fixture.{name}", "cell", ["cell.bidirectional.fixture.valid_length" if vl else
                                                 "cell.bidirectional.unroll.concat", "cell.bidirectional.save.names",
                                                 "cell.bidirectional.states"],
                ["fixture", "bidirectional"], f"MXNet fixture {name}: (3, 5, 12) output and four states.", None, acts,
                {"output": "5/0", **{f"out_state_{i}": f"5/1/{i}" for i in range(4)}}, None,
                fixture={"file": FIX + name + ".npz", "keys": ["output"] + [f"out_state_{i}" for i in range(4)]},
                fixture_inputs={"file": FIX + name + ".npz", "keys": keys})
    acts = [build(B("LSTMCell", 6), "l"), build(B("LSTMCell", 6), "r"), build(B("BidirectionalCell", ref("l"), ref("r"))),
            {"do": "state_info", "batch_size": 3}, {"do": "repr"}]
    attr("cell.bidirectional.structure", "cell", ["cell.bidirectional.states.fixture", "cell.bidirectional.repr",
                                                  "cell.bidirectional.states"], ["bidirectional", "repr"],
         "BidirectionalCell of two LSTMCell(6): four (3, 6) states; repr forward=..., backward=....", None, acts,
         [None, None, None, [{"shape": [3, 6], "__layout__": "NC"}] * 4,
          "BidirectionalCell(forward=LSTMCell(None -> 24), backward=LSTMCell(None -> 24))"])
    acts = [build(B("GRUCell", 3, input_size=2), "l"), build(B("GRUCell", 3, input_size=2), "r"),
            build(B("BidirectionalCell", ref("l"), ref("r"))), {"do": "initialize"}, {"do": "save_names"}]
    checks("cell.bidirectional.save", "cell", ["cell.bidirectional.save.names"], ["bidirectional", "serialization"],
           "A saved BidirectionalCell names parameters l_cell.* and r_cell.*.", None, acts,
           [{"rel": "json_set", "a": "4", "value": [f"{d}_cell.{n}" for d in "lr"
                                                     for n in ("i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias")]}])
    acts = [build(B("GRUCell", 3, input_size=2), "l"), build(B("GRUCell", 3, input_size=2), "r"),
            build(B("BidirectionalCell", ref("l"), ref("r"))), {"do": "initialize"},
            {"do": "step", "inputs": "x"}]
    error("cell.bidirectional.error.step", "cell", ["cell.bidirectional.no_step"], ["bidirectional", "stepping"],
          "A BidirectionalCell cannot be stepped.", None, acts, "NotImplementedError", "unroll", gen={"x": U([2, 2])})


def cell_modifier_cases():
    p, s = _cell_setup("GRUCell", 4, 4, "a")
    pg = {**param_gen(p, prefix="a."), "x": U([3, 5, 4]), "x0": U([3, 4]), "h": U([3, 4]), "vl": lengths([5, 1, 3])}
    # residual
    base = s + [build(B("ResidualCell", ref("a")))]
    n = len(base)
    numeric("cell.residual.step", "cell", ["cell.residual.sum", "cell.modifier.use_modifier"], ["residual", "stepping"],
            "ResidualCell(GRUCell(4)): one step's output is the GRU output plus the input.", None,
            base + [{"do": "step", "inputs": "x0", "states": ["h"]}], {"out": f"{n}/0", "h": f"{n}/1/0"}, pg)
    numeric("cell.residual.valid_length", "cell", ["cell.residual.valid_length", "cell.residual.sum"],
            ["residual", "unroll", "varlen", "nan"], "ResidualCell unrolled with valid_length: inputs masked before "
            "the sum, so padded outputs stay 0 (NaN padding included).", None,
            base + [{"do": "unroll", "length": 5, "inputs": "x", "begin_state": ["h"], "valid_length": "vl",
                     "merge_outputs": True}], {"out": f"{n}/0", "h": f"{n}/1/0"}, pg,
            sets=[{"input": "x", "index": "1,1:,:", "value": "nan"}])
    # modifier rules
    error("cell.modifier.error.direct_call", "cell", ["cell.modifier.no_direct_call", "cell.modifier.use_modifier"],
          ["modifier"], "After wrapping, stepping the base cell directly is refused.", None,
          s + [build(B("ResidualCell", ref("a"))), {"do": "step", "on": "a", "inputs": "x0", "states": ["h"]}],
          "ValueError", "modif", gen=pg)
    error("cell.modifier.error.twice", "cell", ["cell.modifier.once"], ["modifier"],
          "A cell already wrapped cannot be wrapped again.", None,
          [build(B("GRUCell", 3), "a"), build(B("ResidualCell", ref("a")), "z"), build(B("ZoneoutCell", ref("a"), 0.5))],
          "ValueError", "modified")
    # zoneout
    zs = s + [build(B("ZoneoutCell", ref("a"), 0.5, 0.5))]
    n = len(zs)
    numeric("cell.zoneout.inference", "cell", ["cell.zoneout.inference", "cell.zoneout.exists", "cell.modifier.use_modifier"],
            ["zoneout", "unroll"], "ZoneoutCell(GRUCell, 0.5, 0.5) outside training is the base cell.", None,
            zs + [{"do": "unroll", "length": 5, "inputs": "x", "begin_state": ["h"], "merge_outputs": True}],
            {"out": f"{n}/0", "h": f"{n}/1/0"}, pg)
    p2, s2 = _cell_setup("GRUCell", 4, 4, "b")
    s2[-1] = set_action(p, on="b", prefix="a.")
    acts = zs + s2 + [{"do": "step", "inputs": "x0", "states": ["h"], "training": True, "seed": 5},
                      {"do": "step", "on": "b", "inputs": "x0", "states": ["h"]}]
    m = len(zs) + len(s2)
    checks("cell.zoneout.training", "cell", ["cell.zoneout.training", "cell.zoneout.no_rescale"], ["zoneout"],
           "In training each new output/state element is either the new value (not rescaled) or the previous one "
           "(zeros for the first output, the given state), both occurring.", None, acts,
           [{"rel": "choice_of", "a": f"{m}/0", "options": [f"{m + 1}/0", "in:zero"], "each_used": True},
            {"rel": "choice_of", "a": f"{m}/1/0", "options": [f"{m + 1}/1/0", "in:h"], "each_used": True}],
           gen={**pg, "zero": C([3, 4], 0.0)}, dtypes=["float64"])
    seqz = [build(B("GRUCell", 3, input_size=2), "a"), build(B("GRUCell", 3), "b"), build(B("SequentialRNNCell"), "s"),
            {"do": "add", "on": "s", "child": "a"}, {"do": "add", "on": "s", "child": "b"},
            build(B("ZoneoutCell", ref("s"), 0.3, 0.3)), {"do": "initialize"},
            {"do": "step", "inputs": "x0", "training": True, "seed": 3}]
    attr("cell.zoneout.sequential", "cell", ["disc.zoneout_sequential", "cell.zoneout.training"], ["zoneout", "sequential",
                                                                                                   "mxnet-bug"],
         "ZoneoutCell(SequentialRNNCell) works (MXNet 1.9.1 raised AttributeError).", None, seqz,
         last(seqz, [{"shape": [2, 3], "dtype": "float32"}, [{"shape": [2, 3], "dtype": "float32"}] * 2]),
         gen={"x0": U([2, 2])}, dtypes=["float32"])
    # dropout cell
    for cid, claims, acts, rels in (
            ("training", ["cell.dropout.rate", "cell.dropout.axes.empty", "cell.dropout.shape", "cell.dropout.states"],
             [build(B("DropoutCell", 0.5)), {"do": "step", "inputs": "x0", "states": ["h"], "training": True, "seed": 9}],
             [{"rel": "dropout_of", "a": "1/0", "b": "in:x0", "p": 0.5}, {"rel": "equal", "a": "1/1/0", "b": "in:h"},
              {"rel": "shape", "a": "1/0", "value": [3, 16]}]),
            ("inference", ["cell.dropout.inference", "cell.dropout.states"],
             [build(B("DropoutCell", 0.5)), {"do": "step", "inputs": "x0", "states": ["h"]}],
             [{"rel": "equal", "a": "1/0", "b": "in:x0"}, {"rel": "equal", "a": "1/1/0", "b": "in:h"}]),
            ("axes", ["cell.dropout.axes", "cell.dropout.position.axes"],
             [build(B("DropoutCell", 0.5, [0])), {"do": "step", "inputs": "x0", "states": [], "training": True,
                                                   "seed": 4}],
             [{"rel": "dropout_of", "a": "1/0", "b": "in:x0", "p": 0.5}, {"rel": "same_mask_along", "a": "1/0", "axis": 0}])):
        checks(f"cell.dropout.{cid}", "cell", claims, ["dropout"], f"DropoutCell(0.5) {cid}.", None, acts, rels,
               gen={"x0": U([3, 16], 0.5, 1.5), "h": U([3, 16])}, dtypes=["float64"])
    error("cell.dropout.error.rate", "cell", ["cell.dropout.rate"], ["dropout"], "A dropout rate of 1 or more is refused.",
          None, [build(B("DropoutCell", 1.0))], "ValueError", "rate")


def build_all():
    OUT.clear()
    layer_signature_cases()
    layer_positional_cases()
    layer_default_cases()
    layer_params_cases()
    layer_state_cases()
    layer_call_cases()
    layer_error_cases()
    layer_repr_cases()
    layer_save_cases()
    layer_unfuse_cases()
    cell_signature_cases()
    cell_basic_cases()
    cell_unroll_cases()
    cell_container_cases()
    cell_modifier_cases()
    return list(OUT)
