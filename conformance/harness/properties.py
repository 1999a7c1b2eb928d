"""Property cases: hypothesis strategies over operator configurations and the
properties that must hold for every drawn example.

The runner uses a fixed, derandomized profile (the same examples every run):
derandomize=True, database=None, deadline=None, max_examples from the case.
"""
import numpy as np
from hypothesis import HealthCheck, Phase, given, reject, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from . import core

G = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}
MODES = sorted(G)


@st.composite
def operator_configs(draw):
    mode = draw(st.sampled_from(MODES))
    H = draw(st.integers(1, 6))
    L = draw(st.integers(1, 3))
    cfg = {"state_size": H, "num_layers": L, "mode": mode,
           "bidirectional": draw(st.booleans()), "state_outputs": draw(st.booleans()),
           "layout": draw(st.sampled_from(["TNC", "NTC"]))}
    if mode == "lstm" and H > 1 and draw(st.booleans()):
        cfg["projection_size"] = draw(st.integers(1, H - 1))
    if mode == "lstm" and draw(st.booleans()):
        lo = draw(st.floats(-2, 0))
        cfg["lstm_state_clip_min"], cfg["lstm_state_clip_max"] = lo, lo + draw(st.floats(0, 2))
    T, N, I = draw(st.integers(1, 5)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    use_len = draw(st.booleans())
    if use_len:
        cfg["use_sequence_length"] = True
    seed = draw(st.integers(0, 2**31 - 1))
    return cfg, (T, N, I), use_len, seed


@st.composite
def size_configs(draw):
    mode = draw(st.sampled_from(MODES))
    H = draw(st.integers(1, 40))
    cfg = {"input_size": draw(st.integers(1, 40)), "state_size": H, "num_layers": draw(st.integers(1, 5)),
           "mode": mode, "bidirectional": draw(st.booleans())}
    if mode == "lstm" and H > 1 and draw(st.booleans()):
        cfg["projection_size"] = draw(st.integers(1, H - 1))
    return cfg


STRATEGIES = {"operator_configs": operator_configs, "size_configs": size_configs}


def _dims(cfg):
    D = 2 if cfg.get("bidirectional") else 1
    H = cfg["state_size"]
    return D, H, cfg.get("projection_size") or H, cfg["num_layers"]


def param_count(cfg, I):
    D, H, R, L = _dims(cfg)
    g = G[cfg["mode"]]
    P = cfg.get("projection_size")
    n = D * g * H * (I + R + 2) + (L - 1) * D * g * H * (R * D + R + 2)
    return n + (P * H * L * D if P else 0)


def build_inputs(example, dtype="float64"):
    cfg, (T, N, I), use_len, seed = example
    D, H, R, L = _dims(cfg)
    rng = np.random.Generator(np.random.PCG64(seed))
    data_shape = (T, N, I) if cfg.get("layout", "TNC") == "TNC" else (N, T, I)
    inputs = {"data": rng.uniform(-1, 1, data_shape).astype(dtype),
              "parameters": rng.uniform(-0.7, 0.7, param_count(cfg, I)).astype(dtype),
              "state": rng.uniform(-1, 1, (L * D, N, R)).astype(dtype)}
    if cfg["mode"] == "lstm":
        inputs["state_cell"] = rng.uniform(-1, 1, (L * D, N, H)).astype(dtype)
    if use_len:
        inputs["sequence_length"] = rng.integers(0, T, N, endpoint=True, dtype=np.int64)
    return inputs


def _forward(adapter, case, cfg, inputs):
    resp = adapter.call("forward", case["id"], "operator", cfg, inputs)
    if "not_applicable" in resp:
        reject()
    if "error" in resp:
        raise AssertionError(f"{cfg}: raised {resp['error'].get('type')}: {resp['error'].get('message')}")
    return resp["outputs"]


def output_shapes_match(adapter, case, example):
    cfg, (T, N, I), _, _ = example
    out = _forward(adapter, case, cfg, build_inputs(example))
    D, H, R, L = _dims(cfg)
    want = {"output": (T, N, D * R) if cfg.get("layout", "TNC") == "TNC" else (N, T, D * R)}
    if cfg.get("state_outputs"):
        want["hy"] = (L * D, N, R)
        if cfg["mode"] == "lstm":
            want["cy"] = (L * D, N, H)
    got = {k: tuple(v.shape) for k, v in out.items()}
    assert got == want, f"{cfg} T,N,I={T, N, I}: shapes {got}, expected {want}"


def matches_reference(adapter, case, example):
    cfg = example[0]
    inputs = build_inputs(example)
    out = _forward(adapter, case, cfg, inputs)
    expected = core.reference_outputs({"config": cfg}, inputs)
    assert set(out) == set(expected), f"{cfg}: outputs {sorted(out)}, expected {sorted(expected)}"
    for k in expected:
        ok, _, _, why = core.compare(out[k], expected[k], {"rtol": 1e-9, "atol": 1e-11})
        assert ok, f"{cfg} shapes T,N,I={example[1]}: {k}: {why}"


def param_size_matches_formula(adapter, case, cfg):
    resp = adapter.call("param_size", case["id"], "operator", cfg, {})
    if "not_applicable" in resp:
        reject()
    if "error" in resp:
        raise AssertionError(f"{cfg}: raised {resp['error']}")
    got = resp["attributes"]["param_size"]
    want = param_count(cfg, cfg["input_size"])
    assert got == want, f"{cfg}: param_size {got}, formula {want}"


PROPERTIES = {"output_shapes_match": output_shapes_match, "matches_reference": matches_reference,
              "param_size_matches_formula": param_size_matches_formula}


def run_property(adapter, case):
    strategy = STRATEGIES[case["strategy"]]()
    prop = PROPERTIES[case["property"]]
    needs = "param_size" if case["strategy"] == "size_configs" else "forward"
    if needs not in (adapter.info.get("kinds") or [needs]):
        return core.Result("not_applicable", f"{adapter.name} does not offer call kind {needs!r}")

    @settings(derandomize=True, database=None, deadline=None, max_examples=case.get("max_examples", 25),
              phases=[Phase.explicit, Phase.generate, Phase.shrink], print_blob=False,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def check(example):
        prop(adapter, case, example)

    try:
        check()
    except Unsatisfiable:
        return core.Result("not_applicable", "every drawn example was not applicable")
    except AssertionError as exc:
        return core.Result("failed", f"property {case['property']} falsified: {str(exc).splitlines()[0]}")
    return core.Result("passed")
