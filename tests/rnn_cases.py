"""Random operator configurations and inputs, shared by the operator tests."""
import numpy as np
from hypothesis import strategies as st

import fusedrnn

MODES = ("rnn_relu", "rnn_tanh", "lstm", "gru")


@st.composite
def configs(draw):
    mode = draw(st.sampled_from(MODES))
    hidden = draw(st.integers(1, 7))
    cfg = dict(
        mode=mode,
        state_size=hidden,
        num_layers=draw(st.integers(1, 3)),
        bidirectional=draw(st.booleans()),
        layout=draw(st.sampled_from(("TNC", "NTC"))),
        use_sequence_length=draw(st.booleans()),
        state_outputs=draw(st.booleans()),
    )
    if mode == "lstm":
        if hidden > 1 and draw(st.booleans()):
            cfg["projection_size"] = draw(st.integers(1, hidden - 1))
        if draw(st.booleans()):
            lo = draw(st.floats(-2.0, 0.5))
            cfg["lstm_state_clip_min"] = lo
            cfg["lstm_state_clip_max"] = lo + draw(st.floats(0.0, 2.0))
            cfg["lstm_state_clip_nan"] = draw(st.booleans())
    if draw(st.booleans()):
        cfg["training"] = True
        cfg["p"] = draw(st.sampled_from((0.0, 0.25, 0.5, 0.9)))
        cfg["seed"] = draw(st.integers(0, 2**64 - 1))
    shape = dict(
        seq_len=draw(st.integers(1, 6)),
        batch=draw(st.integers(1, 4)),
        input_size=draw(st.integers(1, 5)),
        data_seed=draw(st.integers(0, 2**32 - 1)),
        with_state=draw(st.booleans()),
    )
    return cfg, shape


def make_inputs(cfg, shape, dtype):
    """Arrays for one call: data, parameters, state(s), lengths."""
    rng = np.random.default_rng(shape["data_seed"])
    T, N, I = shape["seq_len"], shape["batch"], shape["input_size"]
    H, L = cfg["state_size"], cfg["num_layers"]
    D = 2 if cfg.get("bidirectional") else 1
    R = cfg.get("projection_size") or H
    size = fusedrnn.rnn_param_size(I, H, L, cfg["mode"], cfg.get("bidirectional", False),
                                   cfg.get("projection_size"))
    data = rng.uniform(-1, 1, (T, N, I) if cfg.get("layout", "TNC") == "TNC" else (N, T, I))
    args = [data.astype(dtype), rng.uniform(-0.6, 0.6, size).astype(dtype)]
    if shape["with_state"]:
        args.append(rng.uniform(-1, 1, (L * D, N, R)).astype(dtype))
        args.append(rng.uniform(-1, 1, (L * D, N, H)).astype(dtype) if cfg["mode"] == "lstm" else None)
    else:
        args += [None, None]
    args.append(rng.integers(0, T + 1, N) if cfg.get("use_sequence_length") else None)
    return args


def as_tuple(result):
    return result if isinstance(result, tuple) else (result,)
