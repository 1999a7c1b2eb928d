"""Legacy-level cases (MXNet 0.10 `mxnet.rnn`, scripts), for make_cases.py.

Written to conformance/cases/legacy_{numeric,attribute,error}.json. Expectations
are written from the claims in conformance/claims/legacy.json (signatures from
harness/legacy_reference.SIGNATURES, names and shapes from the documented
formulas), never read back from fusedrnn.legacy. Numeric expectations come from
the NumPy interpreter harness/legacy_reference.py (cell equations,
fusedrnn.reference.rnn for FusedRNNCell).
"""
import json
import os
import sys

SUITE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, SUITE)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from case_helpers import TOL, B, U, build, last, ref, seed_of  # noqa: E402
from harness.legacy_reference import FUNCTIONS, GATES, METHODS, SIGNATURES, flat_layout  # noqa: E402

FILES = {"legacy_numeric.json": ("legacy", "numeric"), "legacy_attribute.json": ("legacy", "attribute"),
         "legacy_error.json": ("legacy", "error")}
OUT = []
NG = {"rnn": 1, "lstm": 4, "gru": 3}
KEY = {"BaseRNNCell": "base", "RNNCell": "rnn", "LSTMCell": "lstm", "GRUCell": "gru", "FusedRNNCell": "fused",
       "SequentialRNNCell": "sequential", "BidirectionalCell": "bidirectional", "DropoutCell": "dropout",
       "ZoneoutCell": "zoneout", "ResidualCell": "residual", "RNNParams": "rnn_params",
       "BucketSentenceIter": "bucket_iter"}


def _case(cid, claims, tags, desc, kind, actions, **extra):
    c = {"id": cid, "claims": sorted(set(claims)), "level": "legacy",
         "tags": sorted({t.replace("_", "-") for t in tags}), "description": desc,
         "config": {"actions": json.loads(json.dumps(actions))}, "kind": kind}
    c.update(extra)
    assert not any(o["id"] == cid for o in OUT), cid
    OUT.append(c)
    return c


def _gen(cid, gen, kw):
    if gen:
        kw["generate"] = {"seed": seed_of(cid), "distributions": gen}


def _has_set(v):
    return isinstance(v, dict) and set(v) == {"$set"}


def attr(cid, claims, tags, desc, actions, expect, gen=None):
    if any(_has_set(e) for e in expect):       # order-free lists: relations json / json_set per result
        rels = [{"rel": "json_set", "a": str(i), "value": e["$set"]} if _has_set(e) else
                {"rel": "json", "a": str(i), "value": e} for i, e in enumerate(expect) if e != "$any"]
        return checks(cid, claims, tags, desc, actions, rels, gen=gen)
    kw = {"query": "results", "expect": expect}
    _gen(cid, gen, kw)
    return _case(cid, claims, tags, desc, "attribute", actions, **kw)


def checks(cid, claims, tags, desc, actions, rels, gen=None):
    kw = {"query": "checks", "expect": True, "checks": rels}
    _gen(cid, gen, kw)
    return _case(cid, claims, tags, desc, "attribute", actions, **kw)


def error(cid, claims, tags, desc, actions, etype, frag=None, gen=None):
    e = {"type": etype}
    if frag:
        e["message_contains"] = frag
    kw = {"expect_error": e}
    _gen(cid, gen, kw)
    return _case(cid, claims, sorted(set(tags) | {"validation"}), desc, "error", actions, **kw)


def numeric(cid, claims, tags, desc, actions, outputs, gen, dtypes=("float64", "float32")):
    for dt in dtypes:
        sfx = "f64" if dt == "float64" else "f32"
        kw = {"dtypes": [dt], "outputs": outputs, "tolerance": {dt: TOL[dt]},
              "generate": {"seed": seed_of(cid), "distributions": gen}, "expected": {"from": "reference"}}
        _case(f"{cid}.{sfx}", claims, set(tags) | {sfx}, desc, "numeric", actions, **kw)


# ---- weights, from the claims' formulas -------------------------------------------------

def cell_w(prefix, kind, H, I, scale=0.6):
    """(distributions, set_weights params) of a basic cell: {prefix}{i2h|h2h}_{weight|bias}."""
    g = NG[kind]
    shapes = {"i2h_weight": [g * H, I], "i2h_bias": [g * H], "h2h_weight": [g * H, H], "h2h_bias": [g * H]}
    gen = {f"w.{prefix}{k}": U(s, -scale, scale) for k, s in shapes.items()}
    return gen, {f"{prefix}{k}": f"w.{prefix}{k}" for k in shapes}


def fused_size(I, H, L, mode, bi):
    size = 0
    for _, shape in flat_layout(I, H, L, mode, bi):
        n = 1
        for s in shape:
            n *= s
        size += n
    return size


def fused_w(prefix, mode, H, I, L=1, bi=False, scale=0.5):
    name = f"{prefix}parameters"
    return {f"w.{name}": U([fused_size(I, H, L, mode, bi)], -scale, scale)}, {name: f"w.{name}"}


def merge(*pairs):
    gen, params = {}, {}
    for g, p in pairs:
        gen.update(g)
        params.update(p)
    return gen, params


def setw(params, on=None):
    a = {"do": "set_weights", "params": params}
    if on:
        a["on"] = on
    return a


# ---- signatures and defaults --------------------------------------------------------------

MIN_ARGS = {"RNNCell": [3], "LSTMCell": [3], "GRUCell": [3], "FusedRNNCell": [3], "DropoutCell": [0.5],
            "BucketSentenceIter": [[[1, 2], [3, 4]], 2]}
NEEDS_CELL = ("ZoneoutCell", "ResidualCell")


def make_main(cls):
    """Actions that build `main` of class cls with the fewest arguments."""
    if cls in NEEDS_CELL:
        return [build(B("LSTMCell", 3), "inner"), build(B(cls, ref("inner")))]
    if cls == "BidirectionalCell":
        return [build(B("LSTMCell", 3, prefix="l_"), "l"), build(B("GRUCell", 3, prefix="r_"), "r"),
                build(B(cls, ref("l"), ref("r")))]
    return [build(B(cls, *MIN_ARGS.get(cls, [])))]


def claims_of(key, params):
    out = []
    for i, p in enumerate(params):
        out.append(f"legacy.{key}.position.{p[0]}")
        out.append(f"legacy.{key}.{'default' if len(p) > 1 else 'required'}.{p[0]}")
    return out


def signature_cases():
    for cls, sig in SIGNATURES.items():
        key = KEY[cls]
        acts = make_main(cls) + [{"do": "signature"}]
        attr(f"legacy.{key}.signature.constructor", claims_of(key, sig["positional"]), ["signature", "constructor"],
             f"{cls}'s constructor parameters in order, with the 0.10 document's defaults (required ones without).",
             acts, last(acts, sig))
    for fn, sig in FUNCTIONS.items():
        if fn == "encode_sentences":
            cl = claims_of("encode_sentences", sig["positional"]) + ["legacy.encode_sentences.input"]
            cid, tags = "legacy.encode_sentences.signature", ["signature", "io-utils"]
            desc = ("encode_sentences(sentences, vocab=None, invalid_label=-1, invalid_key='\\n', start_label=0) "
                    "plus the keyword-only unknown_token extension.")
        else:
            short = fn.split("_")[0]
            cl = [f"legacy.checkpoint.{short}.signature", "legacy.checkpoint.cells_arg"]
            cid, tags = f"legacy.checkpoint.{short}.signature", ["signature", "checkpoint", "symbolic-only"]
            desc = f"{fn} keeps the 0.10 signature (cells first), although it only raises NotImplementedError."
        attr(cid, cl, tags, desc, [{"do": "signature", "function": fn}], [sig])
    # methods of every cell
    for what, sig in METHODS.items():
        claims = {"call": ["legacy.base.method.call"],
                  "unroll": ["legacy.base.method.unroll"] + [
                      f"legacy.base.unroll.{'position' if i < 2 else k}.{p[0]}"
                      for i, p in enumerate(sig["positional"]) for k in ("position", "default") if i >= 2 or
                      k == "position"],
                  "begin_state": ["legacy.base.begin_state.signature", "legacy.base.method.begin_state"],
                  "reset": ["legacy.base.method.reset"],
                  "unpack_weights": ["legacy.base.method.unpack_weights", "legacy.base.unpack.dict"],
                  "pack_weights": ["legacy.base.method.pack_weights"]}[what]
        claims = sorted(set(claims))
        for cls in ("LSTMCell", "FusedRNNCell", "SequentialRNNCell", "BidirectionalCell", "ZoneoutCell"):
            acts = make_main(cls) + [{"do": "signature", "of": what}]
            attr(f"legacy.{KEY[cls]}.signature.{what}", claims, ["signature", "cell-interface"],
                 f"{cls}.{what} takes the 0.10 document's parameters"
                 + (" (no valid_length)" if what == "unroll" else "")
                 + (" and no batch_size" if what == "begin_state" else "") + ".",
                 acts, last(acts, sig))


MEMBERS = {"__call__": "method", "unroll": "method", "reset": "method", "begin_state": "method",
           "unpack_weights": "method", "pack_weights": "method", "params": "property",
           "state_info": "property", "state_shape": "property"}
MEMBER_CLAIM = {"__call__": "call", "unroll": "unroll", "reset": "reset", "begin_state": "begin_state",
                "unpack_weights": "unpack_weights", "pack_weights": "pack_weights", "params": "params",
                "state_info": "state_info", "state_shape": "state_shape"}


def member_cases():
    classes = ("RNNCell", "LSTMCell", "GRUCell", "FusedRNNCell", "SequentialRNNCell", "BidirectionalCell",
               "DropoutCell", "ZoneoutCell", "ResidualCell")
    for cls in classes:
        acts = make_main(cls) + [{"do": "members", "names": list(MEMBERS)}]
        attr(f"legacy.{KEY[cls]}.members", [f"legacy.base.method.{v}" for v in MEMBER_CLAIM.values()],
             ["cell-interface"], f"{cls} has the methods __call__, unroll, reset, begin_state, unpack_weights, "
             "pack_weights and the properties params, state_info, state_shape.", acts, last(acts, MEMBERS))
    acts = [build(B("LSTMCell", 2), "a"), build(B("GRUCell", 2), "b"), build(B("RNNCell", 2), "c"),
            {"do": "prefix", "on": "a"}, {"do": "prefix", "on": "b"}, {"do": "prefix", "on": "c"}]
    attr("legacy.cells.basic.exist", ["legacy.cells.basic"], ["cell-interface"],
         "The module offers LSTMCell, GRUCell and RNNCell (built with their default prefixes).",
         acts, [None, None, None, "lstm_", "gru_", "rnn_"])
    acts = [build(B("LSTMCell", 2, prefix="a_"), "a"), build(B("LSTMCell", 2, prefix="b_"), "b"),
            build(B("BidirectionalCell", ref("a"), ref("b")), "bi"), build(B("DropoutCell", 0.5), "d"),
            build(B("LSTMCell", 2, prefix="z_"), "zb"), build(B("ZoneoutCell", ref("zb"), 0.1, 0.1), "z"),
            build(B("LSTMCell", 2, prefix="r_"), "rb"), build(B("ResidualCell", ref("rb")), "r"),
            {"do": "state_shape", "on": "bi"}, {"do": "prefix", "on": "d"}, {"do": "prefix", "on": "z"},
            {"do": "prefix", "on": "r"}]
    attr("legacy.cells.modifiers.exist", ["legacy.cells.modifiers"], ["modifier"],
         "The module offers BidirectionalCell, DropoutCell, ZoneoutCell and ResidualCell; modifiers take the "
         "base cell's prefix.", acts, [None] * 8 + [[[0, 2]] * 4, "dropout_", "z_", "r_"])


def default_cases():
    # BaseRNNCell
    acts = [build(B("BaseRNNCell")), {"do": "prefix"}, {"do": "params"}, {"do": "members", "names": ["params"]}]
    attr("legacy.base.defaults", ["legacy.base.default.prefix", "legacy.base.default.params"], ["constructor"],
         "BaseRNNCell() has the prefix '' and its own (empty) parameter container.", acts,
         [None, "", [], {"params": "property"}])
    # basic cells: prefix and own params
    for cls, kind in (("LSTMCell", "lstm"), ("GRUCell", "gru"), ("RNNCell", "rnn")):
        key, g, H, I = KEY[cls], NG[kind], 3, 2
        acts = [build(B(cls, H)), {"do": "prefix"}, {"do": "initialize", "input_size": I, "seed": 1},
                {"do": "params"}]
        p = f"{key}_"
        names = [[f"{p}i2h_weight", [g * H, I], "float32"], [f"{p}i2h_bias", [g * H], "float32"],
                 [f"{p}h2h_weight", [g * H, H], "float32"], [f"{p}h2h_bias", [g * H], "float32"]]
        acts.append({"do": "get_weights"})
        attr(f"legacy.{key}.defaults.prefix_params",
             [f"legacy.{key}.default.prefix", f"legacy.{key}.default.params"], [key, "constructor", "params"],
             f"{cls}({H}) is named '{p}' and creates its own parameters {p}i2h_weight, {p}i2h_bias, "
             f"{p}h2h_weight, {p}h2h_bias.", acts,
             [None, p, None, {"$set": names}, {n: {"shape": s, "dtype": d} for n, s, d in names}])
    # LSTMCell forget_bias
    for fb, cid in ((None, "legacy.lstm.defaults.forget_bias"), (2.5, "legacy.lstm.forget_bias.init")):
        H = 3
        kw = {} if fb is None else {"forget_bias": fb}
        acts = [build(B("LSTMCell", H, **kw)), {"do": "initialize", "input_size": 2, "seed": 3},
                {"do": "get_weights", "names": ["lstm_i2h_bias", "lstm_h2h_bias"]}]
        v = 1.0 if fb is None else fb
        checks(cid, ["legacy.lstm.default.forget_bias", "legacy.lstm.forget_bias"] if fb is None else
               ["legacy.lstm.forget_bias", "legacy.lstm.position.forget_bias"], ["lstm", "initializer"],
               f"After initialize, LSTMCell's forget-gate bias (i2h rows [H, 2H)) is {v}, the other bias rows 0 "
               "and the h2h bias 0, so forget_bias is what the forget gate's bias adds.", acts,
               [{"rel": "constant", "a": "2/0", "index": f"{H}:{2 * H}", "value": v},
                {"rel": "constant", "a": "2/0", "index": f":{H}", "value": 0.0},
                {"rel": "constant", "a": "2/0", "index": f"{2 * H}:", "value": 0.0},
                {"rel": "constant", "a": "2/1", "value": 0.0}])
    # forget_bias passed positionally (4th)
    acts = [build(B("LSTMCell", 2, "p_", None, 3.0)), {"do": "prefix"},
            {"do": "initialize", "input_size": 2, "seed": 3}, {"do": "get_weights", "names": ["p_i2h_bias"]}]
    checks("legacy.lstm.positional_args", ["legacy.lstm.position.prefix", "legacy.lstm.position.params",
                                           "legacy.lstm.position.forget_bias", "legacy.lstm.position.num_hidden"],
           ["lstm", "constructor"], "LSTMCell(2, 'p_', None, 3.0): prefix 2nd, params 3rd, forget_bias 4th.",
           acts, [{"rel": "json", "a": "1", "value": "p_"},
                  {"rel": "constant", "a": "3/0", "index": "2:4", "value": 3.0}])
    # FusedRNNCell defaults
    H, I = 3, 2
    size = fused_size(I, H, 1, "lstm", False)
    acts = [build(B("FusedRNNCell", H)), {"do": "prefix"}, {"do": "state_info"},
            {"do": "initialize", "input_size": I, "seed": 2}, {"do": "params"}]
    attr("legacy.fused.defaults.layers_mode_direction",
         ["legacy.fused.default.num_layers", "legacy.fused.default.mode", "legacy.fused.default.bidirectional",
          "legacy.fused.default.prefix", "legacy.fused.default.params", "legacy.fused.params.flat",
          "disc.legacy_fused_prefix_doc_vs_signature", "legacy.fused.prefix.mode"],
         ["fused", "constructor", "params", "naming"],
         f"FusedRNNCell({H}) is one forward LSTM layer named 'lstm_' with its own flat vector 'lstm_parameters' "
         f"of {size} elements (the operator's size formula) and two (1, 0, {H}) states.", acts,
         [None, "lstm_", [{"shape": [1, 0, H], "__layout__": "LNC"}] * 2, None,
          [["lstm_parameters", [size], "float32"]]])
    for mode in ("gru", "rnn_relu", "rnn_tanh"):
        size = fused_size(I, H, 2, mode, True)
        acts = [build(B("FusedRNNCell", H, 2, mode, True)), {"do": "prefix"},
                {"do": "initialize", "input_size": I, "seed": 2}, {"do": "params"}, {"do": "state_shape"}]
        attr(f"legacy.fused.prefix.{mode}", ["legacy.fused.prefix.mode", "disc.legacy_fused_prefix_doc_vs_signature",
                                             "legacy.fused.params.flat", "legacy.fused.mode.values",
                                             "legacy.fused.position.mode", "legacy.fused.position.bidirectional",
                                             "legacy.fused.position.num_layers"],
             ["fused", "naming", "params"],
             f"FusedRNNCell({H}, 2, '{mode}', True) without prefix is named '{mode}_'; its flat vector "
             f"'{mode}_parameters' has {size} elements; states (4, 0, {H}).", acts,
             [None, f"{mode}_", None, [[f"{mode}_parameters", [size], "float32"]], [[4, 0, H]]])
    acts = [build(B("FusedRNNCell", H, prefix="my_")), {"do": "prefix"}]
    attr("legacy.fused.prefix.given", ["legacy.fused.position.prefix", "legacy.fused.prefix.mode"],
         ["fused", "naming"], "An explicit prefix replaces the mode-derived one.", acts, [None, "my_"])
    # get_next_state default: no states
    gen, params = fused_w("lstm_", "lstm", 3, 2)
    gen["x"] = U([2, 4, 2])
    acts = [build(B("FusedRNNCell", 3)), setw(params), {"do": "unroll", "length": 4, "inputs": "x"}]
    checks("legacy.fused.defaults.get_next_state", ["legacy.fused.default.get_next_state",
                                                   "legacy.fused.default.dropout"],
           ["fused", "state"], "Without get_next_state the fused unroll returns no states ([]); merge_outputs "
           "None gives one array for FusedRNNCell.", acts,
           [{"rel": "length", "a": "2/1", "value": 0}, {"rel": "shape", "a": "2/0", "value": [2, 4, 3]}], gen=gen)
    # dropout default 0: training changes nothing with two layers
    gen, params = fused_w("lstm_", "lstm", 3, 2, L=2)
    gen["x"] = U([2, 4, 2])
    acts = [build(B("FusedRNNCell", 3, 2)), setw(params),
            {"do": "unroll", "length": 4, "inputs": "x", "training": True, "seed": 7},
            {"do": "unroll", "length": 4, "inputs": "x"}]
    checks("legacy.fused.defaults.dropout", ["legacy.fused.default.dropout", "legacy.fused.position.dropout"],
           ["fused", "dropout"], "With the default dropout 0.0 a two-layer fused cell gives the same outputs in "
           "training as outside it.", acts, [{"rel": "equal", "a": "2/0", "b": "3/0"}], gen=gen)
    # fused forget_bias default 1.0 and given
    for fb in (None, 0.25):
        kw = {} if fb is None else {"forget_bias": fb}
        v = 1.0 if fb is None else fb
        acts = [build(B("FusedRNNCell", 3, 2, **kw)), {"do": "initialize", "input_size": 2, "seed": 4},
                {"do": "get_weights"}, {"do": "unpack_weights", "args": {"$result": "2"}},
                {"do": "pick", "from": "3", "keys": ["lstm_l0_i2h_f_bias", "lstm_l1_i2h_f_bias",
                                                    "lstm_l0_h2h_f_bias", "lstm_l1_i2h_i_bias"]}]
        cid = "legacy.fused.defaults.forget_bias" if fb is None else "legacy.fused.forget_bias.given"
        checks(cid, ["legacy.fused.default.forget_bias"] if fb is None else
               ["legacy.fused.position.forget_bias", "legacy.fused.default.forget_bias"],
               ["fused", "lstm", "initializer"],
               f"A fresh FusedRNNCell (lstm) starts with every layer's i2h forget-gate bias at {v}; the h2h "
               "forget bias and the other gates' biases are 0.", acts,
               [{"rel": "constant", "a": "4/0", "value": v}, {"rel": "constant", "a": "4/1", "value": v},
                {"rel": "constant", "a": "4/2", "value": 0.0}, {"rel": "constant", "a": "4/3", "value": 0.0}])
    # containers and modifiers
    acts = [build(B("SequentialRNNCell")), {"do": "params"}, build(B("LSTMCell", 2, prefix="a_"), "a"),
            {"do": "add", "child": "a"}, {"do": "initialize", "input_size": 2, "seed": 0}, {"do": "params"}]
    attr("legacy.sequential.defaults.params", ["legacy.sequential.default.params",
                                              "legacy.sequential.position.params"], ["sequential", "params"],
         "SequentialRNNCell() makes its own container, which lists its children's parameters once added.", acts,
         [None, [], None, None, None, {"$set": [["a_i2h_weight", [8, 2], "float32"], ["a_i2h_bias", [8], "float32"],
                                                ["a_h2h_weight", [8, 2], "float32"], ["a_h2h_bias", [8], "float32"]]}])
    acts = make_main("BidirectionalCell") + [{"do": "initialize", "input_size": 2, "seed": 0}, {"do": "params"}]
    attr("legacy.bidirectional.defaults.params", ["legacy.bidirectional.default.params",
                                                  "legacy.bidirectional.required.l_cell",
                                                  "legacy.bidirectional.required.r_cell"],
         ["bidirectional", "params"], "BidirectionalCell(l, r) makes its own container listing both cells' "
         "parameters.", acts,
         last(acts, {"$set": [["l_i2h_weight", [12, 2], "float32"], ["l_i2h_bias", [12], "float32"],
                              ["l_h2h_weight", [12, 3], "float32"], ["l_h2h_bias", [12], "float32"],
                              ["r_i2h_weight", [9, 2], "float32"], ["r_i2h_bias", [9], "float32"],
                              ["r_h2h_weight", [9, 3], "float32"], ["r_h2h_bias", [9], "float32"]]}))
    acts = [build(B("DropoutCell", 0.25)), {"do": "prefix"}, {"do": "params"}, {"do": "state_info"},
            build(B("DropoutCell", 0.25, "d_", None), "d2"), {"do": "prefix", "on": "d2"}]
    attr("legacy.dropout.defaults", ["legacy.dropout.default.prefix", "legacy.dropout.default.params",
                                     "legacy.dropout.position.prefix", "legacy.dropout.position.params",
                                     "legacy.dropout.position.dropout"], ["dropout", "constructor"],
         "DropoutCell(0.25) is named 'dropout_', has an own empty container and no states; the prefix is 2nd.",
         acts, [None, "dropout_", [], [], None, "d_"])
    gen, params = cell_w("lstm_", "lstm", 3, 2)
    gen["x"] = U([2, 4, 2])
    acts = [build(B("LSTMCell", 3), "b"), build(B("ZoneoutCell", ref("b"))), setw(params),
            {"do": "unroll", "length": 4, "inputs": "x", "merge_outputs": True, "training": True, "seed": 5},
            {"do": "unroll", "length": 4, "inputs": "x", "merge_outputs": True}]
    checks("legacy.zoneout.defaults", ["legacy.zoneout.default.zoneout_outputs",
                                       "legacy.zoneout.default.zoneout_states"], ["zoneout"],
           "ZoneoutCell(cell) zones nothing out by default: training gives the same outputs and states.",
           acts, [{"rel": "equal", "a": "3/0", "b": "4/0"}, {"rel": "equal", "a": "3/1", "b": "4/1"}], gen=gen)
    # RNNParams
    acts = [build(B("RNNParams")), {"do": "params_get", "param": "w", "kwargs": {"shape": [2]}},
            build(B("RNNParams", "enc_"), "p"), {"do": "params_get", "on": "p", "param": "w"},
            {"do": "same_param", "on": "p", "other": "p", "param": "w"}]
    attr("legacy.rnn_params.defaults", ["legacy.rnn_params.default.prefix", "legacy.rnn_params.position.prefix",
                                        "legacy.rnn_params.prefix", "legacy.rnn_params.get"],
         ["sharing", "naming"], "RNNParams() adds no prefix; RNNParams('enc_').get('w') is 'enc_w', and getting "
         "it again returns the same parameter.", acts, [None, "w", None, "enc_w", True])


# ---- states, stepping, unroll ---------------------------------------------------------------

def state_cases():
    acts = [build(B("LSTMCell", 3)), {"do": "begin_state"}, {"do": "state_info"}, {"do": "state_shape"}]
    attr("legacy.lstm.begin_state.shapes", ["legacy.base.begin_state.zeros", "legacy.lstm.step.states"],
         ["begin-state", "lstm"], "begin_state() of LSTMCell(3): two float32 arrays (0, 3) (no batch argument: "
         "batch 0 as in MXNet).", acts,
         [None, [{"shape": [0, 3], "dtype": "float32"}] * 2, [{"shape": [0, 3], "__layout__": "NC"}] * 2,
          [[0, 3], [0, 3]]])
    acts = [build(B("GRUCell", 3)), {"do": "begin_state", "kwargs": {"batch_size": 2}}]
    checks("legacy.gru.begin_state.zeros", ["legacy.base.begin_state.zeros"], ["begin-state", "gru"],
           "begin_state() fills zeros (batch_size= is the fusedrnn extension that gives them rows).", acts,
           [{"rel": "constant", "a": "1/0", "value": 0.0}, {"rel": "shape", "a": "1/0", "value": [2, 3]}])
    acts = [build(B("LSTMCell", 3)), {"do": "begin_state", "func": "ones",
                                      "kwargs": {"dtype": "float64", "batch_size": 2}}]
    checks("legacy.lstm.begin_state.kwargs", ["legacy.base.begin_state.kwargs"], ["begin-state"],
           "begin_state(func=numpy.ones, dtype='float64') passes dtype to func: float64 ones.", acts,
           [{"rel": "constant", "a": "1/0", "value": 1.0}, {"rel": "dtype", "a": "1", "dtype": "float64"}])
    acts = [build(B("LSTMCell", 3)), {"do": "begin_state", "func": {"$symbol_func": "zeros"}}]
    error("legacy.begin_state.symbolic_func", ["legacy.base.begin_state.func.symbolic"],
          ["begin-state", "symbolic-only"], "begin_state(func=mx.sym.zeros) would build symbols: "
          "NotImplementedError naming the numpy replacement.", acts, "NotImplementedError", "numpy")
    acts = [build(B("LSTMCell", 3)), {"do": "unroll", "length": 3, "inputs": None}]
    error("legacy.unroll.inputs_none", ["legacy.base.unroll.inputs.none"], ["unroll", "symbolic-only"],
          "unroll(inputs=None) would make symbolic placeholders: NotImplementedError asking for numpy arrays.",
          acts, "NotImplementedError", "numpy arrays")
    acts = [build(B("LSTMCell", 3)), {"do": "step", "inputs": {"$symbol": "data"}, "states": None}]
    error("legacy.lstm.step.symbolic", ["legacy.lstm.step.names"], ["lstm", "naming", "symbolic-only"],
          "Output names such as 'lstm_t0_out_output' exist only in a graph built from Symbols; stepping on a "
          "Symbol raises NotImplementedError asking for numpy arrays.", acts, "NotImplementedError", "numpy arrays")

    # steps vs the equations
    for cls, kind, extra, claims in (
            ("LSTMCell", "lstm", {}, ["legacy.base.call.returns", "legacy.lstm.step.output_shape",
                                      "legacy.lstm.step.states", "legacy.lstm.position.num_hidden"]),
            ("GRUCell", "gru", {}, ["legacy.gru.cudnn_variant", "legacy.base.call.returns",
                                    "legacy.gru.position.num_hidden"]),
            ("RNNCell", "rnn", {}, ["legacy.rnn.default.activation", "legacy.base.call.returns"]),
            ("RNNCell", "rnn", {"activation": "relu"}, ["legacy.rnn.activation.values",
                                                         "legacy.rnn.position.activation"])):
        H, I, N = 3, 2, 2
        gen, params = cell_w(f"{kind}_", kind, H, I)
        gen.update(x0=U([N, I]), x1=U([N, I]))
        args = [H, extra["activation"]] if extra else [H]
        acts = [build(B(cls, *args)), setw(params), {"do": "begin_state"},
                {"do": "step", "inputs": "x0", "states": {"$result": "2"}},
                {"do": "step", "inputs": "x1", "states": {"$result": "3/1"}}]
        outs = {"out0": "3/0", "out1": "4/0", "h1": "4/1/0"}
        if kind == "lstm":
            outs["c1"] = "4/1/1"
        act = extra.get("activation", "")
        numeric(f"legacy.{kind}.step{'.' + act if act else ''}", claims, [kind, "stepping", "state"],
                f"Two steps of {cls}({', '.join(map(str, args))}) from begin_state(): output (N, {H}) and the states "
                "fed back, against the cell equations" + (" (GRU: reset gate after the h2h product)"
                                                           if kind == "gru" else "") + ".", acts, outs, gen)
    # relu vs tanh differ
    gen, params = cell_w("rnn_", "rnn", 3, 2, scale=1.0)
    gen["x"] = U([4, 2], -2, 2)
    acts = [build(B("RNNCell", 3, "relu"), "r"), build(B("RNNCell", 3, "tanh"), "t"), setw(params, "r"),
            setw(params, "t"), {"do": "step", "on": "r", "inputs": "x", "states": None},
            {"do": "step", "on": "t", "inputs": "x", "states": None}]
    checks("legacy.rnn.activation.relu_nonnegative", ["legacy.rnn.activation.values"], ["rnn", "activation"],
           "activation='relu' gives outputs >= 0 (some 0), 'tanh' outputs in (-1, 1) with negative ones.", acts,
           [{"rel": "range", "a": "4/0", "low": 0.0, "high": 100.0, "not_constant": True},
            {"rel": "range", "a": "5/0", "low": -1.0, "high": 1.0, "not_constant": True}], gen=gen)
    acts = [build(B("RNNCell", 3, "swish"))]
    error("legacy.rnn.activation.unknown", ["legacy.rnn.activation.values"], ["rnn", "activation"],
          "An activation name the cell does not know is refused when built or used.",
          acts, "ValueError", "activation")
    # reset
    gen, params = cell_w("lstm_", "lstm", 3, 2)
    gen.update(x0=U([2, 2]), x1=U([2, 2]))
    acts = [build(B("LSTMCell", 3)), setw(params), {"do": "step", "inputs": "x0", "states": None},
            {"do": "step", "inputs": "x1", "states": {"$result": "2/1"}}, {"do": "reset"},
            {"do": "step", "inputs": "x0", "states": None}]
    checks("legacy.base.reset.sequence", ["legacy.base.reset.new_sequence", "legacy.base.method.reset"],
           ["stepping"], "After reset() a new sequence starts afresh: its first step equals the first step of the "
           "previous sequence.", acts, [{"rel": "equal", "a": "5/0", "b": "2/0"},
                                         {"rel": "equal", "a": "5/1", "b": "2/1"}], gen=gen)

    # unroll
    H, I, N, T = 3, 2, 2, 4
    gen, params = cell_w("lstm_", "lstm", H, I)
    gen.update(x=U([N, T, I]), xt=U([T, N, I]), h0=U([N, H]), c0=U([N, H]))
    acts = [build(B("LSTMCell", H)), setw(params),
            {"do": "unroll", "length": T, "inputs": "x", "merge_outputs": True},
            {"do": "unroll", "length": T, "inputs": "xt", "layout": "TNC", "merge_outputs": True},
            {"do": "unroll", "length": T, "inputs": "x", "merge_outputs": False, "begin_state": ["h0", "c0"]},
            {"do": "unroll", "length": T, "inputs": "x", "positional": True, "begin_state": ["h0", "c0"],
             "layout": "NTC", "merge_outputs": True}]
    numeric("legacy.lstm.unroll", ["legacy.lstm.unroll.merged", "legacy.lstm.unroll.final_states",
                                   "legacy.lstm.unroll.list", "legacy.base.unroll.inputs.tensor",
                                   "legacy.base.unroll.merge_true", "legacy.base.unroll.merge_false",
                                   "legacy.base.unroll.returns", "legacy.base.unroll.begin_state",
                                   "legacy.base.unroll.default.begin_state", "legacy.base.unroll.default.layout",
                                   "legacy.base.unroll.position.begin_state", "legacy.base.unroll.position.layout",
                                   "legacy.base.unroll.position.merge_outputs"],
            ["lstm", "unroll", "ntc", "tnc", "merge-outputs"],
            "LSTMCell unrolled over NTC (default layout, zero begin state), TNC, with given states and a list "
            "of outputs, and with begin_state/layout/merge_outputs passed positionally.", acts,
            {"ntc": "2/0", "h": "2/1/0", "c": "2/1/1", "tnc": "3/0", "tnc_c": "3/1/1", "step2": "4/0/2",
             "given_c": "4/1/1", "positional": "5/0"}, gen)
    acts = [build(B("LSTMCell", H)), setw(params), {"do": "unroll", "length": T, "inputs": "x"},
            {"do": "unroll", "length": T, "inputs": "x", "merge_outputs": True},
            {"do": "unroll", "length": T, "inputs": "xt", "layout": "TNC", "merge_outputs": True},
            {"do": "unroll", "length": T, "inputs": "x", "merge_outputs": False}]
    attr("legacy.lstm.unroll.forms", ["legacy.base.unroll.default.merge_outputs", "legacy.base.unroll.merge_false",
                                      "legacy.base.unroll.merge_true", "legacy.base.unroll.returns",
                                      "legacy.base.unroll.inputs.tensor", "legacy.lstm.unroll.list",
                                      "legacy.lstm.unroll.merged", "legacy.lstm.unroll.final_states"],
         ["unroll", "merge-outputs", "ntc", "tnc"],
         "Output forms: merge_outputs None (default) gives a list of (N, H) steps for a stepped cell, True one "
         "array (N, T, H) in NTC or (T, N, H) in TNC, False a list; the states are the last step's [h, c].",
         acts, [None, None,
                [[{"shape": [N, H], "dtype": "float32"}] * T, [{"shape": [N, H], "dtype": "float32"}] * 2],
                [{"shape": [N, T, H], "dtype": "float32"}, [{"shape": [N, H], "dtype": "float32"}] * 2],
                [{"shape": [T, N, H], "dtype": "float32"}, [{"shape": [N, H], "dtype": "float32"}] * 2],
                [[{"shape": [N, H], "dtype": "float32"}] * T, "$any"]],
         gen={**{k: dict(v, dtype="float32") for k, v in gen.items()}})
    gen2 = dict(gen)
    gen2.update(s0=U([N, I]), s1=U([N, I]), s2=U([N, I]), s3=U([N, I]))
    acts = [build(B("LSTMCell", H)), setw(params),
            {"do": "unroll", "length": T, "inputs": ["s0", "s1", "s2", "s3"], "merge_outputs": True},
            {"do": "unroll", "length": T, "inputs": ["s0", "s1", "s2", "s3"], "layout": "TNC",
             "merge_outputs": False}]
    numeric("legacy.lstm.unroll.list_inputs", ["legacy.base.unroll.inputs.list",
                                               "legacy.base.unroll.layout_tensor_only",
                                               "legacy.base.unroll.position.inputs",
                                               "legacy.base.unroll.position.length"],
            ["unroll", "lstm"], "A list of T (N, C) arrays is unrolled step by step; layout only shapes merged "
            "outputs, never how a list input is read.", acts,
            {"merged": "2/0", "list_tnc_1": "3/0/1", "h": "3/1/0"}, gen2)


# ---- unpack / pack ----------------------------------------------------------------------------

def weight_cases():
    # basic cells: names and values
    for cls, kind in (("LSTMCell", "lstm"), ("GRUCell", "gru"), ("RNNCell", "rnn")):
        H, I = 2, 3
        g = NG[kind]
        gates = {"rnn": [""], "lstm": list(GATES["lstm"]), "gru": list(GATES["gru"])}[kind]
        gen, params = cell_w(f"{kind}_", kind, H, I)
        acts = [build(B(cls, H)), {"do": "unpack_weights", "params": params}]
        names = {}
        for group, width in (("i2h", I), ("h2h", H)):
            for gt in gates:
                names[f"{kind}_{group}{gt}_weight"] = {"shape": [H, width], "dtype": "float64"}
                names[f"{kind}_{group}{gt}_bias"] = {"shape": [H], "dtype": "float64"}
        attr(f"legacy.{kind}.unpack.names", ["legacy.base.unpack.gate_split", "legacy.base.unpack.dict",
                                             "legacy.base.pack.all_cells"] +
             (["disc.legacy_unpack_gate_listing"] if kind == "lstm" else []) +
             (["disc.legacy_gru_new_gate_suffix"] if kind == "gru" else []),
             ["pack-weights", kind], f"{cls}.unpack_weights turns the packed dict into one (H, ·) / (H,) array per "
             f"gate, suffixes {gates} (names from the claims).", acts,
             [None, names], gen={k: dict(v, dtype="float64") for k, v in gen.items()})
        keys = [f"{kind}_i2h{gt}_weight" for gt in gates] + [f"{kind}_h2h{gt}_bias" for gt in gates]
        acts = [build(B(cls, H)), {"do": "unpack_weights", "params": params},
                {"do": "pick", "from": "1", "keys": keys}]
        numeric(f"legacy.{kind}.unpack.values", ["legacy.base.unpack.gate_split"] +
                (["disc.legacy_unpack_gate_listing"] if kind == "lstm" else []),
                ["pack-weights", kind], f"The per-gate pieces of {cls}.unpack_weights are the row blocks of the "
                f"packed arrays in gate order {gates}.", acts,
                {f"p{i}": f"2/{i}" for i in range(len(keys))}, gen, dtypes=("float64",))
        acts = [build(B(cls, H)), {"do": "unpack_weights", "params": params},
                {"do": "pack_weights", "args": {"$result": "1"}},
                {"do": "pick", "from": "2", "keys": list(params)}]
        checks(f"legacy.{kind}.pack.roundtrip", ["legacy.base.pack.inverse", "legacy.base.pack.all_cells"],
               ["pack-weights", kind], f"{cls}.pack_weights(unpack_weights(w)) gives w back bit for bit.",
               acts, [{"rel": "equal", "a": f"3/{i}", "b": f"in:{v}"} for i, v in enumerate(params.values())],
               gen=gen)
    # fused: names per mode
    for mode, L, bi in (("lstm", 2, True), ("gru", 2, False), ("rnn_relu", 1, True), ("rnn_tanh", 2, False)):
        H, I = 2, 3
        p = f"{mode}_"
        gen, params = fused_w(p, mode, H, I, L, bi)
        gen = {k: dict(v, dtype="float64") for k, v in gen.items()}
        acts = [build(B("FusedRNNCell", H, L, mode, bi)), {"do": "unpack_weights", "params": params}]
        names = {}
        for layer in range(L):
            for d in "lr"[:2 if bi else 1]:
                for group in ("i2h", "h2h"):
                    width = (I if layer == 0 else (2 if bi else 1) * H) if group == "i2h" else H
                    for gt in GATES[mode]:
                        names[f"{p}{d}{layer}_{group}{gt}_weight"] = {"shape": [H, width], "dtype": "float64"}
                        names[f"{p}{d}{layer}_{group}{gt}_bias"] = {"shape": [H], "dtype": "float64"}
        suffix = {"lstm": "lstm", "gru": "gru", "rnn_relu": "vanilla", "rnn_tanh": "vanilla"}[mode]
        claims = ["legacy.fused.unpack.name_pattern", f"legacy.fused.unpack.gate_suffixes.{suffix}",
                  "legacy.base.pack.all_cells", "legacy.base.unpack.dict"]
        if mode == "gru":
            claims.append("disc.legacy_gru_new_gate_suffix")
        attr(f"legacy.fused.unpack.names.{mode}", claims, ["fused", "pack-weights", "naming"],
             f"FusedRNNCell({H}, {L}, '{mode}', {bi}).unpack_weights names each piece "
             "{prefix}{l|r}{layer}_{i2h|h2h}{gate}_{weight|bias}; i2h of later layers is (H, D*H).",
             acts, [None, names], gen=gen)
        acts = [build(B("FusedRNNCell", H, L, mode, bi)), {"do": "unpack_weights", "params": params},
                {"do": "pack_weights", "args": {"$result": "1"}}, {"do": "pick", "from": "2", "keys": list(params)}]
        checks(f"legacy.fused.pack.roundtrip.{mode}", ["legacy.fused.pack.roundtrip", "legacy.base.pack.inverse"],
               ["fused", "pack-weights"], f"pack_weights(unpack_weights(w)) returns the flat '{p}parameters' of a "
               f"{mode} FusedRNNCell bit for bit.", acts,
               [{"rel": "equal", "a": "3/0", "b": f"in:w.{p}parameters"}], gen=gen)
        keys = sorted(names)[:6] + sorted(names)[-3:]
        acts = [build(B("FusedRNNCell", H, L, mode, bi)), {"do": "unpack_weights", "params": params},
                {"do": "pick", "from": "1", "keys": keys}]
        numeric(f"legacy.fused.unpack.values.{mode}", ["legacy.fused.unpack.name_pattern",
                                                       f"legacy.fused.unpack.gate_suffixes.{suffix}"],
                ["fused", "pack-weights"], f"The pieces of a {mode} FusedRNNCell's flat vector, sliced by the "
                "documented layout (weights then biases, layer, direction, i2h/h2h, gate rows).", acts,
                {f"p{i}": f"2/{i}" for i in range(len(keys))}, gen, dtypes=("float64",))
    # containers and modifiers: unpack then pack on get_weights
    def names(*prefixes):
        return [f"{p}{k}" for p in prefixes for k in ("i2h_weight", "i2h_bias", "h2h_weight", "h2h_bias")]
    for what, acts0, keys in (
            ("sequential", [build(B("SequentialRNNCell")), build(B("LSTMCell", 2, prefix="a_"), "a"),
                            build(B("GRUCell", 2, prefix="b_"), "b"), {"do": "add", "child": "a"},
                            {"do": "add", "child": "b"}], names("a_", "b_")),
            ("bidirectional", make_main("BidirectionalCell"), names("l_", "r_")),
            ("zoneout", make_main("ZoneoutCell"), names("lstm_")),
            ("residual", [build(B("GRUCell", 2), "inner"), build(B("ResidualCell", ref("inner")))], names("gru_"))):
        n = len(acts0)
        acts = acts0 + [{"do": "initialize", "input_size": 2, "seed": 9}, {"do": "get_weights"},
                        {"do": "unpack_weights", "args": {"$result": str(n + 1)}},
                        {"do": "pack_weights", "args": {"$result": str(n + 2)}},
                        {"do": "pick", "from": str(n + 1), "keys": keys},
                        {"do": "pick", "from": str(n + 3), "keys": keys}]
        checks(f"legacy.{what}.pack.roundtrip", ["legacy.base.pack.all_cells", "legacy.base.pack.inverse"],
               ["pack-weights", what], f"A {what} cell unpacks and packs its children's weights: pack(unpack(w)) "
               "equals w bit for bit.", acts,
               [{"rel": "equal", "a": f"{n + 5}", "b": f"{n + 4}"}])
    acts = [build(B("DropoutCell", 0.5)), {"do": "unpack_weights", "params": {}},
            {"do": "pack_weights", "params": {}}]
    attr("legacy.dropout.pack.roundtrip", ["legacy.base.pack.all_cells"], ["pack-weights", "dropout"],
         "DropoutCell has no weights: unpack_weights and pack_weights return the (empty) dict unchanged.",
         acts, [None, {}, {}])


# ---- containers and modifiers ------------------------------------------------------------------

def container_cases():
    H, I, N, T = 3, 2, 2, 4
    # bidirectional, mixed cells
    g1, p1 = cell_w("l_", "lstm", 3, I)
    g2, p2 = cell_w("r_", "gru", 2, I)
    gen = {**g1, **g2, "x": U([N, T, I])}
    acts = [build(B("LSTMCell", 3, prefix="l_"), "l"), build(B("GRUCell", 2, prefix="r_"), "r"),
            build(B("BidirectionalCell", ref("l"), ref("r"))), setw({**p1, **p2}),
            {"do": "unroll", "length": T, "inputs": "x", "merge_outputs": True},
            {"do": "unroll", "length": T, "inputs": "x", "layout": "NTC", "merge_outputs": False}]
    numeric("legacy.bidirectional.unroll", ["legacy.bidirectional.mixed_cells", "legacy.bidirectional.concat",
                                            "legacy.bidirectional.roles", "legacy.bidirectional.states",
                                            "legacy.bidirectional.position.l_cell",
                                            "legacy.bidirectional.position.r_cell"],
            ["bidirectional", "unroll"], "BidirectionalCell(LSTMCell(3), GRUCell(2)): l_cell reads forward, r_cell "
            "backward, outputs concatenated (width 5); states [l_states, r_states].", acts,
            {"out": "4/0", "l_h": "4/1/0/0", "l_c": "4/1/0/1", "r_h": "4/1/1/0", "step0": "5/0/0"}, gen)
    acts = [build(B("LSTMCell", 50, prefix="l_"), "l"), build(B("GRUCell", 75, prefix="r_"), "r"),
            build(B("BidirectionalCell", ref("l"), ref("r"))), {"do": "initialize", "input_size": 4, "seed": 0},
            {"do": "unroll", "length": 3, "inputs": "x", "merge_outputs": True}, {"do": "state_shape"}]
    attr("legacy.bidirectional.example", ["legacy.bidirectional.output_width", "legacy.bidirectional.mixed_cells",
                                          "legacy.bidirectional.states"], ["bidirectional", "example"],
         "LSTMCell(50) forward with GRUCell(75) backward gives outputs 125 wide; unroll returns [[h, c], [h]].",
         acts, [None, None, None, None, [{"shape": [2, 3, 125], "dtype": "float32"},
                                         [[{"shape": [2, 50], "dtype": "float32"}] * 2,
                                          [{"shape": [2, 75], "dtype": "float32"}]]],
                [[0, 50], [0, 50], [0, 75]]],
         gen={"x": dict(U([2, 3, 4]), dtype="float32")})
    acts = make_main("BidirectionalCell") + [{"do": "initialize", "input_size": 2, "seed": 0},
                                             {"do": "step", "inputs": "x", "states": None}]
    error("legacy.bidirectional.no_step", ["legacy.bidirectional.no_step"], ["bidirectional", "stepping"],
          "Stepping a BidirectionalCell raises NotImplementedError pointing to unroll().", acts,
          "NotImplementedError", "unroll", gen={"x": U([2, 2])})
    # output_prefix: accepted, no effect on values; symbolic naming refused
    gen = {**g1, **{k.replace("r_", "s_"): v for k, v in cell_w("s_", "lstm", 3, I)[0].items()}, "x": U([N, T, I])}
    p3 = cell_w("s_", "lstm", 3, I)[1]
    acts = [build(B("LSTMCell", 3, prefix="l_"), "l"), build(B("LSTMCell", 3, prefix="s_"), "s"),
            build(B("BidirectionalCell", ref("l"), ref("s"), None, "out_")), setw({**p1, **p3}),
            {"do": "unroll", "length": T, "inputs": "x", "merge_outputs": True},
            {"do": "unroll", "length": T, "inputs": {"$symbol": "data"}}]
    error("legacy.bidirectional.output_prefix.symbolic", ["legacy.bidirectional.output_prefix",
                                                          "legacy.bidirectional.position.output_prefix",
                                                          "legacy.bidirectional.position.params"],
          ["bidirectional", "naming", "symbolic-only"],
          "BidirectionalCell(l, r, None, 'out_') is accepted and unrolls numpy arrays; output_prefix only named "
          "graph outputs, and unrolling a Symbol raises NotImplementedError.", acts, "NotImplementedError",
          "numpy arrays", gen=gen)
    # sequential
    g1, p1 = cell_w("a_", "lstm", 3, I)
    g2, p2 = cell_w("b_", "gru", 4, 3)
    gen = {**g1, **g2, "x": U([N, T, I]), "x0": U([N, I])}
    acts = [build(B("SequentialRNNCell")), build(B("LSTMCell", 3, prefix="a_"), "a"),
            build(B("GRUCell", 4, prefix="b_"), "b"), {"do": "add", "child": "a"}, {"do": "add", "child": "b"},
            setw({**p1, **p2}), {"do": "unroll", "length": T, "inputs": "x", "merge_outputs": True},
            {"do": "begin_state"}, {"do": "step", "inputs": "x0", "states": {"$result": "7"}}]
    numeric("legacy.sequential.unroll", ["legacy.sequential.add", "legacy.sequential.feed",
                                         "legacy.sequential.output", "legacy.sequential.states"],
            ["sequential", "unroll"], "A stack LSTMCell(3) then GRUCell(4): the GRU reads the LSTM's outputs; the "
            "output is the top cell's (N, T, 4); unroll states are one list per cell; a step uses the flat states.",
            acts, {"out": "6/0", "a_h": "6/1/0/0", "a_c": "6/1/0/1", "b_h": "6/1/1/0", "step": "8/0",
                   "step_b_h": "8/1/2"}, gen)
    acts = [build(B("SequentialRNNCell")), build(B("LSTMCell", 3, prefix="a_"), "a"),
            build(B("GRUCell", 4, prefix="b_"), "b"), {"do": "add", "child": "a"}, {"do": "add", "child": "b"},
            {"do": "initialize", "input_size": 2, "seed": 1},
            {"do": "unroll", "length": 3, "inputs": "x", "merge_outputs": True}, {"do": "state_shape"}]
    attr("legacy.sequential.shapes", ["legacy.sequential.output", "legacy.sequential.states",
                                      "legacy.sequential.add"], ["sequential", "state"],
         "The stack's merged output is (N, T, 4) from the top cell; unroll states [[h, c], [h]]; state_shape is "
         "the flat concatenation.", acts,
         [None] * 6 + [[{"shape": [2, 3, 4], "dtype": "float32"},
                        [[{"shape": [2, 3], "dtype": "float32"}] * 2, [{"shape": [2, 4], "dtype": "float32"}]]],
                       [[0, 3], [0, 3], [0, 4]]], gen={"x": dict(U([2, 3, 2]), dtype="float32")})
    acts = [build(B("SequentialRNNCell")), build(B("LSTMCell", 50, prefix="l_"), "l"),
            build(B("LSTMCell", 50, prefix="r_"), "r"), build(B("BidirectionalCell", ref("l"), ref("r")), "bi"),
            build(B("DropoutCell", 0.5), "d"), build(B("LSTMCell", 50, prefix="top_"), "top"),
            {"do": "add", "child": "bi"}, {"do": "add", "child": "d"}, {"do": "add", "child": "top"},
            {"do": "initialize", "input_size": 4, "seed": 0},
            {"do": "unroll", "length": 3, "inputs": "x", "merge_outputs": True, "training": True, "seed": 3}]
    checks("legacy.sequential.example", ["legacy.sequential.example", "disc.legacy_dropout_comment_retention"],
           ["sequential", "bidirectional", "dropout", "example"],
           "The document's stack BidirectionalCell(LSTMCell(50), LSTMCell(50)), DropoutCell(0.5), LSTMCell(50) "
           "unrolls (in training) to outputs 50 wide.", acts,
           [{"rel": "shape", "a": "10/0", "value": [2, 3, 50]}, {"rel": "length", "a": "10/1", "value": 3}],
           gen={"x": dict(U([2, 3, 4]), dtype="float32")})
    # dropout
    acts = [build(B("DropoutCell", 0.25)),
            {"do": "unroll", "length": 6, "inputs": "x", "merge_outputs": True, "training": True, "seed": 11},
            {"do": "unroll", "length": 6, "inputs": "x", "merge_outputs": True}]
    checks("legacy.dropout.training", ["legacy.dropout.input", "legacy.dropout.meaning",
                                       "legacy.dropout.required.dropout", "disc.legacy_dropout_comment_retention"],
           ["dropout"], "DropoutCell(0.25) in training zeroes input elements and scales the rest by 1/(1-0.25) "
           "(0.25 is the fraction dropped); outside training it passes the input through.", acts,
           [{"rel": "dropout_of", "a": "1/0", "b": "in:x", "p": 0.25}, {"rel": "equal", "a": "2/0", "b": "in:x"}],
           gen={"x": dict(U([8, 6, 5], 0.5, 1.0), dtype="float32")})
    # zoneout
    g1, p1 = cell_w("lstm_", "lstm", H, I)
    gen = {**g1, "x": U([N, T, I])}
    acts = [build(B("LSTMCell", H), "b"), build(B("ZoneoutCell", ref("b"), 0.3, 0.4)), setw(p1),
            {"do": "unroll", "length": T, "inputs": "x", "merge_outputs": True}]
    numeric("legacy.zoneout.unroll", ["legacy.zoneout.unroll", "legacy.zoneout.position.base_cell",
                                      "legacy.zoneout.position.zoneout_outputs",
                                      "legacy.zoneout.position.zoneout_states", "legacy.zoneout.rates"],
            ["zoneout", "unroll"], "ZoneoutCell(LSTMCell(3), 0.3, 0.4) unrolls like its base cell outside training.",
            acts, {"out": "3/0", "h": "3/1/0", "c": "3/1/1"}, gen)
    gen = {**g1, "x0": U([64, I])}
    acts = [build(B("LSTMCell", H), "b"), build(B("ZoneoutCell", ref("b"), 0.0, 0.5)), setw(p1),
            {"do": "begin_state", "kwargs": {"batch_size": 64, "dtype": "$dtype"}},
            {"do": "step", "inputs": "x0", "states": {"$result": "3"}, "training": True, "seed": 5},
            build(B("LSTMCell", H), "plain"), setw(p1, "plain"),
            {"do": "step", "on": "plain", "inputs": "x0", "states": {"$result": "3"}}]
    checks("legacy.zoneout.training", ["legacy.zoneout.rates", "legacy.zoneout.unroll"], ["zoneout"],
           "In training, ZoneoutCell(cell, 0.0, 0.5) keeps each new state value or the previous one (both occur); "
           "with zoneout_outputs 0 the output is the base cell's.", acts,
           [{"rel": "choice_of", "a": "4/1/1", "options": ["7/1/1", "3/1"], "each_used": True},
            {"rel": "close", "a": "4/0", "b": "7/0", "rtol": 1e-6, "atol": 1e-7}], gen=gen)
    acts = [build(B("FusedRNNCell", 3), "f"), build(B("ZoneoutCell", ref("f"), 0.1, 0.1))]
    error("legacy.zoneout.needs_steppable", ["legacy.zoneout.required.base_cell", "legacy.zoneout.unroll"],
          ["zoneout"], "ZoneoutCell around a FusedRNNCell (which cannot be stepped) is refused when built.",
          acts, "ValueError", "stepped")
    # residual
    g1, p1 = cell_w("gru_", "gru", I, I)
    gen = {**g1, "x": U([N, T, I]), "x0": U([N, I])}
    acts = [build(B("GRUCell", I), "b"), build(B("ResidualCell", ref("b"))), setw(p1),
            {"do": "unroll", "length": T, "inputs": "x", "merge_outputs": True},
            {"do": "begin_state"}, {"do": "step", "inputs": "x0", "states": {"$result": "4"}}]
    numeric("legacy.residual.unroll", ["legacy.residual.sum", "legacy.residual.unroll",
                                       "legacy.residual.position.base_cell", "legacy.residual.required.base_cell"],
            ["residual", "unroll"], "ResidualCell(GRUCell(2)): output = GRU output + input, unrolled and stepped.",
            acts, {"out": "3/0", "h": "3/1/0", "step": "5/0"}, gen)


# ---- FusedRNNCell ---------------------------------------------------------------------------

def fused_cases():
    I, N, T = 3, 2, 4
    for mode, H, L, bi, nxt in (("lstm", 3, 2, True, True), ("gru", 3, 2, False, True),
                                ("rnn_tanh", 2, 1, True, True), ("rnn_relu", 2, 2, False, True),
                                ("lstm", 2, 1, False, False)):
        gen, params = fused_w(f"{mode}_", mode, H, I, L, bi)
        D = 2 if bi else 1
        gen.update(x=U([N, T, I]), xt=U([T, N, I]), h0=U([L * D, N, H]), c0=U([L * D, N, H]))
        begin = ["h0", "c0"] if mode == "lstm" else ["h0"]
        acts = [build(B("FusedRNNCell", H, L, mode, bi, 0.0, nxt)), setw(params),
                {"do": "unroll", "length": T, "inputs": "x"},
                {"do": "unroll", "length": T, "inputs": "xt", "layout": "TNC", "begin_state": begin,
                 "merge_outputs": False}]
        outs = {"out": "2/0", "tnc_step1": "3/0/1"}
        if nxt:
            outs.update(hy="2/1/0", hy_given="3/1/0")
            if mode == "lstm":
                outs["cy_given"] = "3/1/1"
        tag = f"{mode}.l{L}{'.bi' if bi else ''}"
        claims = ["legacy.fused.mode.values", "disc.fused_gpu_only", "disc.legacy_fused_doc_ref_mismatch",
                  "legacy.fused.position.num_hidden", "legacy.fused.required.num_hidden"]
        if nxt:
            claims += ["legacy.fused.get_next_state", "legacy.fused.position.get_next_state"]
        if bi:
            claims += ["legacy.fused.bidirectional.width"]
        numeric(f"legacy.fused.unroll.{tag}", claims, ["fused", "unroll", mode.split("_")[0]],
                f"FusedRNNCell({H}, {L}, '{mode}', {bi}, get_next_state={nxt}) unrolled on the CPU (NTC, and TNC "
                "with given states) against fusedrnn.reference.rnn on the same flat vector.", acts, outs, gen)
    # unfuse: the stack computes the same; steppable; names and shapes
    for mode, H, L, bi in (("lstm", 3, 2, True), ("gru", 2, 2, False), ("rnn_relu", 2, 1, False)):
        gen, params = fused_w(f"{mode}_", mode, H, I, L, bi)
        gen.update(x=U([N, T, I]), x0=U([N, I]))
        acts = [build(B("FusedRNNCell", H, L, mode, bi)), setw(params),
                {"do": "unroll", "length": T, "inputs": "x", "merge_outputs": True}, {"do": "unfuse", "name": "s"},
                {"do": "unroll", "on": "s", "length": T, "inputs": "x", "merge_outputs": True}]
        outs = {"fused": "2/0", "unfused": "4/0"}
        claims = ["legacy.fused.unfuse", "legacy.fused.unfuse.equivalent"]
        if not bi:
            acts += [{"do": "begin_state", "on": "s"},
                     {"do": "step", "on": "s", "inputs": "x0", "states": {"$result": "5"}}]
            outs["step"] = "6/0"
            claims.append("legacy.fused.unfuse.steppable")
        numeric(f"legacy.fused.unfuse.{mode}", claims, ["fused", "unfuse"],
                f"unfuse() of FusedRNNCell({H}, {L}, '{mode}', {bi}) with weights set: the stack's unroll gives the "
                "fused outputs" + ("" if bi else ", and it can be stepped") + ".", acts, outs, gen)
        checks(f"legacy.fused.unfuse.close.{mode}", ["legacy.fused.unfuse.equivalent", "legacy.fused.unfuse"],
               ["fused", "unfuse"], "The unfused stack's outputs equal the fused cell's (up to rounding).",
               acts[:5], [{"rel": "close", "a": "4/0", "b": "2/0", "rtol": 1e-4, "atol": 1e-5}], gen=gen)
    H, L = 3, 2
    acts = [build(B("FusedRNNCell", H, L, "lstm", True)), {"do": "initialize", "input_size": I, "seed": 0},
            {"do": "unfuse", "name": "s"}, {"do": "params", "on": "s"}]
    exp = []
    for layer in range(L):
        for d in "lr":
            w = I if layer == 0 else 2 * H
            exp += [[f"lstm_{d}{layer}_i2h_weight", [4 * H, w], "float32"], [f"lstm_{d}{layer}_i2h_bias", [4 * H],
                                                                             "float32"],
                    [f"lstm_{d}{layer}_h2h_weight", [4 * H, H], "float32"], [f"lstm_{d}{layer}_h2h_bias", [4 * H],
                                                                             "float32"]]
    attr("legacy.fused.unfuse.params", ["legacy.fused.params.unfused_names", "legacy.fused.params.unfused_shapes",
                                        "legacy.fused.unfuse"], ["fused", "unfuse", "naming", "params"],
         "The unfused stack of a 2-layer bidirectional lstm_ cell has lstm_l0_i2h_weight (12, 3), ..., "
         "lstm_r1_i2h_weight (12, 6), h2h (12, 3), biases (12,).", acts, [None, None, None, {"$set": exp}])
    acts = [build(B("FusedRNNCell", 2, 3, "lstm", True)), {"do": "initialize", "input_size": I, "seed": 0},
            {"do": "unfuse", "name": "s"}, {"do": "unroll", "on": "s", "length": 2, "inputs": {"$symbol": "data"}}]
    error("legacy.fused.unfuse.symbolic_names", ["legacy.fused.unfuse.names"], ["fused", "unfuse", "symbolic-only"],
          "Names such as 'lstm_bi_l2_out_output' exist only in a Symbol graph; unrolling the unfused stack on a "
          "Symbol raises NotImplementedError asking for numpy arrays.", acts, "NotImplementedError", "numpy arrays")
    # interchange both ways
    gen, params = fused_w("lstm_", "lstm", 3, I, 2, False)
    gen["x"] = U([N, T, I])
    acts = [build(B("FusedRNNCell", 3, 2)), setw(params), build(B("FusedRNNCell", 3, 2), "f2"),
            {"do": "initialize", "on": "f2", "input_size": I, "seed": 1}, {"do": "unfuse", "on": "f2", "name": "s"},
            {"do": "get_weights"}, {"do": "unpack_weights", "args": {"$result": "5"}},
            {"do": "pack_weights", "on": "s", "args": {"$result": "6"}}, {"do": "set_weights", "on": "s",
                                                                         "args": {"$result": "7"}},
            {"do": "unroll", "on": "s", "length": T, "inputs": "x", "merge_outputs": True},
            {"do": "get_weights", "on": "s"}, {"do": "unpack_weights", "on": "s", "args": {"$result": "10"}},
            {"do": "pack_weights", "on": "f2", "args": {"$result": "11"}},
            {"do": "set_weights", "on": "f2", "args": {"$result": "12"}},
            {"do": "unroll", "on": "f2", "length": T, "inputs": "x", "merge_outputs": True}]
    numeric("legacy.fused.interchange", ["legacy.fused.params.interchange", "legacy.fused.unpack.name_pattern"],
            ["fused", "unfuse", "pack-weights"], "Fused weights moved to an unfused stack (unpack_weights of the "
            "fused cell, pack_weights of the stack) and back to another fused cell compute the first cell's outputs.",
            acts, {"stack": "9/0", "back": "14/0"}, gen)
    # no step
    acts = [build(B("FusedRNNCell", 3)), {"do": "initialize", "input_size": 2, "seed": 0},
            {"do": "step", "inputs": "x", "states": None}]
    error("legacy.fused.no_step", ["legacy.fused.no_step"], ["fused", "stepping"],
          "Stepping a FusedRNNCell raises NotImplementedError naming unroll() and unfuse().", acts,
          "NotImplementedError", "unfuse", gen={"x": U([2, 2])})
    acts = [build(B("FusedRNNCell", 3, 1, "rnn_sigmoid"))]
    error("legacy.fused.mode.unknown", ["legacy.fused.mode.values"], ["fused"],
          "A mode other than rnn_relu, rnn_tanh, lstm, gru is refused.", acts, "ValueError", "mode")
    # dropout
    for L, same in ((1, True), (2, False)):
        gen, params = fused_w("lstm_", "lstm", 3, I, L, True)
        gen["x"] = U([4, T, I])
        acts = [build(B("FusedRNNCell", 3, L, "lstm", True, 0.5)), setw(params),
                {"do": "unroll", "length": T, "inputs": "x", "training": True, "seed": 21},
                {"do": "unroll", "length": T, "inputs": "x"}]
        rels = [{"rel": "equal" if same else "differ", "a": "2/0", "b": "3/0"},
                {"rel": "shape", "a": "2/0", "value": [4, T, 6]}]
        claims = ["legacy.fused.dropout.single_layer"] if same else \
            ["legacy.fused.dropout.between_layers", "legacy.fused.bidirectional_dropout"]
        checks(f"legacy.fused.dropout.l{L}", claims + ["disc.legacy_fused_dropout_description"],
               ["fused", "dropout", "bidirectional"],
               "A bidirectional FusedRNNCell with dropout 0.5: " + (
                   "with one layer training gives exactly the inference outputs (no dropout on the input or output)."
                   if same else "with two layers training differs from inference (dropout between the layers)."),
               acts, rels, gen=gen)
    gen, params = fused_w("lstm_", "lstm", 3, I, 2, True)
    gen["x"] = U([4, T, I])
    acts = [build(B("FusedRNNCell", 3, 2, "lstm", True, 0.5)), setw(params),
            {"do": "unroll", "length": T, "inputs": "x", "merge_outputs": True}]
    numeric("legacy.fused.dropout.inference", ["legacy.fused.bidirectional_dropout",
                                               "legacy.fused.dropout.between_layers"],
            ["fused", "dropout", "bidirectional"], "Outside training a FusedRNNCell with dropout computes the plain "
            "stacked RNN.", acts, {"out": "2/0"}, gen)
    acts = [build(B("FusedRNNCell", 50, 3, "lstm", True, 0.5)), {"do": "initialize", "input_size": 4, "seed": 0},
            {"do": "unroll", "length": 3, "inputs": "x", "merge_outputs": True}]
    attr("legacy.fused.example", ["legacy.fused.example", "legacy.fused.bidirectional.width"],
         ["fused", "bidirectional", "example"], "The document's FusedRNNCell(50, 3, 'lstm', True, 0.5) unrolled "
         "with merge_outputs=True: output (N, T, 100), no states.", acts,
         [None, None, [{"shape": [2, 3, 100], "dtype": "float32"}, []]],
         gen={"x": dict(U([2, 3, 4]), dtype="float32")})


# ---- symbolic-only: checkpoint, RNNParams sharing ---------------------------------------------------

def symbolic_cases():
    calls = {"save": ("save_rnn_checkpoint", [{"$block": "c"}, "model", 1, None, {}, {}]),
             "load": ("load_rnn_checkpoint", [{"$block": "c"}, "model", 1]),
             "do": ("do_rnn_checkpoint", [{"$block": "c"}, "model"])}
    extra = {"save": ["legacy.checkpoint.save.unpacks", "legacy.checkpoint.save.files"],
             "load": ["legacy.checkpoint.load.packs"], "do": ["legacy.checkpoint.do.callback"]}
    for short, (fn, args) in calls.items():
        acts = [build(B("LSTMCell", 3), "c"), {"do": "function", "function": fn, "args": args}]
        error(f"legacy.checkpoint.{short}.refused", ["legacy.checkpoint.required", "legacy.checkpoint.cells_arg"]
              + extra[short], ["checkpoint", "symbolic-only"],
              f"{fn} needs an MXNet Symbol/Module: NotImplementedError naming cell.get_weights / set_weights.",
              acts, "NotImplementedError", "get_weights")
        args2 = [[{"$block": "c"}, {"$block": "c2"}]] + args[1:]
        acts = [build(B("LSTMCell", 3), "c"), build(B("GRUCell", 3), "c2"),
                {"do": "function", "function": fn, "args": args2}]
        error(f"legacy.checkpoint.{short}.refused_list", ["legacy.checkpoint.cells_arg"] + extra[short],
              ["checkpoint", "symbolic-only"], f"{fn} with a list of cells is refused the same way.", acts,
              "NotImplementedError", "set_weights")
    # sharing through one RNNParams
    H, I = 3, 2
    g, p = cell_w("s_", "lstm", H, I)
    gen = {**g, "x": U([2, I])}
    acts = [build(B("RNNParams", "s_"), "p"), build(B("LSTMCell", H, "a_", {"$block": "p"}), "a"),
            build(B("LSTMCell", H, "b_", {"$block": "p"}), "b"), setw(p, "a"),
            {"do": "step", "on": "b", "inputs": "x", "states": None},
            {"do": "params", "on": "b"}, {"do": "same_param", "on": "p", "other": "p", "param": "i2h_weight"}]
    numeric("legacy.rnn_params.sharing", ["legacy.rnn_params.sharing", "legacy.lstm.default.params",
                                          "legacy.rnn_params.prefix"], ["sharing", "lstm"],
            "Two LSTMCells given one RNNParams('s_') share its parameters s_i2h_weight, ...: weights set through "
            "one are used by the other.", acts, {"out": "4/0", "h": "4/1/0", "c": "4/1/1"}, gen,
            dtypes=("float64",))
    acts = [build(B("RNNParams", "s_"), "p"), build(B("LSTMCell", H, "a_", {"$block": "p"}), "a"),
            {"do": "params_get", "on": "p", "param": "new", "kwargs": {"shape": [4]}},
            {"do": "params", "on": "a"}]
    attr("legacy.rnn_params.names", ["legacy.rnn_params.prefix", "legacy.rnn_params.get",
                                     "legacy.lstm.position.params", "legacy.gru.position.params",
                                     "legacy.gru.position.prefix", "legacy.rnn.position.prefix",
                                     "legacy.rnn.position.params"],
         ["naming", "sharing"], "Parameters made through an RNNParams get its prefix (s_new, s_i2h_weight ...), "
         "whatever the cell's own prefix.", acts,
         [None, None, "s_new", {"$set": [["s_i2h_weight", [12, 0], "float32"], ["s_i2h_bias", [12], "float32"],
                                               ["s_h2h_weight", [12, 3], "float32"], ["s_h2h_bias", [12], "float32"],
                                               ["s_new", [4], "float32"]]}])
    acts = [build(B("RNNCell", 3, "tanh", "q_", {"$block": "p"}), "r")]
    attr("legacy.rnn.positional_args", ["legacy.rnn.position.prefix", "legacy.rnn.position.params",
                                        "legacy.rnn.position.activation", "legacy.rnn.position.num_hidden"],
         ["rnn", "constructor"], "RNNCell(3, 'tanh', 'q_', params): activation 2nd, prefix 3rd, params 4th; the "
         "names come from the given container.",
         [build(B("RNNParams", "pp_"), "p")] + acts + [{"do": "prefix", "on": "r"}, {"do": "params", "on": "r"}],
         [None, None, "q_", {"$set": [["pp_i2h_weight", [3, 0], "float32"], ["pp_i2h_bias", [3], "float32"],
                                      ["pp_h2h_weight", [3, 3], "float32"], ["pp_h2h_bias", [3], "float32"]]}])
    acts = [build(B("RNNParams", "pp_"), "p"), build(B("GRUCell", 3, "q_", {"$block": "p"}), "r"),
            {"do": "prefix", "on": "r"}, {"do": "params", "on": "r"}]
    attr("legacy.gru.positional_args", ["legacy.gru.position.prefix", "legacy.gru.position.params",
                                        "legacy.gru.position.num_hidden"], ["gru", "constructor"],
         "GRUCell(3, 'q_', params): prefix 2nd, params 3rd.", acts,
         [None, None, "q_", {"$set": [["pp_i2h_weight", [9, 0], "float32"], ["pp_i2h_bias", [9], "float32"],
                                      ["pp_h2h_weight", [9, 3], "float32"], ["pp_h2h_bias", [9], "float32"]]}])
    for cls, key in (("LSTMCell", "lstm"), ("GRUCell", "gru"), ("RNNCell", "rnn"), ("FusedRNNCell", "fused")):
        error(f"legacy.{key}.required.num_hidden", [f"legacy.{key}.required.num_hidden"], [key, "constructor"],
              f"{cls}() without num_hidden is a TypeError.", [build(B(cls))], "TypeError", "num_hidden")
    for cls, key, what in (("BidirectionalCell", "bidirectional", "r_cell"), ("DropoutCell", "dropout", "dropout"),
                           ("ZoneoutCell", "zoneout", "base_cell"), ("ResidualCell", "residual", "base_cell")):
        args = [ref("l")] if cls == "BidirectionalCell" else []
        error(f"legacy.{key}.required.missing", [f"legacy.{key}.required.{what}"], [key, "constructor"],
              f"{cls} without {what} is a TypeError.", [build(B("LSTMCell", 2), "l"), build(B(cls, *args))],
              "TypeError", what)


# ---- encode_sentences and BucketSentenceIter ---------------------------------------------------------

SENTS = [["the", "cat", "sat"], ["the", "dog"], ["a", "cat", "ran", "off"]]


def io_cases():
    fn = "encode_sentences"
    acts = [{"do": "function", "function": fn, "args": [SENTS]}]
    attr("legacy.encode_sentences.defaults", ["legacy.encode_sentences.returns", "legacy.encode_sentences.new_keys",
                                              "legacy.encode_sentences.default.vocab",
                                              "legacy.encode_sentences.default.start_label",
                                              "legacy.encode_sentences.default.invalid_label",
                                              "legacy.encode_sentences.default.invalid_key",
                                              "legacy.encode_sentences.invalid", "legacy.encode_sentences.input",
                                              "legacy.encode_sentences.start_label"], ["io-utils"],
         "encode_sentences(sentences) builds a vocabulary: {'\\n': -1} plus each new token numbered from 0 in order "
         "of first appearance; returns (encoded lists, vocab).", acts,
         [[[[0, 1, 2], [0, 3], [4, 1, 5, 6]],
           {"\n": -1, "the": 0, "cat": 1, "sat": 2, "dog": 3, "a": 4, "ran": 5, "off": 6}]])
    acts = [{"do": "function", "function": fn, "args": [SENTS, None, 0, "</s>", 0]}]
    attr("legacy.encode_sentences.positional", ["legacy.encode_sentences.position.sentences",
                                                "legacy.encode_sentences.position.vocab",
                                                "legacy.encode_sentences.position.invalid_label",
                                                "legacy.encode_sentences.position.invalid_key",
                                                "legacy.encode_sentences.position.start_label",
                                                "legacy.encode_sentences.invalid",
                                                "legacy.encode_sentences.start_label"], ["io-utils"],
         "encode_sentences(s, None, 0, '</s>', 0): invalid_key '</s>' gets invalid_label 0, so the tokens are "
         "numbered from 1 (0 is skipped).", acts,
         [[[[1, 2, 3], [1, 4], [5, 2, 6, 7]],
           {"</s>": 0, "the": 1, "cat": 2, "sat": 3, "dog": 4, "a": 5, "ran": 6, "off": 7}]])
    acts = [{"do": "function", "function": fn, "args": [SENTS], "kwargs": {"start_label": 10}}]
    attr("legacy.encode_sentences.start_label.given", ["legacy.encode_sentences.start_label"], ["io-utils"],
         "start_label=10: the smallest index handed out is 10.", acts,
         [[[[10, 11, 12], [10, 13], [14, 11, 15, 16]],
           {"\n": -1, "the": 10, "cat": 11, "sat": 12, "dog": 13, "a": 14, "ran": 15, "off": 16}]])
    acts = [{"do": "function", "function": fn, "args": [[["the", "cat"]], {"the": 0, "cat": 1, "\n": -1}]}]
    attr("legacy.encode_sentences.given_vocab", ["legacy.encode_sentences.returns", "legacy.encode_sentences.input"],
         ["io-utils"], "With a given vocab the known tokens are encoded with it.", acts,
         [[[[0, 1]], {"the": 0, "cat": 1, "\n": -1}]])
    acts = [{"do": "function", "function": fn, "args": [[["the", "emu"]], {"the": 0, "\n": -1}]}]
    error("legacy.encode_sentences.unknown_token", ["legacy.encode_sentences.new_keys"], ["io-utils"],
          "A token missing from a given vocab is a ValueError naming it (MXNet's code asserted; "
          "docs/python.md section 8).", acts, "ValueError", "emu")
    acts = [{"do": "function", "function": fn, "args": [["the cat"]]}]
    error("legacy.encode_sentences.string_sentence", ["legacy.encode_sentences.input"], ["io-utils"],
          "Each sentence must be a list of tokens: a plain string sentence is a TypeError.", acts, "TypeError",
          "list")
    # BucketSentenceIter
    sents = [[1, 2, 3], [4, 5, 6], [7, 8], [9, 10], [11, 12, 13, 14], [15]]
    acts = [build(B("BucketSentenceIter", sents, 2)), {"do": "batches"}]
    data3 = {"shape": [2, 3], "dtype": "float32"}
    checks("legacy.bucket_iter.defaults", ["legacy.bucket_iter.buckets_auto", "legacy.bucket_iter.default.buckets",
                                           "legacy.bucket_iter.default.layout", "legacy.bucket_iter.default.dtype",
                                           "legacy.bucket_iter.default.data_name",
                                           "legacy.bucket_iter.default.label_name", "legacy.bucket_iter.next",
                                           "legacy.bucket_iter.names", "legacy.bucket_iter.dtype",
                                           "legacy.bucket_iter.required.sentences",
                                           "legacy.bucket_iter.required.batch_size",
                                           "legacy.bucket_iter.position.sentences",
                                           "legacy.bucket_iter.position.batch_size"], ["io-utils"],
           "BucketSentenceIter(sentences, 2) with automatic buckets: one bucket per length shared by 2 sentences "
           "(2 and 3); float32 (batch, length) batches named 'data' and 'softmax_label'.", acts,
           [{"rel": "length", "a": "1", "value": 2},
            {"rel": "json_set", "a": "1", "value": [
                {"data": [data3], "label": [data3], "bucket_key": 3, "provide_data": [["data", [2, 3]]],
                 "provide_label": [["softmax_label", [2, 3]]]},
                {"data": [{"shape": [2, 2], "dtype": "float32"}], "label": [{"shape": [2, 2], "dtype": "float32"}],
                 "bucket_key": 2, "provide_data": [["data", [2, 2]]], "provide_label": [["softmax_label", [2, 2]]]}]}])
    sents = [[1, 2, 3], [4, 5]]
    acts = [build(B("BucketSentenceIter", sents, 2, [4], -7, "x", "y", "float64", "TN")), {"do": "next"},
            {"do": "next"}]
    error("legacy.bucket_iter.stop", ["legacy.bucket_iter.next"], ["io-utils"],
          "next() past the last batch raises StopIteration.", acts, "StopIteration")
    acts = acts[:2]
    attr("legacy.bucket_iter.positional", ["legacy.bucket_iter.position.buckets",
                                           "legacy.bucket_iter.position.invalid_label",
                                           "legacy.bucket_iter.position.data_name",
                                           "legacy.bucket_iter.position.label_name",
                                           "legacy.bucket_iter.position.dtype", "legacy.bucket_iter.position.layout",
                                           "legacy.bucket_iter.layout", "legacy.bucket_iter.names",
                                           "legacy.bucket_iter.dtype"], ["io-utils"],
         "BucketSentenceIter(s, 2, [4], -7, 'x', 'y', 'float64', 'TN'): one (4, 2) float64 batch named x / y.",
         acts, [None, {"data": [{"shape": [4, 2], "dtype": "float64"}], "label": [{"shape": [4, 2], "dtype": "float64"}],
                       "bucket_key": 4, "provide_data": [["x", [4, 2]]], "provide_label": [["y", [4, 2]]]}])
    # label = next token, padding with invalid_label: one sentence per batch so order does not matter
    inline = {"d": [[1, 2, 3, -1, -1]], "l": [[2, 3, -1, -1, -1]]}
    acts = [build(B("BucketSentenceIter", [[1, 2, 3]], 1, [5])), {"do": "next"},
            {"do": "pick", "from": "1", "keys": ["data", "label"]},
            build(B("BucketSentenceIter", [[1, 2, 3]], 1, [5], 0, "data", "softmax_label", "float32", "TN"), "t"),
            {"do": "next", "on": "t"}, {"do": "pick", "from": "4", "keys": ["data", "label"]}]
    _case("legacy.bucket_iter.label", ["legacy.bucket_iter.label", "legacy.bucket_iter.invalid_label",
                                       "legacy.bucket_iter.default.invalid_label", "legacy.bucket_iter.layout"],
          ["io-utils"], "The sentence [1, 2, 3] in a bucket of 5 is padded with invalid_label (-1 by default): data "
          "[1, 2, 3, -1, -1], label the next tokens [2, 3, -1, -1, -1]; with invalid_label 0 and layout 'TN' the "
          "batch is transposed and padded with 0.", "attribute", acts, query="checks", expect=True,
          checks=[{"rel": "close", "a": "2/0/0", "b": "in:d", "rtol": 0, "atol": 0},
                  {"rel": "close", "a": "2/1/0", "b": "in:l", "rtol": 0, "atol": 0},
                  {"rel": "close", "a": "5/0/0", "b": "in:dt", "rtol": 0, "atol": 0},
                  {"rel": "close", "a": "5/1/0", "b": "in:lt", "rtol": 0, "atol": 0}],
          inputs={**inline, "dt": [[1], [2], [3], [0], [0]], "lt": [[2], [3], [0], [0], [0]]})
    sents = [[1, 2], [3, 4], [5, 6], [7, 8]]
    acts = [build(B("BucketSentenceIter", sents, 2)), {"do": "batches"}, {"do": "batches"}, {"do": "reset"},
            {"do": "batches"}]
    checks("legacy.bucket_iter.reset", ["legacy.bucket_iter.reset", "legacy.bucket_iter.next"], ["io-utils"],
           "After the last batch next() has nothing left; reset() rewinds to a full pass again.", acts,
           [{"rel": "length", "a": "1", "value": 2}, {"rel": "length", "a": "2", "value": 0},
            {"rel": "length", "a": "4", "value": 2}])


def build_all():
    OUT.clear()
    signature_cases()
    member_cases()
    default_cases()
    state_cases()
    weight_cases()
    container_cases()
    fused_cases()
    symbolic_cases()
    io_cases()
    return list(OUT)
