"""Conformance protocol v1, the adapter side, for adapters written in Python.

Self-contained (NumPy and the standard library only), so an adapter file can be
run as a plain process: ``python adapter.py`` reads one JSON request per line
on stdin and writes one JSON response per line on stdout. See
docs/conformance-protocol.md for the contract.
"""
import base64
import json
import sys
import traceback

import numpy as np

PROTOCOL = 1
DTYPES = ("float32", "float64", "int32", "int64")


class NotApplicable(Exception):
    """The implementation lacks what the case needs (an option, a call kind)."""


def decode_array(obj):
    dtype = np.dtype(obj["dtype"]).newbyteorder("<")
    shape = tuple(int(s) for s in obj["shape"])
    raw = base64.b64decode(obj["data"])
    arr = np.frombuffer(raw, dtype=dtype).reshape(shape)
    return arr.astype(arr.dtype.newbyteorder("="), copy=True)


def encode_array(arr):
    arr = np.asarray(arr)
    if arr.dtype.kind == "b":
        arr = arr.astype(np.int32)
    if arr.dtype.name not in DTYPES:
        raise TypeError(f"cannot encode dtype {arr.dtype}")
    le = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<"))
    return {"dtype": arr.dtype.name, "shape": list(arr.shape),
            "data": base64.b64encode(le.tobytes()).decode("ascii")}


def decode_value(value):
    """Config values: {"$float": "nan"|"inf"|"-inf"} stands for that float."""
    if isinstance(value, dict):
        if set(value) == {"$float"}:
            return float(value["$float"])
        return {k: decode_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    return value


def encode_results(value):
    """Script results as JSON: arrays become {"$array": array}, tuples lists."""
    if isinstance(value, np.ndarray):
        return {"$array": encode_array(value)}
    if isinstance(value, (list, tuple)):
        return [encode_results(v) for v in value]
    if isinstance(value, dict):
        return {k: encode_results(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def decode_results(value):
    if isinstance(value, dict):
        if set(value) == {"$array"}:
            return decode_array(value["$array"])
        return {k: decode_results(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_results(v) for v in value]
    return value


def error_response(exc):
    index = getattr(exc, "index", None)
    if index is not None and getattr(exc, "exc", None) is not None:
        response = error_response(exc.exc)
        response["error"]["action"] = index
        return response
    names = [c.__name__ for c in type(exc).__mro__ if c not in (object, BaseException)]
    module = type(exc).__module__
    qual = type(exc).__name__ if module == "builtins" else f"{module.split('.')[0]}.{type(exc).__name__}"
    return {"error": {"type": qual, "types": names, "message": str(exc)}}


def handle(handler, request):
    """One request (a dict) -> one response (a dict)."""
    op = request.get("op")
    if op == "hello":
        if request.get("protocol") != PROTOCOL:
            return {"error": {"type": "ProtocolError",
                              "message": f"unsupported protocol {request.get('protocol')!r}"}}
        return {"protocol": PROTOCOL, **handler.hello()}
    if op == "bye":
        return {"bye": True}
    if op != "run":
        return {"error": {"type": "ProtocolError", "message": f"unknown op {op!r}"}}
    case = request["case"]
    try:
        inputs = {k: decode_array(v) for k, v in (case.get("inputs") or {}).items()}
        config = decode_value(case.get("config") or {})
        result = handler.run(case["kind"], config, inputs, case.get("level", "operator"))
    except NotApplicable as exc:
        return {"not_applicable": str(exc) or "not supported"}
    except Exception as exc:  # the implementation's own error is the answer
        return error_response(exc)
    if "outputs" in result:
        return {"outputs": {k: encode_array(v) for k, v in result["outputs"].items()}}
    if "results" in result:
        return {"results": encode_results(result["results"])}
    return result


def serve(handler, stdin=None, stdout=None):
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    for line in stdin:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
            response = handle(handler, request)
        except Exception as exc:  # a malformed request
            response = {"error": {"type": "ProtocolError",
                                  "message": "".join(traceback.format_exception_only(type(exc), exc)).strip()}}
            request = {}
        stdout.write(json.dumps(response, separators=(",", ":")) + "\n")
        stdout.flush()
        if request.get("op") == "bye":
            break
    return 0
