"""Mutants: fusedrnn.reference with one planted bug each, speaking protocol v1.

    python conformance/mutants/mutant_adapter.py NAME      (or --impl mutant:NAME)
    python conformance/mutants/mutant_adapter.py --list

A suite worth its name fails every one of them (tests/test_conformance_mutants.py).
Each mutant patches the reference module's helpers (_step, _run_direction,
unpack_params, dropout_keep_mask) or wraps its rnn(); nothing else changes.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "adapters"))

import fusedrnn.reference as ref  # noqa: E402
from protocol_io import serve  # noqa: E402
from python_adapter import PythonHandler  # noqa: E402

_orig_step, _orig_run, _orig_unpack, _orig_mask = ref._step, ref._run_direction, ref.unpack_params, ref.dropout_keep_mask
_orig_rnn = ref.rnn
G = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def _blocks(perm, mode_wanted):
    """unpack_params that permutes the gate row blocks of every matrix/bias."""
    def unpack(flat, **kw):
        d = _orig_unpack(flat, **kw)
        if kw["mode"] != mode_wanted:
            return d
        H = kw["state_size"]
        out = {}
        for k, v in d.items():
            if "h2r" in k:
                out[k] = v
                continue
            parts = [v[i * H:(i + 1) * H] for i in range(G[mode_wanted])]
            out[k] = np.concatenate([parts[i] for i in perm])
        return out
    return unpack


def _zero_rows(which, block, modes):
    def unpack(flat, **kw):
        d = _orig_unpack(flat, **kw)
        if kw["mode"] not in modes:
            return d
        H = kw["state_size"]
        for k in d:
            if k.endswith(which):
                d[k] = d[k].copy()
                if block is None:
                    d[k][:] = 0
                else:
                    d[k][block * H:(block + 1) * H] = 0
        return d
    return unpack


def gru_reset_before(mode, x, h, c, w, H, clip, clip_nan):
    if mode != "gru":
        return _orig_step(mode, x, h, c, w, H, clip, clip_nan)
    Wi, Wh, bi, bh = w["i2h_weight"], w["h2h_weight"], w["i2h_bias"], w["h2h_bias"]
    xi = x @ Wi.T + bi
    hh = h @ Wh.T + bh
    r = ref._sigmoid(xi[:, :H] + hh[:, :H])
    z = ref._sigmoid(xi[:, H:2 * H] + hh[:, H:2 * H])
    n = np.tanh(xi[:, 2 * H:] + (r * h) @ Wh[2 * H:].T + bh[2 * H:])
    return (1 - z) * n + z * h, None


def gru_bhn_outside(mode, x, h, c, w, H, clip, clip_nan):
    if mode != "gru":
        return _orig_step(mode, x, h, c, w, H, clip, clip_nan)
    Wi, Wh, bi, bh = w["i2h_weight"], w["h2h_weight"], w["i2h_bias"], w["h2h_bias"]
    xi = x @ Wi.T + bi
    hh = h @ Wh.T
    r = ref._sigmoid(xi[:, :H] + hh[:, :H] + bh[:H])
    z = ref._sigmoid(xi[:, H:2 * H] + hh[:, H:2 * H] + bh[H:2 * H])
    n = np.tanh(xi[:, 2 * H:] + bh[2 * H:] + r * hh[:, 2 * H:])
    return (1 - z) * n + z * h, None


def clip_h(mode, x, h, c, w, H, clip, clip_nan):
    hn, cn = _orig_step(mode, x, h, c, w, H, None, clip_nan)
    if clip is not None:
        hn = np.clip(hn, *clip)
    return hn, cn


def projection_bias(mode, x, h, c, w, H, clip, clip_nan):
    hn, cn = _orig_step(mode, x, h, c, w, H, clip, clip_nan)
    if "h2r_weight" in w:
        hn = hn + w["i2h_bias"][:hn.shape[1]]
    return hn, cn


def reverse_misaligned(mode, x_seq, lengths, h0, c0, w, H, R, reverse, clip, clip_nan):
    out, h, c = _orig_run(mode, x_seq, lengths, h0, c0, w, H, R, reverse, clip, clip_nan)
    return (out[::-1].copy() if reverse else out), h, c


def padding_not_zeroed(mode, x_seq, lengths, h0, c0, w, H, R, reverse, clip, clip_nan):
    out, h, c = _orig_run(mode, x_seq, lengths, h0, c0, w, H, R, reverse, clip, clip_nan)
    T = out.shape[0]
    for t in range(T):
        rows = np.nonzero(t >= lengths)[0]
        out[t, rows] = h[rows]
    return out, h, c


def varlen_ignored_inside(mode, x_seq, lengths, h0, c0, w, H, R, reverse, clip, clip_nan):
    """Runs every step (reads the padding), then zeroes the padded outputs."""
    full = np.full_like(lengths, x_seq.shape[0])
    xs = np.nan_to_num(x_seq)
    out, h, c = _orig_run(mode, xs, full, h0, c0, w, H, R, reverse, clip, clip_nan)
    for t in range(out.shape[0]):
        out[t, np.nonzero(t >= lengths)[0]] = 0
    return out, h, c


def mask_inverted(seed, layer, shape, p):
    return ~_orig_mask(seed, layer, shape, p)


def mask_wrong_layer(seed, layer, shape, p):
    return _orig_mask(seed, layer + 1, shape, p)


def mask_ntc_index(seed, layer, shape, p):
    T, N, C = shape
    return _orig_mask(seed, layer, (N, T, C), p).transpose(1, 0, 2)


# wrappers around rnn(*args, **kw): each gets (args, kw) and returns the result
def _call(args, kw):
    return _orig_rnn(*args, **kw)


def w_states_direction_major(args, kw):
    res = _call(args, kw)
    if not kw.get("state_outputs"):
        return res
    L, D = kw["num_layers"], 2 if kw.get("bidirectional") else 1
    order = [layer * D + d for d in range(D) for layer in range(L)]
    return (res[0],) + tuple(s[order] for s in res[1:])


def w_dropout_after_last(args, kw):
    res = _call(args, kw)
    if not (kw.get("training") and kw.get("p", 0) > 0):
        return res
    out = res[0] if kw.get("state_outputs") else res
    ntc = kw.get("layout", "TNC") == "NTC"
    view = out.transpose(1, 0, 2) if ntc else out
    keep = _orig_mask(kw.get("seed", 0), kw["num_layers"] - 1, view.shape, kw["p"])
    view = np.where(keep, view / (1 - kw["p"]), 0.0)
    out = view.transpose(1, 0, 2) if ntc else view
    return (out,) + tuple(res[1:]) if kw.get("state_outputs") else out


def w_ntc_ignored(args, kw):
    kw = dict(kw)
    if kw.get("layout") == "NTC":
        kw["layout"] = "TNC"
        data = args[0]
        N = data.shape[0]
        args = list(args)
        # pretend the batch axis is time: states of shape (L*D, N, .) no longer fit, so drop them
        if args[2] is not None and args[2].shape[1] != data.shape[1]:
            args[2] = None
        if args[3] is not None and args[3].shape[1] != data.shape[1]:
            args[3] = None
        if args[4] is not None and N != data.shape[1]:
            kw["use_sequence_length"] = False
            args[4] = None
    return _call(args, kw)


def w_relu_tanh_swapped(args, kw):
    kw = dict(kw)
    kw["mode"] = {"rnn_relu": "rnn_tanh", "rnn_tanh": "rnn_relu"}.get(kw["mode"], kw["mode"])
    return _call(args, kw)


def w_state_cell_ignored(args, kw):
    args = list(args)
    args[3] = None
    return _call(args, kw)


def w_state_ignored(args, kw):
    args = list(args)
    args[2] = None
    return _call(args, kw)


def w_dropout_in_inference(args, kw):
    kw = dict(kw)
    kw["training"] = True
    return _call(args, kw)


def w_p_one_accepted(args, kw):
    kw = dict(kw)
    if kw.get("p") == 1.0:
        kw["p"] = 0.0
    return _call(args, kw)


def w_lengths_clamped(args, kw):
    args = list(args)
    if args[4] is not None:
        T = args[0].shape[0 if kw.get("layout", "TNC") == "TNC" else 1]
        args[4] = np.clip(np.asarray(args[4]), 0, T)
    return _call(args, kw)


def w_clip_nan_ignored(args, kw):
    kw = dict(kw)
    kw["lstm_state_clip_nan"] = False
    return _call(args, kw)


def w_clip_order_unchecked(args, kw):
    kw = dict(kw)
    lo, hi = kw.get("lstm_state_clip_min"), kw.get("lstm_state_clip_max")
    if lo is not None and hi is not None and lo > hi:
        kw["lstm_state_clip_min"], kw["lstm_state_clip_max"] = hi, lo
    return _call(args, kw)


def w_projection_any_size(args, kw):
    kw = dict(kw)
    P = kw.get("projection_size")
    if P is not None and P >= kw["state_size"]:
        kw["projection_size"] = None
    return _call(args, kw)


PATCHES = {
    "lstm_gate_order_if_swapped": {"unpack_params": _blocks([1, 0, 2, 3], "lstm")},
    "lstm_gate_order_onnx": {"unpack_params": _blocks([0, 2, 3, 1], "lstm")},
    "gru_gate_order_rz_swapped": {"unpack_params": _blocks([1, 0, 2], "gru")},
    "gru_reset_before_matmul": {"_step": gru_reset_before},
    "gru_bhn_outside_reset": {"_step": gru_bhn_outside},
    "clip_applied_to_h": {"_step": clip_h},
    "projection_bias_added": {"_step": projection_bias},
    "reverse_direction_misaligned": {"_run_direction": reverse_misaligned},
    "padding_not_zeroed": {"_run_direction": padding_not_zeroed},
    "varlen_runs_full_length": {"_run_direction": varlen_ignored_inside},
    "forget_bias_dropped": {"unpack_params": _zero_rows("_bias", 1, ("lstm",))},
    "input_bias_dropped": {"unpack_params": _zero_rows("i2h_bias", None, ("lstm", "gru", "rnn_relu", "rnn_tanh"))},
    "recurrent_bias_dropped_rnn": {"unpack_params": _zero_rows("h2h_bias", None, ("rnn_relu", "rnn_tanh"))},
    "dropout_mask_inverted": {"dropout_keep_mask": mask_inverted},
    "dropout_mask_wrong_layer": {"dropout_keep_mask": mask_wrong_layer},
    "dropout_index_ntc_order": {"dropout_keep_mask": mask_ntc_index},
}
WRAPPERS = {
    "states_direction_major": w_states_direction_major,
    "dropout_after_last_layer": w_dropout_after_last,
    "ntc_ignored": w_ntc_ignored,
    "relu_tanh_swapped": w_relu_tanh_swapped,
    "state_cell_ignored": w_state_cell_ignored,
    "initial_state_ignored": w_state_ignored,
    "dropout_in_inference": w_dropout_in_inference,
    "p_one_accepted": w_p_one_accepted,
    "lengths_over_t_clamped": w_lengths_clamped,
    "clip_nan_ignored": w_clip_nan_ignored,
    "clip_order_unchecked": w_clip_order_unchecked,
    "projection_size_not_checked": w_projection_any_size,
}
SPECIAL = {"float32_answers_float64"}
NAMES = sorted(PATCHES) + sorted(WRAPPERS) + sorted(SPECIAL)


class MutantHandler(PythonHandler):
    def __init__(self, name):
        super().__init__(reference=True)
        self.mutant = name
        for attr, fn in PATCHES.get(name, {}).items():
            setattr(ref, attr, fn)
        wrapper = WRAPPERS.get(name)
        if wrapper:
            self.op = lambda *a, **k: wrapper(a, k)

    def hello(self):
        info = super().hello()
        info["implementation"] = f"mutant:{self.mutant}"
        return info

    def run(self, kind, config, inputs, level="operator"):
        res = super().run(kind, config, inputs, level)
        if self.mutant == "float32_answers_float64" and "outputs" in res:
            res["outputs"] = {k: v.astype(np.float64) for k, v in res["outputs"].items()}
        return res


if __name__ == "__main__":
    if sys.argv[1:] == ["--list"]:
        print("\n".join(NAMES))
        sys.exit(0)
    if len(sys.argv) != 2 or sys.argv[1] not in NAMES:
        sys.exit(f"usage: mutant_adapter.py NAME|--list (known: {', '.join(NAMES)})")
    sys.exit(serve(MutantHandler(sys.argv[1])))
