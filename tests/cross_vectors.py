"""Write cross-language vectors: inputs and fusedrnn.rnn's outputs, for Perl to match bitwise.

    python tests/cross_vectors.py DIR

`make test` runs this, then perl/t/50-cross.t with FUSEDRNN_CROSS_VECTORS=DIR,
which must reproduce every output bit for bit. The file format is described
at the top of perl/t/50-cross.t.
"""
import json
import os
import sys

import numpy as np

import fusedrnn

# (name, dtype, T, N, I, options); every mode, both dtypes and each option family.
CASES = [
    ("lstm_bi_f32", "float32", 5, 3, 4, dict(state_size=6, num_layers=2, mode="lstm", bidirectional=True)),
    ("lstm_proj_f64", "float64", 4, 2, 3, dict(state_size=5, num_layers=2, mode="lstm", projection_size=2)),
    ("lstm_clip_f32", "float32", 6, 2, 3, dict(state_size=4, num_layers=1, mode="lstm", lstm_state_clip_min=-0.3,
                                               lstm_state_clip_max=0.4, lstm_state_clip_nan=True)),
    ("gru_ntc_f64", "float64", 5, 4, 3, dict(state_size=7, num_layers=3, mode="gru", bidirectional=True,
                                             layout="NTC")),
    ("rnn_tanh_lengths_f32", "float32", 6, 4, 2, dict(state_size=5, num_layers=2, mode="rnn_tanh",
                                                      bidirectional=True, use_sequence_length=True)),
    ("rnn_relu_f64", "float64", 3, 2, 5, dict(state_size=3, num_layers=2, mode="rnn_relu")),
    ("lstm_dropout_f32", "float32", 5, 3, 4, dict(state_size=6, num_layers=3, mode="lstm", p=0.4, training=True,
                                                  seed=2**64 - 1)),
    ("gru_dropout_lengths_f64", "float64", 6, 3, 2, dict(state_size=4, num_layers=2, mode="gru", p=0.25,
                                                         training=True, seed=12345, use_sequence_length=True,
                                                         bidirectional=True)),
]


def build_case(name, dtype, T, N, I, options, rng):
    opts = dict(options, state_outputs=True)
    layout = opts.get("layout", "TNC")
    D = 2 if opts.get("bidirectional") else 1
    H, L = opts["state_size"], opts["num_layers"]
    R = opts.get("projection_size") or H
    size = fusedrnn.rnn_param_size(I, H, L, opts["mode"], opts.get("bidirectional", False),
                                   opts.get("projection_size"))
    arrays = {
        "data": rng.uniform(-1, 1, (T, N, I) if layout == "TNC" else (N, T, I)).astype(dtype),
        "parameters": rng.uniform(-0.7, 0.7, size).astype(dtype),
        "state": rng.uniform(-1, 1, (L * D, N, R)).astype(dtype),
    }
    if opts["mode"] == "lstm":
        arrays["state_cell"] = rng.uniform(-1, 1, (L * D, N, H)).astype(dtype)
    if opts.get("use_sequence_length"):
        lengths = rng.integers(0, T + 1, N).astype(np.int64)
        lengths[0] = T
        arrays["sequence_length"] = lengths
        # Padding holds NaN: it must never reach an output in either binding.
        time_axis = 0 if layout == "TNC" else 1
        for b, n in enumerate(lengths):
            index = [slice(None)] * 3
            index[time_axis] = slice(int(n), None)
            index[1 - time_axis] = b
            arrays["data"][tuple(index)] = np.nan
    result = fusedrnn.rnn(arrays["data"], arrays["parameters"], arrays["state"], arrays.get("state_cell"),
                          arrays.get("sequence_length"), **opts)
    arrays.update(zip(("output", "hy", "cy"), result))
    return opts, arrays


def write_case(directory, name, opts, arrays):
    described = {}
    for key, array in arrays.items():
        fname = f"{name}.{key}.bin"
        with open(os.path.join(directory, fname), "wb") as fh:
            fh.write(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes())
        described[key] = {"file": fname, "dtype": array.dtype.name, "shape": list(array.shape)}
    if "seed" in opts:
        opts = dict(opts, seed=str(opts["seed"]))  # beyond 2**53: a decimal string
    with open(os.path.join(directory, f"{name}.json"), "w", encoding="utf-8") as fh:
        json.dump({"name": name, "options": opts, "arrays": described}, fh, indent=1)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    directory = argv[1]
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(20261121)
    for name, dtype, T, N, I, options in CASES:
        write_case(directory, name, *build_case(name, dtype, T, N, I, options, rng))
    print(f"wrote {len(CASES)} cross-language cases to {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
