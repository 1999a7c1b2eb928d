"""Cases, their inputs and expected values, adapters, and checking one case."""
import glob
import json
import math
import os
import shlex
import subprocess
import sys
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.dirname(HERE)                       # conformance/
REPO = os.path.dirname(SUITE)
ADAPTERS = os.path.join(SUITE, "adapters")       # on sys.path already (harness/__init__.py)

import protocol_io  # noqa: E402

PROTOCOL = 1
CALL_FOR_QUERY = {"param_size": "param_size", "param_layout": "param_layout",
                  "dropout_keep": "dropout_keep", "philox": "philox"}
FLOAT_DTYPES = ("float32", "float64")
DTYPE_SUFFIX = {"float32": "f32", "float64": "f64"}
DEFAULT_TOLERANCE = {"float64": {"rtol": 1e-9, "atol": 1e-11}, "float32": {"rtol": 1e-4, "atol": 1e-5}}


# ---------------------------------------------------------------------------
# suite files
# ---------------------------------------------------------------------------

def suite_dir():
    return os.environ.get("FUSEDRNN_CONFORMANCE_DIR") or SUITE


def _load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_cases(root=None):
    """All cases, in file order: list of (file, case)."""
    root = root or suite_dir()
    out = []
    for path in sorted(glob.glob(os.path.join(root, "cases", "*.json"))):
        for case in _load_json(path):
            out.append((path, case))
    return out


def load_claims(root=None):
    root = root or suite_dir()
    claims = {}
    for path in sorted(glob.glob(os.path.join(root, "claims", "*.json"))):
        for claim in _load_json(path):
            claims[claim["id"]] = claim
    return claims


def load_xfail(impl, root=None):
    root = root or suite_dir()
    path = os.path.join(root, "xfail", f"{impl_key(impl)}.json")
    return _load_json(path) if os.path.exists(path) else {}


def impl_key(impl):
    """File-name form of an implementation name (cmd:... becomes cmd)."""
    return impl.split(":", 1)[0] if impl.startswith(("cmd:", "mutant:")) else impl


# ---------------------------------------------------------------------------
# inputs and expected values
# ---------------------------------------------------------------------------

def _inline(value):
    if isinstance(value, list):
        return [_inline(v) for v in value]
    if isinstance(value, str):
        return float(value)
    return value


def _parse_index(text):
    """'1:,0,:' -> (slice(1, None), 0, slice(None))."""
    parts = []
    for part in text.split(","):
        part = part.strip()
        if ":" in part:
            bits = [int(b) if b.strip() else None for b in part.split(":")]
            parts.append(slice(*bits))
        elif part == "...":
            parts.append(Ellipsis)
        else:
            parts.append(int(part))
    return tuple(parts)


def make_inputs(case, dtype):
    """The case's inputs as NumPy arrays for one float dtype.

    `generate`: one numpy.random.Generator(PCG64(seed)); each distribution in
    the order written draws float64 (floats) or int64 values, then is cast to
    its dtype (the case dtype for floats unless it names its own). Inline
    `inputs` come next (floats in the case dtype, sequence_length int64), then
    `generate.set` patches (index in NumPy slice syntax).
    """
    arrays = {}
    gen = case.get("generate")
    if gen:
        rng = np.random.Generator(np.random.PCG64(gen["seed"]))
        for name, d in gen["distributions"].items():
            shape = tuple(d["shape"])
            kind = d["dist"]
            if kind == "uniform":
                a = rng.uniform(d.get("low", -1.0), d.get("high", 1.0), shape)
            elif kind == "normal":
                a = rng.normal(d.get("mean", 0.0), d.get("std", 1.0), shape)
            elif kind in ("integers", "lengths"):
                lo = d.get("low", 1 if kind == "lengths" else 0)
                hi = d["high"]
                a = rng.integers(int(lo), int(hi), shape, endpoint=True, dtype=np.int64)
            elif kind == "constant":
                a = np.broadcast_to(np.asarray(_inline(d["value"]), dtype=np.float64), shape).copy()
            else:
                raise ValueError(f"unknown distribution {kind!r}")
            default = "int64" if kind in ("integers", "lengths") else dtype
            arrays[name] = np.ascontiguousarray(a.astype(d.get("dtype", default)))
    fx = case.get("fixture_inputs")
    if fx:
        data = np.load(os.path.join(REPO, fx["file"]))
        for name, key in fx["keys"].items():
            a = np.asarray(data[key])
            arrays[name] = np.ascontiguousarray(a.astype(dtype) if a.dtype.kind == "f" and
                                                name not in fx.get("keep_dtype", []) else a)
    for name, value in (case.get("inputs") or {}).items():
        default = "int64" if name == "sequence_length" else dtype
        arrays[name] = np.ascontiguousarray(np.array(_inline(value), dtype=default))
    for patch in (gen or {}).get("set", []):
        arr = arrays[patch["input"]]
        arr[_parse_index(patch["index"])] = _inline(patch["value"])
    return arrays


def decoded_config(case):
    return protocol_io.decode_value(case.get("config") or {})


def reference_outputs(case, inputs):
    """Expected outputs of a numeric case from fusedrnn.reference (float64)."""
    import fusedrnn.reference
    from python_adapter import INPUT_NAMES, OP_KEYS, outputs_dict
    config = decoded_config(case)
    kwargs = {k: config[k] for k in OP_KEYS if k in config}
    args = [None if inputs.get(n) is None else
            (inputs[n] if n == "sequence_length" else inputs[n].astype(np.float64))
            for n in INPUT_NAMES]
    result = fusedrnn.reference.rnn(*args, **kwargs)
    return outputs_dict(result, config.get("state_outputs", False))


def expected_outputs(case, inputs):
    exp = case["expected"]
    if exp["from"] == "onnx":       # ONNX's equations on the flat vector mapped to ONNX's gate order
        from .onnx_reference import onnx_outputs
        return onnx_outputs(decoded_config(case), inputs)
    if exp["from"] == "reference":
        return reference_outputs(case, inputs)
    if exp["from"] == "inline":
        return {k: np.array(_inline(v), dtype=np.float64) for k, v in exp["values"].items()}
    fx = exp["fixture"]
    data = np.load(os.path.join(REPO, fx["file"]))
    keys = fx.get("keys") or list(data.keys())
    return {k.split("/")[-1]: np.asarray(data[k], dtype=np.float64) for k in keys}


def case_dtypes(case):
    return case.get("dtypes") or ["float64"]


# ---------------------------------------------------------------------------
# comparison
# ---------------------------------------------------------------------------

def compare(actual, expected, tol):
    """(ok, max_abs, max_rel, why) for one array."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        return False, math.inf, math.inf, f"shape {actual.shape}, expected {expected.shape}"
    nan_a, nan_e = np.isnan(actual), np.isnan(expected)
    if np.any(nan_a != nan_e):
        n = int(np.sum(nan_a != nan_e))
        return False, math.inf, math.inf, f"NaN at {n} position(s) where the other side has none"
    inf_e = np.isinf(expected) & ~nan_e
    if np.any(actual[inf_e] != expected[inf_e]):
        return False, math.inf, math.inf, "infinities differ"
    fin = ~nan_e & ~inf_e
    if not np.all(np.isfinite(actual[fin])):
        return False, math.inf, math.inf, "non-finite values where finite ones are expected"
    a, e = actual[fin], expected[fin]
    diff = np.abs(a - e)
    max_abs = float(diff.max()) if diff.size else 0.0
    rel = diff / np.where(e != 0, np.abs(e), np.inf)
    max_rel = float(rel.max()) if rel.size else 0.0
    bad = diff > tol["atol"] + tol["rtol"] * np.abs(e)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        return False, max_abs, max_rel, (f"{int(bad.sum())} of {bad.size} values out of tolerance "
                                         f"(first: got {a[i]!r}, expected {e[i]!r})")
    return True, max_abs, max_rel, ""


def bitwise_equal(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


# ---------------------------------------------------------------------------
# adapters
# ---------------------------------------------------------------------------

class AdapterError(Exception):
    """The adapter broke the protocol (crashed, bad JSON, wrong handshake)."""


class Adapter:
    name = "?"
    info = None

    def call(self, kind, case_id, level, config, inputs):
        raise NotImplementedError

    def close(self):
        pass


class InProcessAdapter(Adapter):
    """A handler object (hello(), run(kind, config, inputs, level)) in this process."""

    def __init__(self, name, handler):
        self.name = name
        self.handler = handler
        self.info = {"protocol": PROTOCOL, **handler.hello()}

    def call(self, kind, case_id, level, config, inputs):
        try:
            return self.handler.run(kind, protocol_io.decode_value(config), dict(inputs), level)
        except protocol_io.NotApplicable as exc:
            return {"not_applicable": str(exc) or "not supported"}
        except Exception as exc:
            return protocol_io.error_response(exc)


class ProcessAdapter(Adapter):
    """An adapter process speaking protocol v1 over stdin/stdout."""

    def __init__(self, name, command, timeout=120):
        self.name = name
        self.command = command
        self.timeout = timeout
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(command, shell=isinstance(command, str), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1, cwd=REPO)
        info = self._send({"op": "hello", "protocol": PROTOCOL})
        if info.get("protocol") != PROTOCOL:
            raise AdapterError(f"{name}: handshake failed: {info!r}")
        self.info = info

    def _send(self, request):
        with self.lock:
            if self.proc.poll() is not None:
                raise AdapterError(f"{self.name}: adapter process exited with {self.proc.returncode}")
            self.proc.stdin.write(json.dumps(request, separators=(",", ":")) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        if not line:
            raise AdapterError(f"{self.name}: adapter closed its output (exit {self.proc.poll()})")
        try:
            return json.loads(line)
        except ValueError as exc:
            raise AdapterError(f"{self.name}: not JSON: {line[:200]!r}") from exc

    def call(self, kind, case_id, level, config, inputs):
        request = {"op": "run", "case": {
            "id": case_id, "level": level, "kind": kind, "config": config,
            "inputs": {k: protocol_io.encode_array(v) for k, v in inputs.items()}}}
        response = self._send(request)
        if "outputs" in response:
            response = {"outputs": {k: protocol_io.decode_array(v) for k, v in response["outputs"].items()}}
        if "results" in response:
            response = {"results": protocol_io.decode_results(response["results"])}
        return response

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write('{"op":"bye"}\n')
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except Exception:
                self.proc.kill()


def perl_command():
    return f"perl {shlex.quote(os.path.join(ADAPTERS, 'perl_adapter.pl'))}"


def builtin_names():
    return ["python", "perl", "reference", "python-process", "torch", "onnxruntime"]


def open_adapter(impl):
    """impl: python | perl | reference | python-process | torch | onnxruntime |
    cmd:<command> | mutant:<name>."""
    if impl == "python":
        from python_adapter import PythonHandler
        return InProcessAdapter(impl, PythonHandler())
    if impl == "reference":
        from python_adapter import PythonHandler
        return InProcessAdapter(impl, PythonHandler(reference=True))
    if impl == "python-process":
        return ProcessAdapter(impl, [sys.executable, os.path.join(ADAPTERS, "python_adapter.py")])
    if impl == "perl":
        return ProcessAdapter(impl, perl_command())
    if impl == "torch":
        from torch_adapter import TorchHandler
        return InProcessAdapter(impl, TorchHandler())
    if impl == "onnxruntime":
        from onnx_adapter import OnnxHandler
        return InProcessAdapter(impl, OnnxHandler())
    if impl.startswith("cmd:"):
        return ProcessAdapter(impl, impl[4:])
    if impl.startswith("mutant:"):
        return ProcessAdapter(impl, [sys.executable, os.path.join(SUITE, "mutants", "mutant_adapter.py"),
                                     impl.split(":", 1)[1]])
    raise ValueError(f"unknown implementation {impl!r} (known: {', '.join(builtin_names())}, "
                     "cmd:<command>, mutant:<name>)")


def available(impl):
    """(True, '') or (False, why) for the optional in-process adapters."""
    mod = {"torch": "torch", "onnxruntime": "onnxruntime"}.get(impl)
    if not mod:
        return True, ""
    try:
        __import__(mod)
        if impl == "onnxruntime":
            __import__("onnx")
    except ImportError as exc:
        return False, str(exc)
    return True, ""


# ---------------------------------------------------------------------------
# evaluating one case
# ---------------------------------------------------------------------------

class Result:
    def __init__(self, status, message="", max_abs=None, max_rel=None):
        self.status = status          # passed | failed | not_applicable
        self.message = message
        self.max_abs = max_abs
        self.max_rel = max_rel

    def __repr__(self):
        return f"Result({self.status!r}, {self.message!r})"


def _na(msg):
    return Result("not_applicable", msg)


SCRIPT_LEVELS = ("layer", "cell")
SCRIPT_LEVELS += ("legacy",)          # fusedrnn.legacy scripts (harness/legacy_reference.py)


def call_kind(case):
    if case["level"] == "c":          # C API programs, judged like scripts (docs/conformance-protocol.md)
        return "capi"
    if case["level"] == "perl":       # perl-level cases: Perl code run by the perl adapter (call kind "perl")
        return "perl"
    if case["level"] in SCRIPT_LEVELS:
        return "script"
    if case["kind"] == "attribute":
        return CALL_FOR_QUERY.get(case["query"], "forward")
    return case.get("call", "forward")


def _error_matches(info, expect, err):
    want = expect.get("type")
    if want and info.get("error_types") == "python":
        got = set(err.get("types") or []) | {err.get("type", "")}
        got |= {g.rsplit(".", 1)[-1] for g in got}
        if want not in got and want.rsplit(".", 1)[-1] not in got:
            return f"raised {err.get('type')}, expected {want}: {err.get('message')}"
    frag = expect.get("message_contains")
    if frag and frag.lower() not in str(err.get("message", "")).lower():
        return f"message {err.get('message')!r} does not contain {frag!r}"
    return ""


def _outputs_or(response):
    if "outputs" in response:
        return response["outputs"], None
    if "not_applicable" in response:
        return None, _na(response["not_applicable"])
    if "error" in response:
        e = response["error"]
        return None, Result("failed", f"raised {e.get('type')}: {e.get('message')}")
    return None, Result("failed", f"unexpected response {sorted(response)}")


def evaluate(adapter, case, dtype):
    """Check one case (one dtype) against one adapter: a Result."""
    info = adapter.info or {}
    level = case["level"]
    if level not in info.get("levels", []):
        return _na(f"{adapter.name} has no {level} level")
    kind = case["kind"]
    if kind == "property":
        from .properties import run_property
        return run_property(adapter, case)
    ckind = call_kind(case)
    kinds = info.get("kinds")
    if kinds is not None and ckind not in kinds:
        return _na(f"{adapter.name} does not offer call kind {ckind!r}")
    if kind == "error" and info.get("validation") is False:
        return _na(f"{adapter.name} does not check the operator's argument rules")
    if ckind in ("script", "perl"):
        return evaluate_script(adapter, case, dtype)
    if ckind == "capi":
        return evaluate_script(adapter, case, dtype)
    config = case.get("config") or {}
    inputs = make_inputs(case, dtype) if ckind == "forward" else {}
    response = adapter.call(ckind, case["id"], level, config, inputs)

    if kind == "error":
        if "not_applicable" in response:
            return _na(response["not_applicable"])
        if "error" not in response:
            return Result("failed", f"no error raised (expected {case['expect_error']})")
        why = _error_matches(info, case["expect_error"], response["error"])
        return Result("failed", why) if why else Result("passed")

    if kind == "numeric":
        outputs, bad = _outputs_or(response)
        if bad:
            return bad
        expected = expected_outputs(case, inputs)
        if set(outputs) != set(expected):
            return Result("failed", f"outputs {sorted(outputs)}, expected {sorted(expected)}")
        tol = case["tolerance"].get(dtype) or case["tolerance"].get("float64")
        worst_abs = worst_rel = 0.0
        for name in sorted(expected):
            if outputs[name].dtype != np.dtype(dtype):
                return Result("failed", f"{name}: dtype {outputs[name].dtype}, expected {dtype}")
            ok, mabs, mrel, why = compare(outputs[name], expected[name], tol)
            worst_abs, worst_rel = max(worst_abs, mabs), max(worst_rel, mrel)
            if not ok:
                return Result("failed", f"{name}: {why}", worst_abs, worst_rel)
        return Result("passed", "", worst_abs, worst_rel)

    # attribute
    query, expect = case["query"], case["expect"]
    if ckind != "forward":
        if "not_applicable" in response:
            return _na(response["not_applicable"])
        if "error" in response:
            e = response["error"]
            return Result("failed", f"raised {e.get('type')}: {e.get('message')}")
        got = (response.get("attributes") or {}).get(query)
        if got != expect:
            return Result("failed", f"{query} = {got!r}, expected {expect!r}")
        return Result("passed")
    outputs, bad = _outputs_or(response)
    if bad:
        return bad
    if query == "output_shapes":
        got = {k: list(v.shape) for k, v in outputs.items()}
        if got != expect:
            return Result("failed", f"output shapes {got}, expected {expect}")
        return Result("passed")
    if query in ("same_outputs", "different_outputs"):
        for variant in case.get("variants", []):
            vconfig = {**config, **variant.get("config", {})}
            vinputs = {k: v for k, v in inputs.items() if k not in variant.get("without", [])}
            if "inputs" in variant or "set" in variant:
                vcase = dict(case)
                vcase["inputs"] = {**(case.get("inputs") or {}), **variant.get("inputs", {})}
                vcase["generate"] = dict(case.get("generate") or {})
                if "set" in variant:
                    vcase["generate"]["set"] = list(vcase["generate"].get("set", [])) + variant["set"]
                vinputs = {k: v for k, v in make_inputs(vcase, dtype).items()
                           if k not in variant.get("without", [])}
            vresp = adapter.call("forward", case["id"], level, vconfig, vinputs)
            vout, bad = _outputs_or(vresp)
            if bad:
                return bad
            same = set(vout) == set(outputs) and all(bitwise_equal(outputs[k], vout[k]) for k in outputs)
            if same != expect:
                what = "identical" if same else "different"
                return Result("failed", f"variant {variant} gives {what} outputs "
                                        f"({'expected identical' if query == 'same_outputs' else 'expected a difference'})")
        return Result("passed")
    if query == "close_outputs":
        # each variant agrees with the base run within the suite's tolerance for the dtype
        # (not bitwise: rounding-level freedom, e.g. pre-summed biases); expect false: it must not
        tol = DEFAULT_TOLERANCE[dtype]
        for variant in case.get("variants", []):
            vcase = dict(case)
            vcase["inputs"] = {**(case.get("inputs") or {}), **variant.get("inputs", {})}
            vconfig = {**config, **variant.get("config", {})}
            vinputs = {k: v for k, v in make_inputs(vcase, dtype).items() if k not in variant.get("without", [])}
            vout, bad = _outputs_or(adapter.call("forward", case["id"], level, vconfig, vinputs))
            if bad:
                return bad
            close = set(vout) == set(outputs) and all(compare(vout[k], outputs[k], tol)[0] for k in outputs)
            if close != expect:
                return Result("failed", f"variant {sorted(variant)} gives {'close' if close else 'different'} "
                                        f"outputs (expected {'close' if expect else 'a difference beyond tolerance'})")
        return Result("passed")
    if query == "finite_outputs":
        got = all(bool(np.all(np.isfinite(v))) for v in outputs.values())
        return Result("passed") if got == expect else Result("failed", f"all finite = {got}, expected {expect}")
    raise ValueError(f"unknown query {query!r} in case {case['id']}")


# ---------------------------------------------------------------------------
# layer and cell levels: scripts
# ---------------------------------------------------------------------------

def with_dtype(value, dtype):
    """The case config with every "$dtype" string replaced by the dtype being run."""
    if value == "$dtype":
        return dtype
    if isinstance(value, dict):
        return {k: with_dtype(v, dtype) for k, v in value.items()}
    if isinstance(value, list):
        return [with_dtype(v, dtype) for v in value]
    return value


def result_at(results, path, inputs=None):
    """results[i][j]... for path "i/j"; "in:name" is an input array."""
    if isinstance(path, str) and path.startswith("in:"):
        return inputs[path[3:]]
    value = results
    for part in str(path).split("/"):
        value = value[part] if isinstance(value, dict) else value[int(part)]   # dict: by key (c level)
    return value


def summarize(value):
    """Results as JSON for attribute comparison: arrays become {"shape", "dtype"}."""
    if isinstance(value, np.ndarray):
        return {"shape": list(value.shape), "dtype": value.dtype.name}
    if isinstance(value, (list, tuple)):
        return [summarize(v) for v in value]
    if isinstance(value, dict):
        return {k: summarize(v) for k, v in value.items()}
    return value


def matches(actual, expect):
    """JSON match: "$any" matches anything; {"$contains": {...}} a dict holding those items."""
    if expect == "$any":
        return True
    if isinstance(expect, dict) and set(expect) == {"$oneof"}:
        return any(matches(actual, e) for e in expect["$oneof"])
    if isinstance(expect, dict) and set(expect) == {"$contains"}:
        return isinstance(actual, dict) and all(k in actual and matches(actual[k], v)
                                                for k, v in expect["$contains"].items())
    if isinstance(expect, dict):
        return isinstance(actual, dict) and set(actual) == set(expect) and all(
            matches(actual[k], v) for k, v in expect.items())
    if isinstance(expect, list):
        return isinstance(actual, list) and len(actual) == len(expect) and all(
            matches(a, e) for a, e in zip(actual, expect))
    if isinstance(expect, bool) or isinstance(actual, bool):
        return type(actual) is type(expect) and actual == expect
    if isinstance(expect, float) and isinstance(actual, (int, float)):
        return math.isclose(actual, expect, rel_tol=1e-9, abs_tol=1e-12)
    return actual == expect


def bools_as_ints(value):
    """JSON booleans as 0/1, for adapters whose language has no boolean type (hello: "booleans": "numeric")."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list):
        return [bools_as_ints(v) for v in value]
    if isinstance(value, dict):
        return {k: bools_as_ints(v) for k, v in value.items()}
    return value


def _as_arrays(v):
    return [np.asarray(x, dtype=np.float64) for x in v] if isinstance(v, list) else [np.asarray(v, np.float64)]


def check_relation(rel, results, inputs):
    """One relation of an attribute case with query "checks": '' when it holds, else why."""
    kind = rel["rel"]

    def get(key):
        value = result_at(results, rel[key], inputs)
        if key == "a" and "index" in rel:
            value = np.asarray(value)[_parse_index(rel["index"])]
        return value

    if kind in ("json", "json_set"):
        got = summarize(get("a"))
        if kind == "json_set":
            ok = isinstance(got, list) and sorted(map(json.dumps, got)) == sorted(map(json.dumps, rel["value"])) \
                and len(got) == len(rel["value"])
        else:
            ok = matches(got, rel["value"])
        return "" if ok else f"{rel['a']} = {json.dumps(got)[:400]}, expected {json.dumps(rel['value'])[:400]}"
    if kind == "shape":
        got = list(np.shape(get("a")))
        return "" if got == rel["value"] else f"{rel['a']} has shape {got}, expected {rel['value']}"
    if kind == "length":
        got = len(get("a"))
        return "" if got == rel["value"] else f"{rel['a']} has {got} items, expected {rel['value']}"
    if kind == "same_mask_along":
        a = np.asarray(get("a"))
        zero = a == 0
        ref = np.take(zero, [0], axis=rel["axis"])
        return "" if np.all(zero == ref) else f"{rel['a']}: the mask differs along axis {rel['axis']}"
    if kind in ("equal", "differ"):
        a, b = get("a"), get("b")
        same = (all(bitwise_equal(x, y) for x, y in zip(a, b)) and len(a) == len(b)) \
            if isinstance(a, list) and isinstance(b, list) else (
            bitwise_equal(a, b) if isinstance(a, np.ndarray) else a == b)
        if same != (kind == "equal"):
            return f"{rel['a']} and {rel['b']} are {'identical' if same else 'different'}"
        return ""
    if kind == "close":
        for x, y in zip(_as_arrays(get("a")), _as_arrays(get("b"))):
            ok, _, _, why = compare(x, y, {"rtol": rel.get("rtol", 1e-9), "atol": rel.get("atol", 1e-11)})
            if not ok:
                return f"{rel['a']} vs {rel['b']}: {why}"
        return ""
    if kind == "dropout_of":
        p = rel["p"]
        (a,), (b,) = _as_arrays(get("a")), _as_arrays(get("b"))
        kept = np.isclose(a, b / (1 - p), rtol=1e-6, atol=1e-7) & (b != 0)
        dropped = a == 0
        if not np.all(kept | dropped):
            return f"{rel['a']} is not 0 or {rel['b']}/(1-{p}) everywhere"
        if not (np.any(dropped & (b != 0)) and np.any(kept)):
            return f"{rel['a']}: expected both dropped and kept elements"
        return ""
    if kind == "choice_of":
        (a,) = _as_arrays(get("a"))
        options = [_as_arrays(result_at(results, o, inputs))[0] for o in rel["options"]]
        hit = [np.isclose(a, o, rtol=1e-6, atol=1e-7) for o in options]
        if not np.all(np.any(hit, axis=0)):
            return f"{rel['a']} has values that are none of {rel['options']}"
        if rel.get("each_used") and not all(np.any(h & ~np.any([g for g in hit if g is not h], axis=0))
                                            for h in hit):
            return f"{rel['a']}: not every one of {rel['options']} was chosen somewhere"
        return ""
    if kind == "range":
        for x in _as_arrays(get("a")):
            if x.size and not (x.min() >= rel["low"] and x.max() <= rel["high"]):
                return f"{rel['a']} outside [{rel['low']}, {rel['high']}]"
            if rel.get("not_constant") and x.size and x.min() == x.max():
                return f"{rel['a']} is constant"
        return ""
    if kind == "constant":
        for x in _as_arrays(get("a")):
            if not np.all(x == rel["value"]):
                return f"{rel['a']} is not all {rel['value']}"
        return ""
    if kind == "nonempty":       # every item of a list (or the value) is a non-empty string
        got = get("a")
        bad = [g for g in (got if isinstance(got, list) else [got]) if not (isinstance(g, str) and g.strip())]
        return f"{rel['a']}: {len(bad)} item(s) not a non-empty string: {bad[:3]!r}" if bad else ""
    if kind == "dtype":
        got = [np.asarray(x).dtype.name for x in (get("a") if isinstance(get("a"), list) else [get("a")])]
        if any(g != rel["dtype"] for g in got):
            return f"{rel['a']} has dtype {got}, expected {rel['dtype']}"
        return ""
    raise ValueError(f"unknown relation {kind!r}")


def script_expected(case, inputs, config):
    exp = case["expected"]
    if exp["from"] == "reference" and case["level"] == "legacy":
        from .legacy_reference import run_script as run_legacy
        results = run_legacy(config, dict(inputs))
        return {name: result_at(results, path, inputs) for name, path in case["outputs"].items()}
    if exp["from"] == "reference":
        from .gluon_reference import run_script
        results = run_script(config, {k: v for k, v in inputs.items()})
        return {name: result_at(results, path, inputs) for name, path in case["outputs"].items()}
    if exp["from"] == "fixture":
        fx = exp["fixture"]
        data = np.load(os.path.join(REPO, fx["file"]))
        return {name: np.asarray(data[key], dtype=np.float64) for name, key in zip(case["outputs"], fx["keys"])}
    return {k: np.array(_inline(v), dtype=np.float64) for k, v in exp["values"].items()}


def evaluate_script(adapter, case, dtype):
    config = with_dtype(case.get("config") or {}, dtype)
    inputs = make_inputs(case, dtype)
    response = adapter.call(call_kind(case), case["id"], case["level"], config, inputs)
    kind = case["kind"]
    if "not_applicable" in response:
        return _na(response["not_applicable"])
    n_actions = len(config.get("actions", []))
    if kind == "error":
        if "error" not in response:
            return Result("failed", f"no error raised (expected {case['expect_error']})")
        err = response["error"]
        where = err.get("action")
        if where is not None and where != n_actions - 1:
            return Result("failed", f"action {where} raised {err.get('type')}: {err.get('message')} "
                                    f"(expected the error from the last action, {n_actions - 1})")
        why = _error_matches(adapter.info or {}, case["expect_error"], err)
        return Result("failed", why) if why else Result("passed")
    if "error" in response:
        e = response["error"]
        return Result("failed", f"action {e.get('action')} raised {e.get('type')}: {e.get('message')}")
    if "results" not in response:
        return Result("failed", f"unexpected response {sorted(response)}")
    results = response["results"]
    if kind == "numeric":
        expected = script_expected(case, inputs, config)
        tol = case["tolerance"].get(dtype) or case["tolerance"].get("float64")
        worst_abs = worst_rel = 0.0
        for name, path in case["outputs"].items():
            try:
                got = result_at(results, path, inputs)
            except (IndexError, TypeError, KeyError):
                return Result("failed", f"{name}: no result at {path}")
            want = expected[name]
            if not isinstance(got, np.ndarray):
                return Result("failed", f"{name} ({path}): {type(got).__name__}, expected an array")
            if got.dtype != np.dtype(dtype):
                return Result("failed", f"{name}: dtype {got.dtype}, expected {dtype}")
            ok, mabs, mrel, why = compare(got, want, tol)
            worst_abs, worst_rel = max(worst_abs, mabs), max(worst_rel, mrel)
            if not ok:
                return Result("failed", f"{name}: {why}", worst_abs, worst_rel)
        return Result("passed", "", worst_abs, worst_rel)
    query = case["query"]
    if query == "results":
        got, want = summarize(results), case["expect"]
        if (adapter.info or {}).get("booleans") == "numeric":    # e.g. Perl: false/true are 0/1
            got, want = bools_as_ints(got), bools_as_ints(want)
        if not matches(got, want):
            return Result("failed", f"results {json.dumps(got)[:600]}, expected {json.dumps(case['expect'])[:600]}")
        return Result("passed")
    if query == "checks":
        for rel in case["checks"]:
            why = check_relation(rel, results, inputs)
            if why:
                return Result("failed", why)
        return Result("passed") if case["expect"] is True else Result("failed", "checks hold")
    raise ValueError(f"unknown query {query!r} in case {case['id']}")


def run_case(adapter, case):
    """Every dtype of the case; the first failure wins. Returns (Result, seconds)."""
    t0 = time.perf_counter()
    results = [evaluate(adapter, case, d) for d in case_dtypes(case)]
    dt = time.perf_counter() - t0
    for status in ("failed", "passed", "not_applicable"):
        hits = [r for r in results if r.status == status]
        if hits:
            best = hits[0]
            if status == "passed":
                abs_ = [r.max_abs for r in hits if r.max_abs is not None]
                rel = [r.max_rel for r in hits if r.max_rel is not None]
                best = Result("passed", "", max(abs_) if abs_ else None, max(rel) if rel else None)
            return best, dt
    return Result("not_applicable", "no dtype"), dt
