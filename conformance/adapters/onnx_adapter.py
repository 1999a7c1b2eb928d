"""ONNX Runtime behind protocol v1, operator level only.

Each layer is one ONNX RNN/LSTM/GRU node (direction forward or bidirectional),
its Y (T, D, N, H) transposed to (T, N, D*H) for the next layer. Gate blocks
are permuted from MXNet's order: LSTM i,f,g,o -> ONNX i,o,f,c; GRU r,z,n ->
ONNX z,r,h with linear_before_reset=1. Not applicable: projection, clipping
(ONNX's `clip` bounds gate inputs, a different thing), training dropout,
argument checks.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from protocol_io import NotApplicable, serve  # noqa: E402
from torch_adapter import G, split_flat  # noqa: E402  (plain NumPy; no torch import)

PERM = {"lstm": [0, 3, 1, 2], "gru": [1, 0, 2], "rnn_relu": [0], "rnn_tanh": [0]}
OP = {"lstm": "LSTM", "gru": "GRU", "rnn_relu": "RNN", "rnn_tanh": "RNN"}


def permute(a, mode, H):
    return np.concatenate([a[k * H:(k + 1) * H] for k in PERM[mode]], axis=0)


class OnnxHandler:
    def __init__(self):
        import onnx
        import onnxruntime
        self.onnx, self.ort = onnx, onnxruntime

    def hello(self):
        return {"implementation": "onnxruntime", "version": self.ort.__version__, "levels": ["operator"],
                "kinds": ["forward"], "error_types": "python", "validation": False}

    def run(self, kind, config, inputs, level="operator"):
        if level != "operator" or kind != "forward":
            raise NotApplicable(f"{level}/{kind}")
        if config.get("projection_size"):
            raise NotApplicable("ONNX LSTM has no projection")
        if config.get("lstm_state_clip_min") is not None or config.get("lstm_state_clip_max") is not None:
            raise NotApplicable("ONNX's clip is not state clipping")
        mode, H, L = config["mode"], config["state_size"], config["num_layers"]
        if config.get("training") and config.get("p", 0) > 0 and L > 1:
            raise NotApplicable("no dropout in ONNX RNN ops")
        D = 2 if config.get("bidirectional") else 1
        from onnx import TensorProto, helper, numpy_helper
        x = inputs["data"]
        ntc = config.get("layout", "TNC") == "NTC"
        if ntc:
            x = x.transpose(1, 0, 2)
        x = np.ascontiguousarray(x)
        T, N, I = x.shape
        dt = x.dtype
        elem = {np.dtype("float32"): TensorProto.FLOAT, np.dtype("float64"): TensorProto.DOUBLE}[dt]
        pieces = split_flat(inputs["parameters"], I, H, L, mode, D, None)
        h0 = inputs.get("state")
        h0 = h0 if h0 is not None else np.zeros((L * D, N, H), dt)
        c0 = inputs.get("state_cell") if mode == "lstm" else None
        if mode == "lstm" and c0 is None:
            c0 = np.zeros((L * D, N, H), dt)
        use_len = bool(config.get("use_sequence_length"))
        nodes, inits = [], []
        graph_inputs = [helper.make_tensor_value_info("X", elem, [T, N, I])]
        feeds = {"X": x}
        if use_len:
            graph_inputs.append(helper.make_tensor_value_info("len", TensorProto.INT32, [N]))
            feeds["len"] = np.asarray(inputs["sequence_length"]).astype(np.int32)
        cur = "X"
        outs_h, outs_c = [], []
        for layer in range(L):
            W = np.stack([permute(pieces[("w_ih", layer, d)], mode, H) for d in range(D)]).astype(dt)
            R = np.stack([permute(pieces[("w_hh", layer, d)], mode, H) for d in range(D)]).astype(dt)
            B = np.stack([np.concatenate([permute(pieces[("b_ih", layer, d)], mode, H),
                                          permute(pieces[("b_hh", layer, d)], mode, H)]) for d in range(D)]).astype(dt)
            names = [f"W{layer}", f"R{layer}", f"B{layer}", f"h{layer}"] + ([f"c{layer}"] if mode == "lstm" else [])
            for n, a in zip(names, [W, R, B, h0[layer * D:(layer + 1) * D]] +
                            ([c0[layer * D:(layer + 1) * D]] if mode == "lstm" else [])):
                inits.append(numpy_helper.from_array(np.ascontiguousarray(a), n))
            node_in = [cur, names[0], names[1], names[2], "len" if use_len else "", names[3]]
            if mode == "lstm":
                node_in.append(names[4])
            node_out = [f"Y{layer}", f"Yh{layer}"] + ([f"Yc{layer}"] if mode == "lstm" else [])
            attrs = {"hidden_size": H, "direction": "bidirectional" if D == 2 else "forward"}
            if mode == "gru":
                attrs["linear_before_reset"] = 1
            if mode == "rnn_relu":
                attrs["activations"] = ["Relu"] * D
            nodes.append(helper.make_node(OP[mode], node_in, node_out, **attrs))
            nodes.append(helper.make_node("Transpose", [f"Y{layer}"], [f"Yt{layer}"], perm=[0, 2, 1, 3]))
            shape_name = f"shape{layer}"
            inits.append(numpy_helper.from_array(np.array([T, N, D * H], np.int64), shape_name))
            nodes.append(helper.make_node("Reshape", [f"Yt{layer}", shape_name], [f"L{layer}"]))
            cur = f"L{layer}"
            outs_h.append(f"Yh{layer}")
            if mode == "lstm":
                outs_c.append(f"Yc{layer}")
        nodes.append(helper.make_node("Concat", outs_h, ["HY"], axis=0))
        graph_outputs = [helper.make_tensor_value_info(cur, elem, None), helper.make_tensor_value_info("HY", elem, None)]
        if mode == "lstm":
            nodes.append(helper.make_node("Concat", outs_c, ["CY"], axis=0))
            graph_outputs.append(helper.make_tensor_value_info("CY", elem, None))
        graph = helper.make_graph(nodes, "rnn", graph_inputs, graph_outputs, initializer=inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
        model.ir_version = 8
        try:
            sess = self.ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        except Exception as exc:  # e.g. no double kernel
            raise NotApplicable(f"onnxruntime cannot build this graph: {str(exc).splitlines()[0][:150]}")
        try:
            res = sess.run(None, feeds)
        except Exception as exc:
            if "does not support double" in str(exc):
                raise NotApplicable(f"onnxruntime's {OP[mode]} has no float64 kernel") from None
            raise
        y = res[0]
        if ntc:
            y = y.transpose(1, 0, 2)
        outputs = {"output": np.ascontiguousarray(y)}
        if config.get("state_outputs"):
            outputs["hy"] = res[1]
            if mode == "lstm":
                outputs["cy"] = res[2]
        return {"outputs": outputs}


if __name__ == "__main__":
    sys.exit(serve(OnnxHandler()))
