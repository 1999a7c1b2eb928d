"""What every script interpreter shares (docs/conformance-protocol.md, "Scripts").

ScriptValues resolves a script's JSON values: {"$block": name}, {"$input": name},
{"$result": "i/j/..."}, {"$float": text}, nested lists and dicts, plus the forms a
subclass adds through extra_value(). Its subclasses are the adapters' interpreters
(python_adapter.GluonScript, legacy_script.LegacyScript) and the reference
interpreters (harness/gluon_reference.py, harness/legacy_reference.py).

No fusedrnn on purpose, so the references stay independent of the implementations they
check; it sits next to protocol_io.py, so an adapter run as a process finds both.
"""
import contextlib
import inspect

from protocol_io import NotApplicable

NO_FORM = object()        # extra_value(): "not one of my forms"


class ScriptValues:
    # The legacy level's results include dicts (unpack_weights, get_weights), so its
    # {"$result"} paths may step into them by key; the gluon level's paths index lists only.
    DICT_PATHS = False

    def __init__(self, config, inputs):
        self.config = config
        self.inputs = inputs
        self.blocks = {}
        self.results = []

    def _path(self, path):
        value = self.results
        for part in str(path).split("/"):
            value = value[part] if self.DICT_PATHS and isinstance(value, dict) else value[int(part)]
        return value

    def extra_value(self, key, arg):
        """A subclass's own one-key form {key: arg}; NO_FORM when key is not one."""
        return NO_FORM

    def value(self, v):
        """Resolve references inside an argument: {"$block"}, {"$input"}, {"$result"}, {"$float"}."""
        if isinstance(v, dict):
            if set(v) == {"$block"}:
                return self.blocks[v["$block"]]
            if set(v) == {"$input"}:
                return self.inputs[v["$input"]]
            if set(v) == {"$result"}:
                return self._path(v["$result"])
            if set(v) == {"$float"}:
                return float(v["$float"])
            if len(v) == 1:
                (key, arg), = v.items()
                extra = self.extra_value(key, arg)
                if extra is not NO_FORM:
                    return extra
            return {k: self.value(x) for k, x in v.items()}
        if isinstance(v, list):
            return [self.value(x) for x in v]
        return v

    def arrays(self, spec):
        """An input name, a list of specs, a reference object, or null."""
        if spec is None:
            return None
        if isinstance(spec, str):
            return self.inputs[spec]
        if isinstance(spec, list):
            return [self.arrays(s) for s in spec]
        return self.value(spec)

    def act(self, a):
        """One action: `build` (the same at every level) here, the others in action()."""
        if a["do"] == "build":
            self.blocks[a.get("name", "main")] = self.build(a["block"])
            return None
        return self.action(a["do"], a)

    def named_arrays(self, a):
        """The legacy level's `args`: a reference (a dict result), or `params`: {name: input name}."""
        if "args" in a:
            return dict(self.value(a["args"]))
        return {k: self.inputs[v] for k, v in a.get("params", {}).items()}


# ---- what the adapters' interpreters share (they call an implementation) ----------------

class ImplementationScript(ScriptValues):
    """The base of GluonScript and LegacyScript: the actions pass these on to the implementation."""

    @staticmethod
    def _mode(a):
        """The keyword-only training/seed extensions an action passes on."""
        return {k: a[k] for k in ("training", "seed") if k in a}

    def _unroll(self, b, a, array_keys, optional):
        """b.unroll for an `unroll` action. array_keys: the optional arguments resolved with
        arrays(); layout and merge_outputs go as given. With "positional": true the optional
        arguments go positionally: `optional` is unroll's (name, default) pairs in order."""
        kwargs = self._mode(a)
        for k in array_keys:
            if k in a:
                kwargs[k] = self.arrays(a[k])
        for k in ("layout", "merge_outputs"):
            if k in a:
                kwargs[k] = a[k]
        inputs = self.arrays(a["inputs"])
        if a.get("positional"):
            pos = [kwargs.pop(n, d) for n, d in optional]
            return b.unroll(a["length"], inputs, *pos, **kwargs)
        return b.unroll(a["length"], inputs, **kwargs)


class ScriptError(Exception):
    """An error raised by one action of a script; carries the action's index
    (protocol_io.error_response)."""

    def __init__(self, index, exc):
        super().__init__(str(exc))
        self.index = index
        self.exc = exc


@contextlib.contextmanager
def action_errors(index):
    """An error in action `index` becomes a ScriptError; NotApplicable passes as it is."""
    try:
        yield
    except NotApplicable:
        raise
    except Exception as exc:
        raise ScriptError(index, exc) from exc


def jsonable(value):
    """A constructor default or attribute as JSON (tuples become lists, functions their name)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if callable(value):
        return getattr(value, "__name__", repr(value))
    return repr(value)


def signature_of(fn):
    """fn's signature as the `signature` action answers it (without `self`)."""
    params = list(inspect.signature(fn).parameters.values())
    if params and params[0].name == "self":
        params = params[1:]
    positional, keyword, var_keyword = [], {}, None
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            positional.append([p.name] if p.default is p.empty else [p.name, jsonable(p.default)])
        elif p.kind is p.KEYWORD_ONLY:
            keyword[p.name] = None if p.default is p.empty else jsonable(p.default)
        elif p.kind is p.VAR_KEYWORD:
            var_keyword = p.name
    out = {"positional": positional, "keyword": keyword}
    if var_keyword:
        out["var_keyword"] = var_keyword
    return out
