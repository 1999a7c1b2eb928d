"""The conformance suite's data: case files, claim links, protocol codec (fast)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITE = os.path.join(ROOT, "conformance")
sys.path.insert(0, SUITE)
sys.path.insert(0, os.path.join(SUITE, "tools"))

from harness import core  # noqa: E402


def test_cases_validate_and_claim_links_are_consistent():
    import link_claims
    assert link_claims.problems() == []


def test_make_cases_is_deterministic_and_up_to_date():
    import make_cases
    files = make_cases.build()
    for name, text in files.items():
        with open(os.path.join(SUITE, "cases", name), encoding="utf-8") as f:
            assert f.read() == text, f"{name} is stale: run conformance/tools/make_cases.py"
    assert make_cases.build() == files


def test_every_operator_level_numeric_case_materialises():
    for _, case in core.load_cases():
        for dtype in core.case_dtypes(case):
            if case["kind"] == "numeric" and case["level"] == "operator":
                inputs = core.make_inputs(case, dtype)
                assert inputs["data"].dtype == np.dtype(dtype)
                again = core.make_inputs(case, dtype)
                assert all(core.bitwise_equal(inputs[k], again[k]) for k in inputs)


def test_xfail_files_name_existing_cases():
    ids = {c["id"] for _, c in core.load_cases()}
    for name in os.listdir(os.path.join(SUITE, "xfail")):
        with open(os.path.join(SUITE, "xfail", name), encoding="utf-8") as f:
            data = json.load(f)
        assert set(data) <= ids, (name, set(data) - ids)
        if name in ("python.json", "perl.json"):
            assert data == {}


@pytest.mark.parametrize("dtype,shape", [("float32", (2, 3)), ("float64", (4,)), ("int64", (3,)),
                                         ("int32", (1, 1, 2)), ("float64", (0, 3))])
def test_protocol_array_round_trip(dtype, shape):
    import protocol_io
    a = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)
    enc = protocol_io.encode_array(a)
    assert enc["shape"] == list(shape) and enc["dtype"] == dtype
    b = protocol_io.decode_array(json.loads(json.dumps(enc)))
    assert core.bitwise_equal(a, b)


def test_python_process_adapter_handshake_and_error():
    a = core.open_adapter("python-process")
    try:
        assert a.info["protocol"] == 1 and "operator" in a.info["levels"]
        r = a.call("param_size", "t", "operator", {"input_size": 4, "state_size": 0, "num_layers": 1,
                                                   "mode": "lstm"}, {})
        assert r["error"]["type"] == "ValueError" and "state_size" in r["error"]["message"]
        r = a.call("forward", "t", "cell", {}, {})
        assert "not_applicable" in r
    finally:
        a.close()


def test_export_writes_cases_npy_and_checksums(tmp_path):
    import hashlib
    from harness import export
    n = export.export(str(tmp_path))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["format"] == "fusedrnn-conformance-export" and manifest["version"] == 1
    assert n == len(manifest["cases"]) > 50
    for rel, digest in list(manifest["sha256"].items())[:40]:
        assert hashlib.sha256((tmp_path / rel).read_bytes()).hexdigest() == digest
    case = json.loads((tmp_path / "op.lstm.clip.f64" / "case.json").read_text())
    assert {c["id"] for c in case["claims"]} >= {"op.clip.clamp"}
    y = np.load(tmp_path / "op.lstm.clip.f64" / case["expected"]["output"]["file"])
    assert list(y.shape) == case["expected"]["output"]["shape"]


def test_layer_and_cell_numeric_cases_materialise_and_name_their_outputs():
    for _, case in core.load_cases():
        if case["level"] not in ("layer", "cell") or case["kind"] != "numeric":
            continue
        assert case["outputs"], case["id"]
        for dtype in core.case_dtypes(case):
            inputs = core.make_inputs(case, dtype)
            again = core.make_inputs(case, dtype)
            assert all(core.bitwise_equal(inputs[k], again[k]) for k in inputs), case["id"]


def test_every_layer_and_cell_claim_has_a_case_or_is_marked_uncheckable():
    claims = core.load_claims()
    cited = {cid for _, c in core.load_cases() for cid in c["claims"]}
    for cid, claim in claims.items():
        if claim["level"] in ("layer", "cell"):
            assert cid in cited or (claim.get("checkable") is False and claim.get("why")), cid
        if claim.get("checkable") is False:
            assert cid not in cited, f"{cid} is marked uncheckable but has cases"


def test_discrepancies_page_is_generated_from_the_claims():
    import discrepancies
    with open(discrepancies.TARGET, encoding="utf-8") as f:
        assert f.read() == discrepancies.render(), \
            "docs/discrepancies.md is stale: run conformance/tools/discrepancies.py"


def test_python_process_adapter_runs_a_cell_script():
    a = core.open_adapter("python-process")
    try:
        assert {"layer", "cell"} <= set(a.info["levels"]) and "script" in a.info["kinds"]
        config = {"actions": [{"do": "build", "block": {"class": "GRUCell", "args": [3],
                                                         "kwargs": {"input_size": 2}}},
                              {"do": "initialize"}, {"do": "state_info", "batch_size": 4},
                              {"do": "step", "inputs": "x"}]}
        r = a.call("script", "t", "cell", config, {"x": np.ones((4, 2), np.float32)})
        res = r["results"]
        assert res[2] == [{"shape": [4, 3], "__layout__": "NC"}]
        assert res[3][0].shape == (4, 3) and res[3][0].dtype == np.float32
        bad = {"actions": [{"do": "build", "block": {"class": "LSTM", "args": [6],
                                                      "kwargs": {"layout": "TCN"}}}]}
        r = a.call("script", "t", "layer", bad, {})
        assert r["error"]["action"] == 0 and "Invalid layout TCN" in r["error"]["message"]
    finally:
        a.close()
