"""The `legacy` level for the python implementation: scripts run against fusedrnn.legacy.

The legacy level (MXNet 0.10 `mxnet.rnn`, docs/python.md section 8) uses the
`script` call kind like the layer and cell levels, with its own vocabulary
(docs/conformance-protocol.md, "Scripts: the legacy level"). Needs only NumPy,
fusedrnn and its neighbours protocol_io.py and script_values.py, so
python_adapter.py can import it when run as a process.
"""
import inspect

import numpy as np

from protocol_io import NotApplicable
from script_values import NO_FORM, ImplementationScript, action_errors, signature_of

CLASSES = ("BaseRNNCell", "RNNCell", "LSTMCell", "GRUCell", "FusedRNNCell", "SequentialRNNCell",
           "BidirectionalCell", "DropoutCell", "ModifierCell", "ZoneoutCell", "ResidualCell",
           "RNNParams", "BucketSentenceIter")
FUNCTIONS = ("encode_sentences", "save_rnn_checkpoint", "load_rnn_checkpoint", "do_rnn_checkpoint")
METHOD_OF = {"call": "__call__", "unroll": "unroll", "begin_state": "begin_state", "reset": "reset",
             "unpack_weights": "unpack_weights", "pack_weights": "pack_weights", "get": "get",
             "add": "add", "unfuse": "unfuse", "next": "next"}


class _Symbol:
    """Stands for an MXNet Symbol ({"$symbol": name}): what the 0.10 API was called with."""

    def __init__(self, name):
        self.name = name

    def list_outputs(self):
        return [self.name]

    def infer_shape(self, **kwargs):
        return None, None, None


_Symbol.__module__ = "mxnet.symbol"


def _symbol_func(name):
    """Stands for a symbolic state constructor ({"$symbol_func": "zeros"}: mx.sym.zeros)."""
    def func(**kwargs):
        return _Symbol(kwargs.get("name", name))
    func.__name__ = name
    func.__module__ = "mxnet.symbol"
    return func


class LegacyScript(ImplementationScript):
    """Runs one legacy script (one fresh naming context) against fusedrnn.legacy."""

    DICT_PATHS = True

    def __init__(self, config, inputs):
        from fusedrnn import legacy
        self.legacy = legacy
        super().__init__(config, inputs)

    # -- values: ScriptValues, plus {"$symbol": name} and {"$symbol_func": name} ----------
    def extra_value(self, key, arg):
        if key == "$symbol":
            return _Symbol(arg)
        if key == "$symbol_func":
            return _symbol_func(arg)
        return NO_FORM

    def build(self, spec):
        name = spec["class"]
        if name not in CLASSES:
            raise NotApplicable(f"no legacy class {name!r}")
        cls = getattr(self.legacy, name)
        return cls(*self.value(spec.get("args", [])), **self.value(spec.get("kwargs", {})))

    def _state_func(self, func):
        if func in (None, "zeros"):
            return None
        if func == "ones":
            return np.ones
        if isinstance(func, dict):
            return self.value(func)
        raise NotApplicable(f"begin_state func {func!r}")

    @staticmethod
    def _batch(batch):
        return {"data": list(batch.data), "label": list(batch.label), "bucket_key": batch.bucket_key,
                "provide_data": [[n, list(s)] for n, s in batch.provide_data],
                "provide_label": [[n, list(s)] for n, s in batch.provide_label]}

    # -- actions ----------------------------------------------------------------------
    def action(self, do, a):
        if do == "signature" and "function" in a:
            if a["function"] not in FUNCTIONS:
                raise NotApplicable(f"no legacy function {a['function']!r}")
            return signature_of(getattr(self.legacy, a["function"]))
        if do == "function":
            if a["function"] not in FUNCTIONS:
                raise NotApplicable(f"no legacy function {a['function']!r}")
            out = getattr(self.legacy, a["function"])(*self.value(a.get("args", [])),
                                                      **self.value(a.get("kwargs", {})))
            return list(out) if isinstance(out, tuple) else out
        if do == "pick":
            src = self._path(a["from"])
            return [src[k] for k in a["keys"]]
        b = self.blocks[a.get("on", "main")]
        if do == "signature":
            what = a.get("of", "constructor")
            if what == "constructor":
                return signature_of(type(b).__init__)
            if what not in METHOD_OF or not hasattr(type(b), METHOD_OF[what]):
                raise NotApplicable(f"signature of {what!r}")
            return signature_of(getattr(type(b), METHOD_OF[what]))
        if do == "members":
            out = {}
            for n in a["names"]:
                attr = inspect.getattr_static(type(b), n, None)
                out[n] = ("missing" if attr is None else
                          "property" if isinstance(attr, property) else
                          "method" if callable(attr) else "attribute")
            return out
        if do == "prefix":
            return b.prefix
        if do == "repr":
            return repr(b)
        if do == "params":
            return [[k, list(p.shape), np.dtype(p.dtype).name] for k, p in b.params.items()]
        if do == "state_info":
            return [{k: (list(v) if k == "shape" else v) for k, v in info.items()} for info in b.state_info]
        if do == "state_shape":
            return [list(s) for s in b.state_shape]
        if do == "begin_state":
            kwargs = dict(self.value(a.get("kwargs", {})))
            func = self._state_func(a.get("func"))
            return list(b.begin_state(func, **kwargs) if func is not None else b.begin_state(**kwargs))
        if do == "initialize":
            kwargs = {k: a[k] for k in ("input_size", "seed") if k in a}
            b.initialize(a.get("init"), **kwargs)
            return None
        if do == "set_weights":
            b.set_weights(self.named_arrays(a))
            return None
        if do == "get_weights":
            w = b.get_weights()
            return [w[k] for k in a["names"]] if "names" in a else w
        if do in ("unpack_weights", "pack_weights"):
            return getattr(b, do)(self.named_arrays(a))
        if do == "params_get":
            p = b.get(a["param"], **self.value(a.get("kwargs", {})))
            return p.name
        if do == "same_param":       # is params_get of `param` on `on` and `other` the same object
            return b.get(a["param"]) is self.blocks[a["other"]].get(a["param"])
        if do == "step":
            states = self.arrays(a.get("states"))
            return_ = b(self.arrays(a["inputs"]), states, **self._mode(a))
            return [return_[0], list(return_[1])]
        if do == "unroll":
            outputs, states = self._unroll(b, a, ("begin_state",),
                                           (("begin_state", None), ("layout", "NTC"), ("merge_outputs", None)))
            return [list(outputs) if isinstance(outputs, (list, tuple)) else outputs, _lists(states)]
        if do == "reset":
            b.reset()
            return None
        if do == "unfuse":
            self.blocks[a.get("name", "main")] = b.unfuse()
            return None
        if do == "add":
            b.add(self.blocks[a["child"]])
            return None
        if do == "next":
            return self._batch(b.next())
        if do == "batches":                 # every remaining batch, until StopIteration
            out = []
            while True:
                try:
                    out.append(self._batch(b.next()))
                except StopIteration:
                    return out
        if do == "random_seed":
            from fusedrnn.gluon import random
            random.seed(a["value"])
            return None
        raise NotApplicable(f"action {do!r}")

    def run(self):
        import contextvars
        return contextvars.Context().run(self._run)

    def _run(self):
        import warnings
        for i, action in enumerate(self.config.get("actions", [])):
            with action_errors(i), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.results.append(self.act(action))
        return self.results


def _lists(states):
    return [_lists(s) if isinstance(s, (list, tuple)) else s for s in states]
