#!/usr/bin/env python3
"""Writes conformance/cases/*.json: deterministic, so re-running changes nothing.

    python conformance/tools/make_cases.py            # write
    python conformance/tools/make_cases.py --check    # exit 1 if a file would change

Seeds come from the case id (crc32), so adding a case never reseeds another.
Expected values are not stored for `reference` cases: the runner and the
exporter compute them with fusedrnn.reference from the generated inputs.
Sizes, shapes and layouts that attribute cases expect are computed here from
the formulas of docs/spec-notes.md, independently of the package.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from case_helpers import TOL, seed_of  # noqa: E402

G = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}
BOTH = ["float64", "float32"]


def param_layout(I, H, L, mode, bi=False, P=None):
    g, D = G[mode], (2 if bi else 1)
    R = P or H
    w, b = [], []
    for layer in range(L):
        inp = I if layer == 0 else D * R
        for d in "lr"[:D]:
            w.append([f"{d}{layer}_i2h_weight", [g * H, inp]])
            w.append([f"{d}{layer}_h2h_weight", [g * H, R]])
            if P:
                w.append([f"{d}{layer}_h2r_weight", [P, H]])
            b.append([f"{d}{layer}_i2h_bias", [g * H]])
            b.append([f"{d}{layer}_h2h_bias", [g * H]])
    return w + b


def param_size(I, H, L, mode, bi=False, P=None):
    g, D = G[mode], (2 if bi else 1)
    R = P or H
    n = D * g * H * (I + R + 2) + (L - 1) * D * g * H * (R * D + R + 2)
    return n + (P * H * L * D if P else 0)


def shapes(cfg, T, N, I):
    H, L, mode = cfg["state_size"], cfg["num_layers"], cfg["mode"]
    D = 2 if cfg.get("bidirectional") else 1
    R = cfg.get("projection_size") or H
    out = [T, N, D * R] if cfg.get("layout", "TNC") == "TNC" else [N, T, D * R]
    res = {"output": out}
    if cfg.get("state_outputs"):
        res["hy"] = [L * D, N, R]
        if mode == "lstm":
            res["cy"] = [L * D, N, H]
    return res


CASES = []


def add(case):
    assert not any(c["id"] == case["id"] for c in CASES), case["id"]
    CASES.append(case)
    return case


def gen(cid, cfg, T=5, N=3, I=4, *, states=True, lengths=None, lengths_dtype=None,
        weights=0.6, data_scale=1.0, sets=None, param_count=None, extra=None, data_shape=None):
    """The `generate` block of a forward case."""
    H, L, mode = cfg["state_size"], cfg["num_layers"], cfg["mode"]
    D = 2 if cfg.get("bidirectional") else 1
    P = cfg.get("projection_size")
    R = P or H
    dshape = data_shape or ([T, N, I] if cfg.get("layout", "TNC") == "TNC" else [N, T, I])
    dist = {
        "data": {"dist": "uniform", "shape": dshape, "low": -data_scale, "high": data_scale},
        "parameters": {"dist": "uniform", "shape": [param_count or param_size(I, H, L, mode, D == 2, P)],
                       "low": -weights, "high": weights},
    }
    if states:
        dist["state"] = {"dist": "uniform", "shape": [L * D, N, R], "low": -1.0, "high": 1.0}
        if mode == "lstm":
            dist["state_cell"] = {"dist": "uniform", "shape": [L * D, N, H], "low": -1.0, "high": 1.0}
    if lengths == "random":
        dist["sequence_length"] = {"dist": "lengths", "shape": [N], "low": 1, "high": T}
        if lengths_dtype:
            dist["sequence_length"]["dtype"] = lengths_dtype
    elif lengths is not None:
        dist["sequence_length"] = {"dist": "constant", "shape": [N], "value": lengths,
                                   "dtype": lengths_dtype or "int64"}
    if extra:
        dist.update(extra)
    block = {"seed": seed_of(cid), "distributions": dist}
    if sets:
        block["set"] = sets
    return block


def numeric(cid, claims, tags, description, cfg, dtypes=BOTH, notes=None, **kw):
    """One case per dtype: <cid>.f64 and <cid>.f32."""
    for dt in dtypes:
        full = f"{cid}.{'f64' if dt == 'float64' else 'f32'}"
        c = {"id": full, "claims": claims, "level": "operator",
             "tags": sorted(set(tags) | {"f64" if dt == "float64" else "f32"}),
             "description": description, "config": cfg, "dtypes": [dt], "kind": "numeric",
             "generate": gen(cid, cfg, **kw), "expected": {"from": "reference"},
             "tolerance": {dt: TOL[dt]}}
        if notes:
            c["notes"] = notes
        add(c)


def attribute(cid, claims, tags, description, config, query, expect, gen_block=None, variants=None,
              dtypes=None):
    c = {"id": cid, "claims": claims, "level": "operator", "tags": sorted(set(tags)),
         "description": description, "config": config, "kind": "attribute",
         "query": query, "expect": expect}
    if gen_block:
        c["generate"] = gen_block
    if variants is not None:
        c["variants"] = variants
    if dtypes:
        c["dtypes"] = dtypes
    return add(c)


def error(cid, claims, tags, description, config, etype, fragment=None, gen_block=None, call=None,
          inputs=None):
    c = {"id": cid, "claims": claims, "level": "operator", "tags": sorted(set(tags) | {"validation"}),
         "description": description, "config": config, "kind": "error",
         "expect_error": {"type": etype}}
    if fragment:
        c["expect_error"]["message_contains"] = fragment
    if gen_block:
        c["generate"] = gen_block
    if inputs:
        c["inputs"] = inputs
    if call:
        c["call"] = call
    return add(c)


def cfg(mode, H=5, L=1, **kw):
    c = {"state_size": H, "num_layers": L, "mode": mode}
    c.update(kw)
    return c


# ---------------------------------------------------------------------------
# numeric cases: the equations, against fusedrnn.reference
# ---------------------------------------------------------------------------

def numeric_cases():
    eq = {
        "rnn_tanh": (["op.eq.rnn_tanh", "op.params.gates.rnn"], ["rnn", "rnn-tanh"]),
        "rnn_relu": (["op.eq.rnn_relu", "op.params.gates.rnn", "impl.precision.f64",
                      "disc.op_rnn_relu_f64_rounding"], ["rnn", "rnn-relu"]),
        "lstm": (["op.eq.lstm.input_gate", "op.eq.lstm.forget_gate", "op.eq.lstm.output_gate",
                  "op.eq.lstm.candidate", "op.eq.lstm.cell", "op.eq.lstm.hidden",
                  "op.params.gates.lstm", "op.params.gate_order.lstm", "op.shape.state_cell"],
                 ["lstm", "gate-order"]),
        "gru": (["op.eq.gru.reset", "op.eq.gru.update", "op.eq.gru.new", "op.eq.gru.hidden",
                 "op.eq.gru.reset_after_matmul", "op.params.gates.gru", "op.params.gate_order.gru"],
                ["gru", "lbr-gru", "gate-order"]),
    }
    common = ["op.eq.both_biases", "op.params.matrix.row_major", "op.input.order",
              "op.option.state_outputs.true", "op.dtype.supported", "op.shape.state", "op.shape.hy",
              "op.shape.output", "impl.precision.f32", "op.params.interop.cudnn_pytorch"]
    for mode, (claims, tags) in eq.items():
        numeric(f"op.{mode}.basic", claims + common, tags + ["state", "params"],
                f"One {mode} layer, given initial states, state outputs on: the step equations.",
                cfg(mode, H=5, state_outputs=True))
        numeric(f"op.{mode}.bidir_multilayer", claims + [
            "op.bidir.reverse_order", "op.bidir.output_columns", "op.bidir.reverse_final_state",
            "op.bidir.layer_input", "op.state.index", "op.state.h_c_same_order",
            "op.params.order.weights_first", "op.params.order.layer_direction",
            "op.params.order.matrix_kind", "op.params.shape.i2h_weight", "op.params.shape.h2h_weight",
            "op.params.shape.biases", "op.params.shape.layer_input", "op.shape.parameters",
            "op.eq.both_biases"],
            tags + ["bidirectional", "multilayer", "state"],
            f"Three bidirectional {mode} layers: directions, state rows, layer inputs, parameter order.",
            cfg(mode, H=4, L=3, bidirectional=True, state_outputs=True), T=6, N=2, I=3)
        numeric(f"op.{mode}.ntc", ["op.layout.ntc"], tags + ["ntc", "layout"],
                f"{mode} in NTC layout, bidirectional, two layers.",
                cfg(mode, H=4, L=2, bidirectional=True, layout="NTC", state_outputs=True), T=4, N=3, I=3)
        numeric(f"op.{mode}.varlen", [
            "op.varlen.outputs_zero", "op.varlen.final_states", "op.varlen.reverse_start",
            "impl.varlen.reverse_initial_state", "op.shape.sequence_length",
            "op.input.sequence_length.conditional", "disc.op_cpu_sequence_length", "op.varlen.interop"],
            tags + ["varlen", "bidirectional"],
            f"{mode}, two bidirectional layers, sequence lengths 1..T: padded-IO semantics.",
            cfg(mode, H=4, L=2, bidirectional=True, use_sequence_length=True, state_outputs=True),
            T=6, N=4, I=3, lengths=[6, 1, 3, 5])
        numeric(f"op.{mode}.nan_inf_data", ["impl.nan_inf_data"], tags + ["nan"],
                f"{mode}: NaN and infinity in the data flow through by IEEE rules, no error.",
                cfg(mode, H=3, state_outputs=True), T=3, N=3, I=2, sets=[
                    {"input": "data", "index": "1,0,0", "value": "nan"},
                    {"input": "data", "index": "2,1,1", "value": "inf"}])
        numeric(f"op.{mode}.state_none", ["impl.op.state_none"], tags + ["state"],
                f"{mode}: no initial state given means zeros.",
                cfg(mode, H=4, L=2, state_outputs=True), states=False)
        numeric(f"op.{mode}.padding_nan", ["op.varlen.padding_unread", "impl.varlen.padding_values"],
                tags + ["varlen", "nan"],
                f"{mode}: NaN in the padding (t >= length) never reaches any output.",
                cfg(mode, H=3, L=2, bidirectional=True, use_sequence_length=True, state_outputs=True),
                T=5, N=3, I=2, lengths=[2, 5, 4],
                sets=[{"input": "data", "index": "2:,0,:", "value": "nan"},
                      {"input": "data", "index": "4:,2,:", "value": "-inf"}])
        numeric(f"op.{mode}.length_zero", ["impl.varlen.length_zero"], tags + ["varlen", "state"],
                f"{mode}: a sequence of length 0 gives zero outputs and returns its initial state.",
                cfg(mode, H=3, L=2, bidirectional=True, use_sequence_length=True, state_outputs=True),
                T=4, N=3, I=2, lengths=[0, 4, 2])
        numeric(f"op.{mode}.defaults", [
            "op.option.bidirectional.default", "op.option.p.default", "op.option.state_outputs.default",
            "op.option.use_sequence_length.default"] + (
            ["op.option.projection_size.default", "op.option.clip.default", "op.option.clip_nan.default"]
            if mode == "lstm" else []),
            tags + ["options"], f"{mode} with only the required options: every default.",
            cfg(mode, H=4, L=2), states=False, dtypes=["float64"])

    numeric("op.lstm.projection", [
        "op.eq.lstm.projection.recurrent_input", "op.eq.lstm.projection.output",
        "op.eq.lstm.projection.states", "op.params.h2r.no_bias", "op.params.shape.h2r_weight",
        "op.params.shape.h2h_weight", "op.params.order.matrix_kind", "op.shape.cy", "op.shape.hy",
        "op.shape.state", "op.shape.state_cell"],
        ["lstm", "projection", "bidirectional", "multilayer"],
        "LSTM with projection_size 3 < H = 5, two bidirectional layers.",
        cfg("lstm", H=5, L=2, bidirectional=True, projection_size=3, state_outputs=True), T=5, N=2, I=4)
    numeric("op.lstm.projection_varlen", ["op.eq.lstm.projection.states", "op.varlen.final_states"],
            ["lstm", "projection", "varlen"], "LSTM with projection and sequence lengths.",
            cfg("lstm", H=5, L=2, projection_size=2, use_sequence_length=True, state_outputs=True),
            T=5, N=3, I=3, lengths=[5, 2, 3])
    numeric("op.lstm.clip", ["op.clip.clamp", "op.clip.hidden_uses_clamped", "impl.clip.cy_clamped",
                             "disc.op_cpu_clip"],
            ["lstm", "clip"], "LSTM state clipping to [-0.3, 0.25] with weights large enough to hit it.",
            cfg("lstm", H=4, L=2, bidirectional=True, lstm_state_clip_min=-0.3, lstm_state_clip_max=0.25,
                state_outputs=True), T=6, N=3, I=3, weights=2.0, data_scale=2.0)
    numeric("op.lstm.clip_projection", ["op.clip.clamp", "op.eq.lstm.projection.states"],
            ["lstm", "clip", "projection"], "Clipping and projection together.",
            cfg("lstm", H=4, L=1, projection_size=2, lstm_state_clip_min=-0.2, lstm_state_clip_max=0.2,
                state_outputs=True), T=5, N=2, I=3, weights=2.0)
    numeric("op.lstm.clip_nan_true", ["op.clip.nan", "impl.clip.nan_becomes_min"],
            ["lstm", "clip", "nan"], "A NaN cell state with lstm_state_clip_nan set becomes the lower bound.",
            cfg("lstm", H=3, lstm_state_clip_min=-0.5, lstm_state_clip_max=0.5, lstm_state_clip_nan=True,
                state_outputs=True), T=3, N=2, I=2, sets=[{"input": "state_cell", "index": "0,0,:", "value": "nan"}])
    numeric("op.lstm.clip_nan_false", ["impl.clip.nan_propagates"], ["lstm", "clip", "nan"],
            "A NaN cell state with clipping but without lstm_state_clip_nan stays NaN.",
            cfg("lstm", H=3, lstm_state_clip_min=-0.5, lstm_state_clip_max=0.5, state_outputs=True),
            T=3, N=2, I=2, sets=[{"input": "state_cell", "index": "0,0,1", "value": "nan"}])
    numeric("op.varlen.float_lengths", ["impl.varlen.float_lengths"], ["varlen", "gru"],
            "Whole-number sequence lengths given as a float64 array are accepted.",
            cfg("gru", H=3, L=1, use_sequence_length=True, state_outputs=True), T=4, N=3, I=2,
            lengths=[4, 2, 3], lengths_dtype="float64", dtypes=["float64"])
    dropout_claims = ["op.dropout.between_layers", "op.dropout.inverted_scaling", "op.dropout.states_before",
                      "impl.dropout.philox", "impl.dropout.index", "impl.dropout.keep_rule",
                      "impl.dropout.scale", "disc.op_cpu_dropout_ignored"]
    for mode in ("lstm", "gru", "rnn_tanh"):
        numeric(f"op.dropout.{mode}", dropout_claims, ["dropout", "philox", "multilayer", mode.split("_")[0]],
                f"{mode}: three layers, training, p = 0.4, seed 20240611: the Philox masks and scaling.",
                cfg(mode, H=4, L=3, bidirectional=True, p=0.4, training=True, seed=20240611,
                    state_outputs=True), T=4, N=3, I=3)
    numeric("op.dropout.ntc", ["impl.dropout.index", "op.layout.ntc"], ["dropout", "philox", "ntc"],
            "Dropout in NTC layout: the mask index is that of the (T, N, D*R) view.",
            cfg("lstm", H=3, L=2, bidirectional=True, p=0.5, training=True, seed=7, layout="NTC",
                state_outputs=True), T=4, N=3, I=2)
    numeric("op.dropout.big_seed", ["impl.dropout.philox"], ["dropout", "philox"],
            "A seed above 2**32 keys both Philox key words.",
            cfg("rnn_relu", H=4, L=2, p=0.3, training=True, seed=2**40 + 12345), T=3, N=2, I=3)


# ---------------------------------------------------------------------------
# attribute cases
# ---------------------------------------------------------------------------

def attribute_cases():
    size_cfg = lambda I, H, L, mode, bi=False, P=None: {  # noqa: E731
        "input_size": I, "state_size": H, "num_layers": L, "mode": mode, "bidirectional": bi,
        **({"projection_size": P} if P else {})}
    examples = [("lstm", None, 1536, "op.params.size.example.lstm"),
                ("lstm", 3, 1032, "op.params.size.example.lstm_projection"),
                ("gru", None, 1152, "op.params.size.example.gru"),
                ("rnn_tanh", None, 384, "op.params.size.example.rnn_tanh")]
    for mode, P, n, claim in examples:
        assert param_size(4, 6, 2, mode, True, P) == n
        attribute(f"op.params.size.example.{claim.rsplit('.', 1)[1]}", [claim, "op.params.size.formula"],
                  ["params", "bidirectional", "multilayer"],
                  f"Flat parameter count for I=4, H=6, L=2, bidirectional {mode}{' P=3' if P else ''}.",
                  size_cfg(4, 6, 2, mode, True, P), "param_size", n)
    fixtures = [("rnn_relu_l1", "rnn_relu", 4, 6, 1, False, 72), ("rnn_relu_l1_bi", "rnn_relu", 4, 6, 1, True, 144),
                ("rnn_tanh_l2", "rnn_tanh", 4, 6, 2, False, 156), ("gru_l2", "gru", 4, 6, 2, False, 468),
                ("lstm_l1_bi_i3_h5", "lstm", 3, 5, 1, True, 400), ("lstm_l1", "lstm", 4, 6, 1, False, 288)]
    for name, mode, I, H, L, bi, n in fixtures:
        assert param_size(I, H, L, mode, bi) == n, name
        attribute(f"op.params.size.fixture.{name}", [f"op.params.size.fixture.{name}", "op.params.size.formula"],
                  ["params", "fixture"], f"Flat parameter count MXNet 1.9.1 used for {name}.",
                  size_cfg(I, H, L, mode, bi), "param_size", n)
    for i, (I, H, L, mode, bi, P) in enumerate([(1, 1, 1, "rnn_relu", False, None), (7, 3, 4, "gru", True, None),
                                                 (5, 8, 3, "lstm", True, 2), (2, 9, 2, "lstm", False, 8)]):
        attribute(f"op.params.size.formula.c{i}", ["op.params.size.formula", "op.shape.parameters"], ["params"],
                  "Flat parameter count from the size formula.", size_cfg(I, H, L, mode, bi, P), "param_size",
                  param_size(I, H, L, mode, bi, P))
    for i, (I, H, L, mode, bi, P) in enumerate([(3, 4, 2, "lstm", True, 2), (2, 3, 2, "gru", True, None),
                                                 (3, 2, 3, "rnn_tanh", False, None)]):
        attribute(f"op.params.layout.c{i}", [
            "op.params.order.weights_first", "op.params.order.layer_direction", "op.params.order.matrix_kind",
            "op.params.h2r.no_bias", "op.params.pack_keys", "op.params.shape.i2h_weight",
            "op.params.shape.h2h_weight", "op.params.shape.biases", "op.params.shape.layer_input"]
            + (["op.params.shape.h2r_weight"] if P else []),
            ["params", "naming"], f"Names and shapes of the flat vector's pieces, in order ({mode}).",
            size_cfg(I, H, L, mode, bi, P), "param_layout", param_layout(I, H, L, mode, bi, P))

    # output shapes
    shape_cfgs = [
        ("rnn_relu", dict(H=3, L=1), False), ("rnn_tanh", dict(H=4, L=2, bidirectional=True), True),
        ("gru", dict(H=5, L=3, bidirectional=True, layout="NTC"), True),
        ("lstm", dict(H=6, L=2, bidirectional=True, projection_size=2), True),
        ("lstm", dict(H=3, L=1, layout="NTC"), True), ("lstm", dict(H=4, L=2), False)]
    for i, (mode, kw, so) in enumerate(shape_cfgs):
        kw = dict(kw)
        c = cfg(mode, kw.pop("H"), kw.pop("L"), **kw)
        if so:
            c["state_outputs"] = True
        T, N, I = 4, 3, 2
        cid = f"op.shape.outputs.c{i}"
        claims = ["op.shape.output", "op.shape.data"]
        if so:
            claims += ["op.shape.hy", "op.option.state_outputs.true"] + (["op.shape.cy"] if mode == "lstm" else [])
        else:
            claims += ["op.option.state_outputs.default"]
        if c.get("layout") == "NTC":
            claims.append("op.layout.ntc")
        if c.get("projection_size"):
            claims += ["op.eq.lstm.projection.states", "disc.projection_state_shape_doc"]
        attribute(cid, claims, ["outputs", "state", mode.split("_")[0]],
                  f"Output and state shapes of {mode} {c}.", c, "output_shapes", shapes(c, T, N, I),
                  gen_block=gen(cid, c, T=T, N=N, I=I))

    # behaviours compared within one implementation
    c = cfg("lstm", H=4, L=2, bidirectional=True, state_outputs=True)
    attribute("op.clip_nan.ignored_without_bounds", ["op.option.clip_nan.ignored_without_bounds",
                                                     "impl.validation.clip_nan_unused"],
              ["clip", "nan", "lstm"], "lstm_state_clip_nan without bounds changes no bit.",
              c, "same_outputs", True, gen_block=gen("op.clip_nan.ignored_without_bounds", c),
              variants=[{"config": {"lstm_state_clip_nan": True}}], dtypes=BOTH)
    c = cfg("gru", H=4, L=3, bidirectional=True, p=0.5, state_outputs=True)
    attribute("op.dropout.inference_noop", ["op.dropout.training_only", "impl.dropout.inference"],
              ["dropout"], "Without training, p changes no bit.", c, "same_outputs", True,
              gen_block=gen("op.dropout.inference_noop", c),
              variants=[{"config": {"p": 0.0}}, {"config": {"p": 0.9, "seed": 99}}], dtypes=BOTH)
    c = cfg("lstm", H=4, L=1, bidirectional=True, p=0.5, training=True, seed=3, state_outputs=True)
    attribute("op.dropout.single_layer_noop", ["op.dropout.single_layer_noop", "op.dropout.between_layers"],
              ["dropout"], "With one layer, training dropout changes no bit.", c, "same_outputs", True,
              gen_block=gen("op.dropout.single_layer_noop", c), variants=[{"config": {"p": 0.0}}], dtypes=BOTH)
    c = cfg("lstm", H=4, L=3, p=0.5, training=True, seed=3)
    attribute("op.dropout.seed_matters", ["impl.dropout.philox"], ["dropout", "philox"],
              "In training with p > 0 and several layers, a different seed gives a different output.",
              c, "same_outputs", False, gen_block=gen("op.dropout.seed_matters", c),
              variants=[{"config": {"seed": 4}}])
    for mode in ("lstm", "gru"):
        c = cfg(mode, H=16, L=2, bidirectional=True, state_outputs=True)
        cid = f"op.determinism.{mode}"
        attribute(cid, ["impl.determinism.bitwise", "impl.determinism.bidir_threads"],
                  ["determinism", "threads", mode], "Outputs are bitwise the same for max_threads 0, 1, 2, 3.",
                  c, "same_outputs", True, gen_block=gen(cid, c, T=7, N=5, I=6),
                  variants=[{"config": {"max_threads": 1}}, {"config": {"max_threads": 2}},
                            {"config": {"max_threads": 3}}, {}], dtypes=BOTH)
    c = cfg("gru", H=3, L=1, state_outputs=True)
    attribute("op.state_none_is_zeros", ["impl.op.state_none"], ["state"],
              "No initial state gives exactly the result of zero states.", c, "same_outputs", True,
              gen_block=gen("op.state_none_is_zeros", c, extra={
                  "state": {"dist": "constant", "shape": [1, 3, 3], "value": 0.0}}),
              variants=[{"without": ["state"]}], dtypes=BOTH)

    # the Philox stream
    attribute("op.philox.kat_zero", ["impl.dropout.kat_zero"], ["philox", "dropout"],
              "Random123 known answer: zero counter, zero key.", {"counter": [0, 0, 0, 0], "key": [0, 0]},
              "philox", ["6627e8d5", "e169c58d", "bc57ac4c", "9b00dbd8"])
    attribute("op.philox.kat_pi", ["impl.dropout.kat_pi"], ["philox", "dropout"],
              "Random123 known answer: the digits of pi.",
              {"counter": [0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], "key": [0xA4093822, 0x299F31D0]},
              "philox", ["d16cfe09", "94fdcceb", "5001e420", "24126ea1"])
    import numpy as np  # the keep bits come from the raw block, computed here
    sys.path.insert(0, os.path.join(os.path.dirname(SUITE), "engine"))
    from fusedrnn.philox import philox4x32_10
    for i, (seed, layer, index, p) in enumerate([(0, 0, 0, 0.5), (1234, 1, 77, 0.3), (2**40 + 5, 2, 2**33 + 9, 0.7),
                                                  (42, 0, 5, 0.0), (9, 3, 1000, 0.999)]):
        x0 = int(philox4x32_10(np.array([index & 0xFFFFFFFF, index >> 32, layer, 0]),
                               np.array([seed & 0xFFFFFFFF, seed >> 32]))[0])
        attribute(f"op.philox.keep.c{i}", ["impl.dropout.keep_function", "impl.dropout.keep_rule",
                                           "impl.dropout.index"],
                  ["philox", "dropout"], "The mask bit of one element from the raw Philox word.",
                  {"seed": seed, "layer": layer, "index": index, "p": p}, "dropout_keep", x0 / 2**32 >= p)


# ---------------------------------------------------------------------------
# error cases
# ---------------------------------------------------------------------------

def error_cases():
    base = cfg("gru", H=3, L=1)

    def g(cid, c, **kw):
        return gen(cid, c, T=3, N=2, I=2, **kw)

    def err(cid, claims, tags, desc, c, etype, frag=None, gc=None, **gkw):
        error(cid, claims, tags, desc, c, etype, frag, gen_block=g(cid, gc or c, **gkw))

    for v in (0, -2):
        err(f"op.error.state_size.v{v + 2}", ["op.option.state_size.positive", "impl.validation.sizes",
                                              "impl.python.errors"],
            ["options"], f"state_size {v} is rejected.", {**base, "state_size": v}, "ValueError", "state_size",
            gc=base)
        err(f"op.error.num_layers.v{v + 2}", ["op.option.num_layers.positive", "impl.validation.sizes"],
            ["options", "multilayer"], f"num_layers {v} is rejected.", {**base, "num_layers": v}, "ValueError",
            "num_layers", gc=base)
    for opt, claim in (("state_size", "op.option.state_size.required"),
                       ("num_layers", "op.option.num_layers.required"), ("mode", "op.option.mode.required")):
        c = {k: v for k, v in base.items() if k != opt}
        err(f"op.error.required.{opt}", [claim], ["options", "signature"], f"{opt} has no default.",
            c, "TypeError", opt, gc=base)
    for bad in ("lstmx", "LSTM", "rnn"):
        err(f"op.error.mode.{bad.lower()}{'_upper' if bad.isupper() else ''}",
            ["op.option.mode.values", "impl.validation.enums"], ["options"],
            f"mode {bad!r} is rejected.", {**base, "mode": bad}, "ValueError", "mode", gc=base)
    lstm2 = cfg("lstm", H=3, L=2)
    for name, p in (("one", 1.0), ("above", 1.5), ("negative", -0.1)):
        err(f"op.error.p.{name}", ["op.option.p.range", "impl.validation.dropout_range"]
            + (["impl.dropout.p_one", "disc.op_dropout_p_one"] if p == 1.0 else []),
            ["dropout", "options"], f"p = {p} is rejected, naming the value.", {**lstm2, "p": p}, "ValueError",
            f"got {p:g}", gc=lstm2)
    err("op.error.p.nan", ["impl.dropout.p_nan", "impl.validation.dropout_range"], ["dropout", "nan"],
        "p = NaN is rejected.", {**lstm2, "p": {"$float": "nan"}}, "ValueError", "p", gc=lstm2)
    for mode in ("gru", "rnn_tanh"):
        c = cfg(mode, H=4, L=1)
        err(f"op.error.projection.{mode}", ["op.option.projection_size.lstm_only", "impl.validation.projection"],
            ["projection"], f"projection_size with mode {mode} is rejected.", {**c, "projection_size": 2},
            "ValueError", "projection_size", gc=c)
        err(f"op.error.clip_mode.{mode}", ["op.option.clip.lstm_only", "impl.validation.clip_mode"],
            ["clip"], f"clip bounds with mode {mode} are rejected.",
            {**c, "lstm_state_clip_min": -1.0, "lstm_state_clip_max": 1.0}, "ValueError", "lstm_state_clip", gc=c)
    l4 = cfg("lstm", H=4, L=1)
    for P in (4, 6, 0):
        err(f"op.error.projection.range_p{P}", ["op.option.projection_size.range", "impl.validation.projection"]
            + (["disc.op_projection_size_not_enforced"] if P >= 4 else []),
            ["projection", "lstm"], f"projection_size {P} with state_size 4 is rejected.",
            {**l4, "projection_size": P}, "ValueError", "projection_size", gc=l4)
    for name, extra in (("min_only", {"lstm_state_clip_min": -1.0}), ("max_only", {"lstm_state_clip_max": 1.0})):
        err(f"op.error.clip.{name}", ["op.option.clip.pair"], ["clip", "lstm"], "One clip bound alone is rejected.",
            {**l4, **extra}, "ValueError", "lstm_state_clip", gc=l4)
    err("op.error.clip.order", ["op.option.clip.order", "impl.validation.clip_bounds"], ["clip", "lstm"],
        "lstm_state_clip_min above lstm_state_clip_max is rejected.",
        {**l4, "lstm_state_clip_min": 0.5, "lstm_state_clip_max": -0.5}, "ValueError", "lstm_state_clip", gc=l4)
    for name, lo, hi in (("nan", {"$float": "nan"}, 1.0), ("inf", -1.0, {"$float": "inf"})):
        err(f"op.error.clip.bound_{name}", ["impl.validation.clip_bounds"], ["clip", "lstm", "nan"],
            f"A {name} clip bound is rejected.", {**l4, "lstm_state_clip_min": lo, "lstm_state_clip_max": hi},
            "ValueError", None, gc=l4)
    err("op.error.param_size", ["op.error.param_size", "op.shape.parameters"], ["params"],
        "A parameter vector of the wrong length is rejected.", l4, "ValueError", "parameters",
        param_count=param_size(2, 4, 1, "lstm") - 1)
    c = cfg("gru", H=3, L=2)
    err("op.error.state_shape", ["op.shape.state"], ["state"], "An initial state of the wrong shape is rejected.",
        c, "ValueError", "state", extra={"state": {"dist": "uniform", "shape": [1, 2, 3]}})
    c = cfg("lstm", H=4, L=1, projection_size=2)
    err("op.error.state_cell_shape", ["op.shape.state_cell"], ["state", "projection"],
        "A cell state of (L*D, N, P) instead of (L*D, N, H) is rejected.", c, "ValueError", "state_cell",
        extra={"state_cell": {"dist": "uniform", "shape": [1, 2, 2]}})
    c = cfg("gru", H=3, L=1)
    err("op.error.state_cell_gru", ["op.input.state_cell.lstm_only", "impl.forward.cell_state_mode"], ["state"],
        "A state_cell for mode gru is rejected.", c, "ValueError", "state_cell",
        extra={"state_cell": {"dist": "uniform", "shape": [1, 2, 3]}})
    err("op.error.lengths_without_flag", ["impl.varlen.lengths_flag", "op.input.sequence_length.conditional"],
        ["varlen"], "sequence_length without use_sequence_length is rejected.", c, "ValueError", "sequence_length",
        lengths=[3, 2])
    cv = {**c, "use_sequence_length": True}
    err("op.error.flag_without_lengths", ["impl.varlen.lengths_flag"], ["varlen"],
        "use_sequence_length without sequence_length is rejected.", cv, "ValueError", "sequence_length")
    err("op.error.length_over_t", ["impl.varlen.length_over_t"], ["varlen"], "A length above T is rejected.",
        cv, "ValueError", "sequence_length", lengths=[4, 2])
    err("op.error.length_negative", ["impl.varlen.length_negative"], ["varlen"], "A negative length is rejected.",
        cv, "ValueError", "sequence_length", lengths=[-1, 2])
    err("op.error.length_fractional", ["impl.varlen.float_lengths"], ["varlen"],
        "Float lengths that are not whole numbers are rejected.", cv, "ValueError", "sequence_length",
        lengths=[1.5, 2], lengths_dtype="float64")
    err("op.error.lengths_shape", ["op.shape.sequence_length"], ["varlen"],
        "sequence_length of a shape other than (N,) is rejected.", cv, "ValueError", "sequence_length",
        extra={"sequence_length": {"dist": "constant", "shape": [3], "value": 2, "dtype": "int64"}})
    err("op.error.mixed_dtypes", ["op.dtype.shared"], ["dtype"], "float32 data with float64 parameters is rejected.",
        c, "TypeError", "parameters",
        extra={"data": {"dist": "uniform", "shape": [3, 2, 2], "dtype": "float32"},
               "parameters": {"dist": "uniform", "shape": [param_size(2, 3, 1, "gru")], "dtype": "float64"}})
    err("op.error.mixed_state_dtype", ["op.dtype.shared"], ["dtype", "state"],
        "float64 data with a float32 state is rejected.", c, "TypeError", "state",
        extra={"state": {"dist": "uniform", "shape": [1, 2, 3], "dtype": "float32"}})
    err("op.error.int_data", ["op.dtype.supported"], ["dtype"], "Integer data is rejected.", c, "TypeError", "data",
        extra={"data": {"dist": "integers", "shape": [3, 2, 2], "low": 0, "high": 3, "dtype": "int32"}})
    err("op.error.data_2d", ["op.shape.data"], ["inputs"], "2-D data is rejected.", c, "ValueError", "data",
        data_shape=[3, 2])
    err("op.error.data_empty", ["impl.forward.extent", "op.shape.data"], ["inputs"],
        "Data with T = 0 is rejected.", c, "ValueError", "data", data_shape=[0, 2, 2])
    err("op.error.layout", ["op.layout.ntc"], ["layout"], "A layout other than TNC/NTC is rejected.",
        {**c, "layout": "TCN"}, "ValueError", "layout", gc=c)
    err("op.error.bool_flag", ["impl.validation.booleans"], ["options"], "bidirectional = 2 is rejected.",
        {**c, "bidirectional": 2}, "TypeError", "bidirectional", gc=c)
    error("op.error.overflow", ["impl.validation.overflow"], ["params"],
          "A configuration whose matrices exceed the 32-bit BLAS range is rejected.",
          {"input_size": 4, "state_size": 2**31, "num_layers": 1, "mode": "lstm"}, "ValueError", None,
          call="param_size")


PROPERTY_CASES = [
    {"id": "prop.op.output_shapes", "claims": ["op.shape.output", "op.shape.hy", "op.shape.cy", "op.layout.ntc",
                                                "op.shape.state", "op.shape.state_cell"],
     "tags": ["outputs", "state"], "description": "For random operator configurations the output and state "
     "shapes follow (T, N, D*R), (L*D, N, R), (L*D, N, H).", "strategy": "operator_configs",
     "property": "output_shapes_match", "max_examples": 25},
    {"id": "prop.op.param_size", "claims": ["op.params.size.formula"], "tags": ["params"],
     "description": "For random configurations the flat parameter count equals the size formula.",
     "strategy": "size_configs", "property": "param_size_matches_formula", "max_examples": 40},
    {"id": "prop.op.matches_reference", "claims": ["op.eq.both_biases", "op.eq.lstm.cell", "op.eq.gru.new",
                                                   "op.varlen.outputs_zero", "op.clip.clamp",
                                                   "op.bidir.reverse_order", "op.eq.lstm.projection.output"],
     "tags": ["lstm", "gru", "rnn", "varlen", "clip", "projection"],
     "description": "For random configurations, options and float64 inputs the outputs agree with "
     "fusedrnn.reference within 1e-9 relative.", "strategy": "operator_configs",
     "property": "matches_reference", "max_examples": 25},
]


def property_cases():
    for c in PROPERTY_CASES:
        add({"level": "operator", "config": {}, "kind": "property", **c})


FILES = {"operator_numeric.json": ("operator", "numeric"), "operator_attribute.json": ("operator", "attribute"),
         "operator_error.json": ("operator", "error"), "operator_property.json": ("operator", "property"),
         "layer_numeric.json": ("layer", "numeric"), "layer_attribute.json": ("layer", "attribute"),
         "layer_error.json": ("layer", "error"), "cell_numeric.json": ("cell", "numeric"),
         "cell_attribute.json": ("cell", "attribute"), "cell_error.json": ("cell", "error")}


def build():
    CASES.clear()
    numeric_cases()
    attribute_cases()
    error_cases()
    property_cases()
    import gluon_cases                      # tools/ is on sys.path (top of this file)
    for case in gluon_cases.build_all():
        add(case)
    out = {}
    for fname, (level, kind) in FILES.items():
        items = [c for c in CASES if c["kind"] == kind and c["level"] == level]
        out[fname] = json.dumps(items, indent=1, ensure_ascii=False) + "\n"
    import capi_cases                       # the c level, pre-summed biases, ONNX gate order: own files
    for fname, items in capi_cases.files().items():
        for case in items:
            add(case)
        out[fname] = json.dumps(items, indent=1, ensure_ascii=False) + "\n"
    import perl_cases                       # the perl level (Perl code run by the perl adapter): own files
    perl_items = perl_cases.build_all()
    for case in perl_items:
        add(case)
    for fname, kind in perl_cases.FILES.items():
        out[fname] = json.dumps([c for c in perl_items if c["kind"] == kind], indent=1, ensure_ascii=False) + "\n"
    import legacy_cases                     # the legacy level (fusedrnn.legacy scripts): own files
    legacy_items = [add(c) for c in legacy_cases.build_all()]
    for fname, (level, kind) in legacy_cases.FILES.items():
        out[fname] = json.dumps([c for c in legacy_items if c["kind"] == kind], indent=1, ensure_ascii=False) + "\n"
    return out


def main(argv):
    files = build()
    changed = []
    for fname, text in files.items():
        path = os.path.join(SUITE, "cases", fname)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old != text:
            changed.append(fname)
            if "--check" not in argv:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    print(f"{len(CASES)} cases; {'would change' if '--check' in argv else 'changed'}: {changed or 'none'}")
    return 1 if ("--check" in argv and changed) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
