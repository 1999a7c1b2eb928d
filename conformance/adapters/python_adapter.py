"""The `python` implementation: fusedrnn.rnn and friends behind protocol v1.

Used in process by the runner (PythonHandler) and runnable as a process:
    python conformance/adapters/python_adapter.py [--reference]
`--reference` serves fusedrnn.reference.rnn instead (the oracle itself).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from protocol_io import NotApplicable, serve  # noqa: E402

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
                "levels": ["operator"],
                "kinds": ["forward", "param_size", "param_layout", "dropout_keep", "philox"],
                "error_types": "python"}

    def run(self, kind, config, inputs, level="operator"):
        if level != "operator":
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


if __name__ == "__main__":
    sys.exit(serve(PythonHandler(reference="--reference" in sys.argv[1:])))
