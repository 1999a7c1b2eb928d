"""The `python` implementation: fusedrnn.rnn, fusedrnn.gluon and friends behind protocol v1.

Operator level: fusedrnn.rnn. Layer and cell levels: scripts (call kind
`script`) run against fusedrnn.gluon.rnn, see GluonScript.

Used in process by the runner (PythonHandler) and runnable as a process:
    python conformance/adapters/python_adapter.py [--reference]
`--reference` serves fusedrnn.reference.rnn instead (the oracle itself).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from protocol_io import NotApplicable, serve  # noqa: E402
from script_values import NO_FORM, ImplementationScript, action_errors, signature_of  # noqa: E402

OP_KEYS = ("state_size", "num_layers", "mode", "bidirectional", "p", "state_outputs",
           "projection_size", "lstm_state_clip_min", "lstm_state_clip_max",
           "lstm_state_clip_nan", "use_sequence_length", "layout", "training", "seed")
SIZE_KEYS = ("input_size", "state_size", "num_layers", "mode", "bidirectional", "projection_size")
INPUT_NAMES = ("data", "parameters", "state", "state_cell", "sequence_length")


def outputs_dict(result, state_outputs):
    if not state_outputs:
        return {"output": result}
    names = ("output", "hy", "cy")
    return dict(zip(names, result))


class PythonHandler:
    implementation = "python"

    def __init__(self, reference=False):
        import fusedrnn
        import fusedrnn.params
        import fusedrnn.philox
        import fusedrnn.reference
        self.fusedrnn = fusedrnn
        self.reference = reference
        self.op = fusedrnn.reference.rnn if reference else fusedrnn.rnn
        self.name = "python-reference" if reference else "python"

    def hello(self):
        return {"implementation": self.name, "version": self.fusedrnn.__version__,
                "levels": ["operator"] if self.reference else ["operator", "layer", "cell", "legacy", "c"],
                "kinds": ["forward", "param_size", "param_layout", "dropout_keep", "philox", "script", "capi"],
                "error_types": "python"}

    def run(self, kind, config, inputs, level="operator"):
        if level in ("layer", "cell") and not self.reference:
            if kind != "script":
                raise NotApplicable(f"call kind {kind!r} at level {level!r}")
            return {"results": GluonScript(config, inputs).run()}
        if level == "legacy" and not self.reference:      # fusedrnn.legacy (MXNet 0.10 mxnet.rnn)
            if kind != "script":
                raise NotApplicable(f"call kind {kind!r} at level {level!r}")
            from legacy_script import LegacyScript
            return {"results": LegacyScript(config, inputs).run()}
        if level == "c" and not self.reference:          # the C API through cffi (capi_python.py)
            if kind != "capi":
                raise NotApplicable(f"call kind {kind!r} at level {level!r}")
            from capi_python import CapiProgram
            return {"results": CapiProgram(config, inputs).run()}
        if level != "operator" or kind == "script":
            raise NotApplicable(f"level {level!r}")
        unknown = set(inputs) - set(INPUT_NAMES)
        if unknown:
            raise NotApplicable(f"unknown inputs {sorted(unknown)}")
        if kind == "forward":
            kwargs = {k: config[k] for k in OP_KEYS if k in config}
            extra = set(config) - set(OP_KEYS) - {"max_threads"}
            if extra:
                raise NotApplicable(f"unknown options {sorted(extra)}")
            if "max_threads" in config and not self.reference:
                kwargs["max_threads"] = config["max_threads"]
            args = [inputs.get(n) for n in INPUT_NAMES]
            result = self.op(*args, **kwargs)
            outputs = outputs_dict(result, config.get("state_outputs", False))
            if self.reference:   # the reference computes in float64; answer in data's dtype
                outputs = {k: v.astype(inputs["data"].dtype) for k, v in outputs.items()}
            return {"outputs": outputs}
        if kind == "param_size":
            kwargs = {k: config[k] for k in SIZE_KEYS if k in config}
            if self.reference:
                return {"attributes": {"param_size": self.fusedrnn.params.param_size(**kwargs)}}
            return {"attributes": {"param_size": self.fusedrnn.rnn_param_size(**kwargs)}}
        if kind == "param_layout":
            kwargs = {k: config[k] for k in SIZE_KEYS if k in config}
            layout = self.fusedrnn.params.param_layout(**kwargs)
            return {"attributes": {"param_layout": [[n, list(s)] for n, s, _ in layout]}}
        if kind == "dropout_keep":
            keep = self.fusedrnn.philox.dropout_keep(config["seed"], config["layer"],
                                                    config["index"], config["p"])
            return {"attributes": {"dropout_keep": bool(keep)}}
        if kind == "philox":
            words = self.fusedrnn.philox.philox4x32_10(config["counter"], config["key"])
            return {"attributes": {"philox": [f"{int(w):08x}" for w in words]}}
        raise NotApplicable(f"call kind {kind!r}")


# ---------------------------------------------------------------------------
# layer and cell levels: scripts (docs/conformance-protocol.md, "Scripts")
# ---------------------------------------------------------------------------

class GluonScript(ImplementationScript):
    """Runs one layer/cell script against fusedrnn.gluon (one fresh naming context)."""

    STATE_FUNCS = ("zeros", "ones", "$names")

    def __init__(self, config, inputs):
        import numpy as np
        from fusedrnn.gluon import rnn
        self.np = np
        self.rnn = rnn
        super().__init__(config, inputs)

    # -- values: ScriptValues, plus {"$params": block} -------------------------------
    def extra_value(self, key, arg):
        if key == "$params":
            return self.blocks[arg].collect_params()
        return NO_FORM

    def build(self, spec):
        if spec["class"] == "Block":          # a plain container: {"children": {name: {"$block": ...}}}
            from fusedrnn.gluon import Block
            block = Block(**self.value({k: v for k, v in spec.get("kwargs", {}).items() if k != "children"}))
            for name, child in spec.get("kwargs", {}).get("children", {}).items():
                block.register_child(self.value(child), name)
            return block
        cls = getattr(self.rnn, spec["class"], None)
        if cls is None or not isinstance(cls, type):
            raise NotApplicable(f"no class {spec['class']!r}")
        return cls(*self.value(spec.get("args", [])), **self.value(spec.get("kwargs", {})))

    def block(self, action):
        return self.blocks[action.get("on", "main")]

    def _prefix_free(self, block, keys):
        p = block.collect_params().prefix      # the (possibly shared) ParameterDict's prefix
        return [k[len(p):] if k.startswith(p) else k for k in keys]

    def _ensure_init(self, block):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            block.collect_params().initialize()

    @staticmethod
    def _state_func(name):
        import numpy as np
        if name in (None, "zeros"):
            return None
        if name == "ones":
            return np.ones
        if name == "$names":
            return lambda shape=None, name=None, **kw: name
        raise NotApplicable(f"begin_state func {name!r}")

    # -- actions --------------------------------------------------------------
    def action(self, do, a):
        np = self.np
        b = self.block(a)
        if do == "signature":
            what = a.get("of", "constructor")
            if what == "constructor":
                return signature_of(type(b).__init__)
            fn = {"call": type(b).forward if not hasattr(b, "unroll") else type(b).__call__,
                  "forward": type(b).forward, "unroll": getattr(type(b), "unroll", None),
                  "begin_state": type(b).begin_state, "state_info": type(b).state_info}.get(what)
            if fn is None:
                raise NotApplicable(f"signature of {what!r}")
            return signature_of(fn)
        if do == "repr":
            return repr(b)
        if do == "prefix":
            return b.prefix
        if do == "params":
            return [[k, list(p.shape), np.dtype(p.dtype).name]
                    for k, p in zip(self._prefix_free(b, b.collect_params().keys()),
                                    b.collect_params().values())]
        if do == "collect_params":
            return list(b.collect_params().keys())
        if do == "state_info":
            infos = b.state_info(a["batch_size"]) if "batch_size" in a else b.state_info()
            return [{k: (list(v) if k == "shape" else (np.dtype(v).name if k == "dtype" else v))
                     for k, v in info.items()} for info in infos]
        if do == "begin_state":
            kwargs = dict(self.value(a.get("kwargs", {})))
            func = self._state_func(a.get("func"))
            if func is not None:
                kwargs["func"] = func
            args = [a["batch_size"]] if "batch_size" in a else []
            return list(b.begin_state(*args, **kwargs))
        if do == "initialize":
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                b.initialize(a.get("init"), seed=a.get("seed"), force_reinit=a.get("force", False))
            return None
        if do == "set_params":
            self._ensure_init(b)
            params = dict(zip(self._prefix_free(b, b.collect_params().keys()), b.collect_params().values()))
            for key, name in a["params"].items():
                params[key].set_data(self.inputs[name])
            return None
        if do == "get_params":
            params = dict(zip(self._prefix_free(b, b.collect_params().keys()), b.collect_params().values()))
            return [params[k].data().copy() for k in a["names"]]
        if do == "cast":
            b.cast(a["dtype"])
            return None
        if do == "hybridize":
            b.hybridize()
            return None
        if do == "add":
            b.add(self.blocks[a["child"]])
            return None
        if do == "unfuse":
            self.blocks[a.get("name", "main")] = b.unfuse()
            return None
        if do == "call":
            args = [self.arrays(a["inputs"])]
            kwargs = self._mode(a)
            if "states" in a:
                args.append(self.arrays(a["states"]))
            if "sequence_length" in a:
                kwargs["sequence_length"] = self.arrays(a["sequence_length"])
            out = b(*args, **kwargs)
            return list(out) if isinstance(out, tuple) else out
        if do == "step":
            args = [self.arrays(a["inputs"])]
            if "states" in a:
                args.append(self.arrays(a["states"]))
            out = b(*args, **self._mode(a))
            return [out[0], list(out[1])]
        if do == "unroll":
            outputs, states = self._unroll(b, a, ("begin_state", "valid_length"),
                                           (("begin_state", None), ("layout", "NTC"), ("merge_outputs", None),
                                            ("valid_length", None)))
            return [list(outputs) if isinstance(outputs, (list, tuple)) else outputs, list(states)]
        if do in ("save_names", "save_load"):
            import os
            import tempfile
            from fusedrnn import mxnet_format
            fd, path = tempfile.mkstemp(suffix=".params")
            os.close(fd)
            try:
                b.save_parameters(path)
                names = list(mxnet_format.load(path).keys())
                if do == "save_names":
                    return names
                fresh = self.build(a["block"])
                fresh.load_parameters(path)
                mine = b._collect_params_with_prefix()
                theirs = fresh._collect_params_with_prefix()
                return all(np.array_equal(mine[k].data(), theirs[k].data()) for k in mine)
            finally:
                os.unlink(path)
        if do == "save_bytes":
            import os
            import tempfile
            fd, path = tempfile.mkstemp(suffix=".params")
            os.close(fd)
            try:
                b.save_parameters(path)
                with open(path, "rb") as f, open(a["file"], "rb") as g:
                    return f.read() == g.read()
            finally:
                os.unlink(path)
        if do == "load_parameters":
            b.load_parameters(a["file"])
            return None
        raise NotApplicable(f"action {do!r}")

    def run(self):
        import contextvars
        ctx = contextvars.Context()      # automatic prefixes restart at 0 for every script
        return ctx.run(self._run)

    def _run(self):
        for spec_name, spec in (self.config.get("blocks") or {}).items():
            with action_errors(-1):
                self.blocks[spec_name] = self.build(spec)
        for i, action in enumerate(self.config.get("actions", [])):
            with action_errors(i):
                self.results.append(self.act(action))
        return self.results


if __name__ == "__main__":
    sys.exit(serve(PythonHandler(reference="--reference" in sys.argv[1:])))
