"""The legacy level of the conformance suite (MXNet 0.10 mxnet.rnn): data and the process adapter (fast)."""
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITE = os.path.join(ROOT, "conformance")
sys.path.insert(0, SUITE)

from harness import core  # noqa: E402


def test_every_legacy_claim_has_a_case_or_is_marked_uncheckable():
    claims = core.load_claims()
    cited = {cid for _, c in core.load_cases() for cid in c["claims"]}
    for cid, claim in claims.items():
        if claim["level"] == "legacy":
            assert cid in cited or (claim.get("checkable") is False and claim.get("why")), cid


def test_legacy_numeric_cases_materialise_and_name_their_outputs():
    n = 0
    for _, case in core.load_cases():
        if case["level"] != "legacy" or case["kind"] != "numeric":
            continue
        n += 1
        assert case["outputs"] and case["expected"]["from"] == "reference", case["id"]
        for dtype in core.case_dtypes(case):
            inputs = core.make_inputs(case, dtype)
            again = core.make_inputs(case, dtype)
            assert all(core.bitwise_equal(inputs[k], again[k]) for k in inputs), case["id"]
    assert n > 20


def test_python_process_adapter_runs_a_legacy_script():
    a = core.open_adapter("python-process")
    try:
        assert "legacy" in a.info["levels"]
        config = {"actions": [
            {"do": "build", "block": {"class": "FusedRNNCell", "args": [3, 2, "gru"]}},
            {"do": "initialize", "input_size": 2, "seed": 0},
            {"do": "get_weights"},
            {"do": "unpack_weights", "args": {"$result": "2"}},
            {"do": "pack_weights", "args": {"$result": "3"}},
            {"do": "unroll", "length": 4, "inputs": "x"},
            {"do": "function", "function": "encode_sentences", "args": [[["a", "b"], ["b"]]]}]}
        r = a.call("script", "t", "legacy", config, {"x": np.ones((2, 4, 2), np.float32)})
        res = r["results"]
        assert core.bitwise_equal(res[4]["gru_parameters"], res[2]["gru_parameters"])
        assert "gru_l1_h2h_o_bias" in res[3] and res[3]["gru_l1_i2h_r_weight"].shape == (3, 3)
        assert res[5][0].shape == (2, 4, 3) and res[5][1] == []
        assert res[6] == [[[0, 1], [1]], {"\n": -1, "a": 0, "b": 1}]
        bad = {"actions": [{"do": "function", "function": "save_rnn_checkpoint",
                            "args": [[], "p", 1, None, {}, {}]}]}
        r = a.call("script", "t", "legacy", bad, {})
        assert r["error"]["type"] == "NotImplementedError" and r["error"]["action"] == 0
    finally:
        a.close()


def test_the_legacy_reference_is_independent_of_fusedrnn_legacy():
    import ast
    for path in ("harness/legacy_reference.py", "tools/legacy_cases.py"):
        tree = ast.parse(open(os.path.join(SUITE, path), encoding="utf-8").read())
        names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | \
            {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any("legacy" in m and "fusedrnn" in m for m in names), (path, names)
