"""Helpers the case builders share (make_cases.py, gluon_cases.py, legacy_cases.py,
capi_cases.py; perl_cases.py through gluon_cases): one definition, so the generated
cases cannot drift apart in seeds, tolerances or the shape of a script.
"""
import zlib

TOL = {"float64": {"rtol": 1e-9, "atol": 1e-11}, "float32": {"rtol": 1e-4, "atol": 1e-5}}


def seed_of(cid):
    """A case's generation seed, from its id (crc32): adding a case never reseeds another."""
    return zlib.crc32(cid.encode()) & 0x7FFFFFFF


# ---- scripts (docs/conformance-protocol.md, "Scripts") ---------------------------------

def B(cls, *args, **kwargs):
    """A block spec: {"class", "args", "kwargs"}, empty parts left out."""
    spec = {"class": cls}
    if args:
        spec["args"] = list(args)
    if kwargs:
        spec["kwargs"] = kwargs
    return spec


def ref(name):
    return {"$block": name}


def build(spec, name=None):
    a = {"do": "build", "block": spec}
    if name:
        a["name"] = name
    return a


def last(actions, value):
    """Expect: anything for every action but the last, `value` for it."""
    return ["$any"] * (len(actions) - 1) + [value]


def U(shape, low=-1.0, high=1.0):
    return {"dist": "uniform", "shape": list(shape), "low": low, "high": high}
