"""PyTorch (torch.nn.RNN/LSTM/GRU) behind protocol v1, operator level only.

The flat MXNet vector is split here from the layout rules (not with fusedrnn's
helpers); PyTorch's gate order is MXNet's, so blocks map over unchanged.
Options PyTorch lacks answer "not applicable": state clipping, training-mode
dropout (its masks are not the Philox stream), zero lengths. Argument checking
is not claimed (error cases are not applicable).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from protocol_io import NotApplicable, serve  # noqa: E402

G = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def split_flat(flat, I, H, L, mode, D, P):
    g, R = G[mode], (P or H)
    pos = 0
    out = {}

    def take(name, shape):
        nonlocal pos
        n = int(np.prod(shape))
        out[name] = flat[pos:pos + n].reshape(shape)
        pos += n
    for layer in range(L):
        inp = I if layer == 0 else D * R
        for d in range(D):
            take(("w_ih", layer, d), (g * H, inp))
            take(("w_hh", layer, d), (g * H, R))
            if P:
                take(("w_hr", layer, d), (P, H))
    for layer in range(L):
        for d in range(D):
            take(("b_ih", layer, d), (g * H,))
            take(("b_hh", layer, d), (g * H,))
    if pos != flat.size:
        raise ValueError(f"parameters: expected {pos} values, got {flat.size}")
    return out


class TorchHandler:
    def __init__(self):
        import torch
        self.torch = torch

    def hello(self):
        return {"implementation": "torch", "version": self.torch.__version__, "levels": ["operator"],
                "kinds": ["forward", "param_size"], "error_types": "python", "validation": False}

    def module(self, mode, I, H, L, D, P, dtype):
        nn = self.torch.nn
        kw = dict(input_size=I, hidden_size=H, num_layers=L, bidirectional=D == 2, bias=True)
        if mode == "lstm":
            m = nn.LSTM(proj_size=P or 0, **kw)
        elif mode == "gru":
            m = nn.GRU(**kw)
        else:
            m = nn.RNN(nonlinearity="relu" if mode == "rnn_relu" else "tanh", **kw)
        return m.to(dtype)

    def run(self, kind, config, inputs, level="operator"):
        torch = self.torch
        if level != "operator":
            raise NotApplicable(f"level {level!r}")
        mode, H, L = config["mode"], config["state_size"], config["num_layers"]
        D = 2 if config.get("bidirectional") else 1
        P = config.get("projection_size")
        if kind == "param_size":
            m = self.module(mode, config["input_size"], H, L, D, P, torch.float64)
            return {"attributes": {"param_size": sum(p.numel() for p in m.parameters())}}
        if kind != "forward":
            raise NotApplicable(f"call kind {kind!r}")
        if config.get("lstm_state_clip_min") is not None or config.get("lstm_state_clip_max") is not None:
            raise NotApplicable("PyTorch has no LSTM state clipping")
        if config.get("training") and config.get("p", 0) > 0 and L > 1:
            raise NotApplicable("PyTorch's dropout masks are not the Philox stream")
        x = inputs["data"]
        ntc = config.get("layout", "TNC") == "NTC"
        if ntc:
            x = x.transpose(1, 0, 2)
        T, N, I = x.shape
        dtype = {np.dtype("float32"): torch.float32, np.dtype("float64"): torch.float64}[x.dtype]
        m = self.module(mode, I, H, L, D, P, dtype)
        pieces = split_flat(inputs["parameters"], I, H, L, mode, D, P)
        sfx = ["", "_reverse"]
        with torch.no_grad():
            for (kind_, layer, d), arr in pieces.items():
                name = {"w_ih": "weight_ih", "w_hh": "weight_hh", "w_hr": "weight_hr",
                        "b_ih": "bias_ih", "b_hh": "bias_hh"}[kind_]
                getattr(m, f"{name}_l{layer}{sfx[d]}").copy_(torch.from_numpy(np.ascontiguousarray(arr)))
        R = P or H
        h0 = inputs.get("state")
        h0 = torch.from_numpy(h0) if h0 is not None else torch.zeros(L * D, N, R, dtype=dtype)
        args = h0
        if mode == "lstm":
            c0 = inputs.get("state_cell")
            c0 = torch.from_numpy(c0) if c0 is not None else torch.zeros(L * D, N, H, dtype=dtype)
            args = (h0, c0)
        xt = torch.from_numpy(np.ascontiguousarray(x))
        lengths = inputs.get("sequence_length") if config.get("use_sequence_length") else None
        with torch.no_grad():
            if lengths is not None:
                lens = np.asarray(lengths).astype(np.int64)
                if np.any(lens < 1) or np.any(lens > T):
                    raise NotApplicable("PyTorch packed sequences need lengths in [1, T]")
                packed = torch.nn.utils.rnn.pack_padded_sequence(xt, torch.from_numpy(lens),
                                                                 enforce_sorted=False)
                y, st = m(packed, args)
                y, _ = torch.nn.utils.rnn.pad_packed_sequence(y, total_length=T)
            else:
                y, st = m(xt, args)
        y = y.numpy()
        if ntc:
            y = y.transpose(1, 0, 2)
        outputs = {"output": np.ascontiguousarray(y)}
        if config.get("state_outputs"):
            if mode == "lstm":
                outputs["hy"], outputs["cy"] = st[0].numpy(), st[1].numpy()
            else:
                outputs["hy"] = st.numpy()
        return {"outputs": outputs}


if __name__ == "__main__":
    sys.exit(serve(TorchHandler()))
