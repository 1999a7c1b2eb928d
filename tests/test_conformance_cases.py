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
        if name in ("python.json", "perl.json"):  # our own bindings expect no failure
            assert data == {}, (name, data)


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


def test_export_writes_every_numeric_case_npy_and_checksums(tmp_path):
    import hashlib
    from harness import export
    n = export.export(str(tmp_path))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["format"] == "fusedrnn-conformance-export" and manifest["version"] == 2
    numeric = [c["id"] for _, c in core.load_cases() if c["kind"] == "numeric" and c["level"] != "perl"]
    assert n == len(manifest["cases"]) == len(numeric) and set(manifest["cases"]) == set(numeric)
    assert {"operator", "layer", "cell"} <= set(manifest["counts"])
    assert sum(manifest["counts"].values()) == n
    on_disk = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()} - {"manifest.json"}
    assert on_disk == set(manifest["sha256"])
    assert manifest["bytes"] == sum((tmp_path / rel).stat().st_size for rel in on_disk)
    for rel, digest in manifest["sha256"].items():
        assert hashlib.sha256((tmp_path / rel).read_bytes()).hexdigest() == digest, rel
    case = json.loads((tmp_path / "op.lstm.clip.f64" / "case.json").read_text())
    assert case["call"] == "forward" and {c["id"] for c in case["claims"]} >= {"op.clip.clamp"}
    y = np.load(tmp_path / "op.lstm.clip.f64" / case["expected"]["output"]["file"])
    assert list(y.shape) == case["expected"]["output"]["shape"]


def test_exported_script_cases_check_an_implementation_without_the_suite(tmp_path, monkeypatch):
    """Run exported layer/cell cases from their files alone (script, .npy, copied .params)."""
    from harness import export
    export.export(str(tmp_path))
    from python_adapter import PythonHandler
    handler = PythonHandler()
    picked = ["layer.fixture.lstm_l2_bi_f64.f64"] + sorted(
        p.name for p in tmp_path.iterdir() if p.name.startswith(("layer.", "cell.")))[:12]
    for cid in picked:
        cdir = tmp_path / cid
        case = json.loads((cdir / "case.json").read_text())
        assert case["call"] == "script" and case["outputs"]
        for local in case["files"].values():
            assert (cdir / local).is_file()
        inputs = {k: np.load(cdir / v["file"]) for k, v in case["inputs"].items()}
        monkeypatch.chdir(cdir)                     # the script's file paths are relative to the case
        results = handler.run("script", case["script"], inputs, case["level"])["results"]
        for name, path in case["outputs"].items():
            got = core.result_at(results, path, inputs)
            want = np.load(cdir / case["expected"][name]["file"])
            ok, _, _, why = core.compare(got, want, case["tolerance"])
            assert ok, (cid, name, why)


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


def test_every_c_level_claim_has_a_case_and_the_process_adapter_runs_capi_programs():
    claims = core.load_claims()
    cited = {cid for _, c in core.load_cases() for cid in c["claims"]}
    c_claims = [cid for cid, claim in claims.items() if claim["level"] == "c"]
    assert len(c_claims) >= 14
    assert all(cid in cited for cid in c_claims), [cid for cid in c_claims if cid not in cited]
    a = core.open_adapter("python-process")
    try:
        assert "c" in a.info["levels"] and "capi" in a.info["kinds"]
        steps = [{"do": "config", "name": "c", "fields": {"mode": "FUSEDRNN_GRU", "input_size": 2,
                                                          "hidden_size": 3, "dtype": "FUSEDRNN_FLOAT64"}},
                 {"do": "create", "config": "c", "name": "d"},
                 {"do": "forward", "desc": "d", "seq_len": 2, "batch": 1,
                  "buffers": {"x": {"input": "x"}, "params": {"input": "w"}, "y": "output",
                              "workspace": {"bytes": {"query": True}}}},
                 {"do": "forward", "desc": "d", "seq_len": 2, "batch": 1,
                  "buffers": {"x": {"input": "x"}, "params": {"input": "w"}, "y": {"alias": "x"},
                              "workspace": {"bytes": {"query": True}}}},
                 {"do": "status_message", "values": [0, -27, 12345]}]
        r = a.call("capi", "t", "c", {"steps": steps}, {"x": np.ones((2, 1, 2)), "w": np.zeros(3 * 3 * 7)})
        res = r["results"]
        assert res[:2] == ["FUSEDRNN_OK", "FUSEDRNN_OK"]
        assert res[2]["status"] == "FUSEDRNN_OK" and res[2]["outputs"]["y"].shape == (2, 1, 3)
        assert res[3] == {"status": "FUSEDRNN_ERR_OVERLAP", "unchanged": {"y": True}}
        assert all(isinstance(m, str) and m for m in res[4])
    finally:
        a.close()
