"""`fusedrnn conformance export DIR`: the numeric cases as plain files.

DIR/<case id>/case.json   id, claims (with source and section), level, config,
                          dtype, tolerance, inputs/outputs (file, dtype, shape)
DIR/<case id>/input.<name>.npy, expected.<name>.npy
DIR/manifest.json         format, version, protocol, and the sha256 of every file
"""
import hashlib
import json
import os

import numpy as np

from . import core

FORMAT = "fusedrnn-conformance-export"
VERSION = 1


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export(directory):
    claims = core.load_claims()
    os.makedirs(directory, exist_ok=True)
    files = {}
    cases = []
    for _, case in core.load_cases():
        if case["kind"] != "numeric" or case["level"] != "operator":
            continue          # layer/cell numeric cases are scripts: run them through the protocol
        (dtype,) = core.case_dtypes(case)[:1]
        inputs = core.make_inputs(case, dtype)
        expected = core.expected_outputs(case, inputs)
        cdir = os.path.join(directory, case["id"])
        os.makedirs(cdir, exist_ok=True)
        entry = {"format": FORMAT, "version": VERSION, "id": case["id"], "level": case["level"],
                 "description": case["description"], "config": case["config"], "dtype": dtype,
                 "tolerance": case["tolerance"].get(dtype) or case["tolerance"]["float64"],
                 "claims": [{"id": cid, "source": claims[cid]["source"], "section": claims[cid]["section"]}
                            for cid in case["claims"] if cid in claims],
                 "inputs": {}, "expected": {}}
        for group, arrays, prefix in (("inputs", inputs, "input"), ("expected", expected, "expected")):
            for name, arr in arrays.items():
                fname = f"{prefix}.{name}.npy"
                arr = np.ascontiguousarray(arr)
                if group == "expected":
                    arr = arr.astype(np.float64)
                np.save(os.path.join(cdir, fname), arr, allow_pickle=False)
                entry[group][name] = {"file": fname, "dtype": arr.dtype.name, "shape": list(arr.shape)}
        with open(os.path.join(cdir, "case.json"), "w", encoding="utf-8") as f:
            json.dump(entry, f, indent=1, allow_nan=False)
            f.write("\n")
        for fname in sorted(os.listdir(cdir)):
            rel = f"{case['id']}/{fname}"
            files[rel] = _sha256(os.path.join(cdir, fname))
        cases.append(case["id"])
    manifest = {"format": FORMAT, "version": VERSION, "protocol": core.PROTOCOL,
                "tolerance_rule": "|actual - expected| <= atol + rtol * |expected|; NaN matches NaN only",
                "cases": cases, "sha256": files}
    with open(os.path.join(directory, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    return len(cases)
