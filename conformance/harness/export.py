"""`fusedrnn conformance export DIR`: every numeric case as plain files (format version 2).

DIR/<case id>/case.json   format, version, id, level, call ("forward" or "script"),
                          description, dtype, tolerance, claims (with source and
                          section), inputs/expected (file, dtype, shape); operator
                          cases: config (operator options); layer/cell cases:
                          script (the protocol's script config, "$dtype" resolved,
                          file paths relative to the case directory), outputs
                          (name -> result path), files (repository path -> local copy)
DIR/<case id>/input.<name>.npy, expected.<name>.npy, file.<basename>
DIR/manifest.json         format, version, protocol, tolerance rule, cases, counts
                          per level, total bytes, and the sha256 of every file

Version history: 1 wrote the operator-level numeric cases only; 2 adds the
layer- and cell-level (script) numeric cases, `call`, `script`, `outputs`,
`files`, and the manifest's `counts` and `bytes`. Operator entries are as in 1.
"""
import hashlib
import json
import os
import re
import shutil

import numpy as np

from . import core

FORMAT = "fusedrnn-conformance-export"
VERSION = 2
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _files_in(script, cdir, files):
    """The script with every repository file it names (`"file": path`) copied next to the case."""
    if isinstance(script, list):
        return [_files_in(v, cdir, files) for v in script]
    if not isinstance(script, dict):
        return script
    out = {}
    for key, value in script.items():
        if key == "file" and isinstance(value, str):
            local = files.get(value)
            if local is None:
                local = f"file.{os.path.basename(value)}"
                shutil.copyfile(os.path.join(core.REPO, value), os.path.join(cdir, local))
                files[value] = local
            out[key] = local
        else:
            out[key] = _files_in(value, cdir, files)
    return out


def _case_entry(case, dtype, claims):
    return {"format": FORMAT, "version": VERSION, "id": case["id"], "level": case["level"],
            "description": case["description"], "dtype": dtype,
            "tolerance": case["tolerance"].get(dtype) or case["tolerance"]["float64"],
            "claims": [{"id": cid, "source": claims[cid]["source"], "section": claims[cid]["section"]}
                       for cid in case["claims"] if cid in claims],
            "inputs": {}, "expected": {}}


def exportable(case):
    """Numeric cases at the operator level and the script levels (layer, cell, and any later one)."""
    return case["kind"] == "numeric" and (case["level"] == "operator" or core.call_kind(case) == "script")


def export(directory):
    claims = core.load_claims()
    os.makedirs(directory, exist_ok=True)
    files = {}
    cases = []
    counts = {}
    for _, case in core.load_cases():
        if not exportable(case):
            continue
        (dtype,) = core.case_dtypes(case)[:1]
        inputs = core.make_inputs(case, dtype)
        cdir = os.path.join(directory, case["id"])
        shutil.rmtree(cdir, ignore_errors=True)          # no stale files from an earlier export
        os.makedirs(cdir)
        entry = _case_entry(case, dtype, claims)
        if case["level"] == "operator":
            expected = core.expected_outputs(case, inputs)
            entry["call"] = "forward"
            entry["config"] = case["config"]
        else:
            config = core.with_dtype(case.get("config") or {}, dtype)
            expected = core.script_expected(case, inputs, config)
            copied = {}
            entry["call"] = "script"
            entry["script"] = _files_in(config, cdir, copied)
            entry["outputs"] = case["outputs"]
            entry["files"] = copied
        for group, arrays, prefix in (("inputs", inputs, "input"), ("expected", expected, "expected")):
            for name, arr in arrays.items():
                if not SAFE_NAME.match(name):
                    raise ValueError(f"{case['id']}: array name {name!r} is not safe as a file name")
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
        counts[case["level"]] = counts.get(case["level"], 0) + 1
    total = sum(os.path.getsize(os.path.join(directory, rel)) for rel in files)
    manifest = {"format": FORMAT, "version": VERSION, "protocol": core.PROTOCOL,
                "tolerance_rule": "|actual - expected| <= atol + rtol * |expected|; NaN matches NaN only",
                "cases": cases, "counts": counts, "bytes": total, "sha256": files}
    with open(os.path.join(directory, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    return len(cases)
