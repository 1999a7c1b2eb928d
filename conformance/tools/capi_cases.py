"""The `c` level (C API programs, call kind `capi`) and the operator-level cases for
pre-summed biases and ONNX's gate order. Imported by make_cases.py.

    build_all() -> list of cases (deterministic)

C-level cases are attribute cases: `query: "results"` with the expected step
results written here from docs/c-api.md and the status enum of
libc/include/fusedrnn.h (parsed from the header, not read from the library),
or `query: "checks"`. The steps are documented in docs/conformance-protocol.md
("The C level").
"""
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
HEADER = os.path.join(REPO, "libc", "include", "fusedrnn.h")
sys.path.insert(0, HERE)
from case_helpers import TOL, seed_of  # noqa: E402

G = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}
OK = "FUSEDRNN_OK"


def param_size(I, H, L, mode, bi=False):
    g, D = G[mode], (2 if bi else 1)
    return D * g * H * (I + H + 2) + (L - 1) * D * g * H * (H * D + H + 2)


def header_statuses():
    """{name: value} of the fusedrnn_status enum, as the header declares it."""
    with open(HEADER, encoding="utf-8") as f:
        text = f.read()
    body = re.search(r"typedef enum fusedrnn_status \{(.*?)\} fusedrnn_status;", text, re.S).group(1)
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"(FUSEDRNN_[A-Z0-9_]+)\s*=\s*(-?\d+)", body)}


# ---------------------------------------------------------------------------
# c level
# ---------------------------------------------------------------------------

MODE = {"lstm": "FUSEDRNN_LSTM", "gru": "FUSEDRNN_GRU", "rnn_tanh": "FUSEDRNN_RNN_TANH", "rnn_relu": "FUSEDRNN_RNN_RELU"}
DT = {"float64": "FUSEDRNN_FLOAT64", "float32": "FUSEDRNN_FLOAT32"}


class Net:
    """One configuration: its config step, inputs and buffer specs."""

    def __init__(self, mode="lstm", I=3, H=4, L=1, bi=False, T=3, N=2, dtype="float64", dropout=0.0):
        self.mode, self.I, self.H, self.L, self.bi, self.T, self.N = mode, I, H, L, bi, T, N
        self.dtype, self.dropout = dtype, dropout
        self.D = 2 if bi else 1

    def fields(self, **extra):
        f = {"mode": MODE[self.mode], "input_size": self.I, "hidden_size": self.H, "num_layers": self.L,
             "bidirectional": int(self.bi), "dtype": DT[self.dtype]}
        if self.dropout:
            f["dropout"] = self.dropout
        f.update(extra)
        return f

    def setup(self, **extra):
        return [{"do": "config", "name": "cfg", "fields": self.fields(**extra)},
                {"do": "create", "config": "cfg", "name": "d"}]

    def generate(self, cid, sets=("",)):
        dist = {}
        for s in sets:
            dist[f"x{s}"] = {"dist": "uniform", "shape": [self.T, self.N, self.I]}
            dist[f"params{s}"] = {"dist": "uniform", "shape": [param_size(self.I, self.H, self.L, self.mode, self.bi)],
                                  "low": -0.6, "high": 0.6}
            dist[f"hx{s}"] = {"dist": "uniform", "shape": [self.L * self.D, self.N, self.H]}
            if self.mode == "lstm":
                dist[f"cx{s}"] = {"dist": "uniform", "shape": [self.L * self.D, self.N, self.H]}
        return {"seed": seed_of(cid), "distributions": dist}

    def buffers(self, s="", **override):
        b = {"x": {"input": f"x{s}"}, "params": {"input": f"params{s}"}, "hx": {"input": f"hx{s}"},
             "y": "output", "hy": "output", "workspace": {"bytes": {"query": True}}}
        if self.mode == "lstm":
            b["cx"] = {"input": f"cx{s}"}
            b["cy"] = "output"
        b.update(override)
        return {k: v for k, v in b.items() if v is not None}

    def forward(self, s="", training=0, desc="d", **override):
        step = {"do": "forward", "desc": desc, "seq_len": self.T, "batch": self.N, "training": training,
                "buffers": self.buffers(s, **override)}
        if desc != "d":
            step["sizes"] = "d"
        return step

    def outs(self):
        o = {"y": {"shape": [self.T, self.N, self.D * self.H], "dtype": self.dtype},
             "hy": {"shape": [self.L * self.D, self.N, self.H], "dtype": self.dtype}}
        if self.mode == "lstm":
            o["cy"] = {"shape": [self.L * self.D, self.N, self.H], "dtype": self.dtype}
        return o

    def ok(self):
        return {"status": OK, "unchanged": {k: False for k in self.outs()}, "outputs": self.outs()}

    def refused(self, status, outputs=None):
        """An error: every output buffer the call was given still holds the sentinel."""
        names = outputs if outputs is not None else list(self.outs())
        return {"status": status, "unchanged": {k: True for k in names}}


def c_case(cid, claims, tags, description, steps, expect=None, checks=None, generate=None, notes=None,
           dtypes=None):
    c = {"id": cid, "claims": claims, "level": "c", "tags": sorted(set(tags) | {"c-api"}),
         "description": description, "config": {"steps": steps}, "kind": "attribute"}
    if dtypes:
        c["dtypes"] = dtypes
    if generate:
        c["generate"] = generate
    if checks is not None:
        c["query"], c["checks"], c["expect"] = "checks", checks, True
    else:
        c["query"], c["expect"] = "results", expect
    if notes:
        c["notes"] = notes
    return c


def c_cases():
    out = []
    lstm = Net("lstm")
    gru = Net("gru", I=2, H=3)

    # -- NULL pointers ------------------------------------------------------------
    cid = "c.forward.null"
    steps = lstm.setup() + [
        lstm.forward(desc=None),
        {**lstm.forward(), "args_null": True},
        lstm.forward(x={"null": True}),
        lstm.forward(params={"null": True}),
        lstm.forward(y=None),
        {"do": "create", "config": None, "name": "nocfg"},
        {"do": "create", "config": "cfg", "out_null": True},
        {"do": "query", "what": "param_count", "desc": None},
        lstm.forward(),
    ]
    exp = [OK, OK, lstm.refused("FUSEDRNN_ERR_NULL_POINTER"), lstm.refused("FUSEDRNN_ERR_NULL_POINTER"),
           lstm.refused("FUSEDRNN_ERR_NULL_POINTER"), lstm.refused("FUSEDRNN_ERR_NULL_POINTER"),
           lstm.refused("FUSEDRNN_ERR_NULL_POINTER", ["hy", "cy"]),
           "FUSEDRNN_ERR_NULL_POINTER", "FUSEDRNN_ERR_NULL_POINTER", ["FUSEDRNN_ERR_NULL_POINTER", None], lstm.ok()]
    out.append(c_case(cid, ["impl.forward.null", "impl.forward.no_partial_write", "impl.status.values"],
                      ["validation"], "fusedrnn_forward with a NULL desc, args, x, params or y answers "
                      "FUSEDRNN_ERR_NULL_POINTER and writes no output; so do fusedrnn_desc_create with a NULL "
                      "config or out pointer and a size query on a NULL descriptor. The same buffers then succeed.",
                      steps, exp, generate=lstm.generate(cid)))

    # -- workspace ----------------------------------------------------------------
    cid = "c.forward.workspace"
    steps = lstm.setup() + [
        lstm.forward(workspace={"bytes": {"query": True, "delta": -1}}),
        lstm.forward(workspace=None),
        lstm.forward(workspace={"null": True, "bytes": 64}),
        lstm.forward(workspace={"bytes": {"query": True}}),
        lstm.forward(workspace={"bytes": {"query": True, "delta": 4096}}),
    ]
    exp = [OK, OK, lstm.refused("FUSEDRNN_ERR_WORKSPACE_TOO_SMALL"), lstm.refused("FUSEDRNN_ERR_WORKSPACE_TOO_SMALL"),
           lstm.refused("FUSEDRNN_ERR_NULL_POINTER"), lstm.ok(), lstm.ok()]
    out.append(c_case(cid, ["impl.forward.workspace", "impl.forward.no_partial_write"], ["validation"],
                      "A workspace one byte smaller than fusedrnn_workspace_size reports (or none) is "
                      "FUSEDRNN_ERR_WORKSPACE_TOO_SMALL, a NULL workspace with a size FUSEDRNN_ERR_NULL_POINTER, "
                      "outputs untouched; exactly the queried size, or more, succeeds.",
                      steps, exp, generate=lstm.generate(cid)))

    # -- allocation: the caller's workspace is all the scratch the forward has ----
    big = Net("lstm", I=3, H=5, L=3, bi=True, T=6, N=5)
    cid = "c.alloc.workspace_is_the_scratch"
    steps = big.setup() + [
        big.forward(workspace={"bytes": {"query": True}, "fill": "zeros"}),
        big.forward(workspace={"bytes": {"query": True}, "fill": "ones"}),
        big.forward(workspace={"bytes": {"query": True}, "fill": "nan"}),
        big.forward(workspace={"bytes": {"query": True, "delta": -1}}),
        {**big.forward(workspace={"bytes": {"query": True}, "fill": "nan"}), "max_threads": 1},
    ]
    checks = [{"rel": "json", "a": f"{i}/status", "value": OK} for i in (2, 3, 4, 6)] + [
        {"rel": "json", "a": "5/status", "value": "FUSEDRNN_ERR_WORKSPACE_TOO_SMALL"},
        {"rel": "json", "a": "5/unchanged", "value": {"y": True, "hy": True, "cy": True}}] + [
        {"rel": "equal", "a": f"2/outputs/{n}", "b": f"{i}/outputs/{n}"} for i in (3, 4, 6) for n in ("y", "hy", "cy")]
    out.append(c_case(cid, ["impl.alloc", "impl.forward.workspace"], ["determinism", "bidirectional", "multilayer"],
                      "A 3-layer bidirectional LSTM forward runs in a workspace of exactly the queried size and "
                      "gives the same bits whether that workspace starts as zeros, 0xFF bytes or NaNs, and with "
                      "max_threads 1; one byte less is refused. The forward needs no scratch but the caller's.",
                      steps, checks=checks, generate=big.generate(cid),
                      notes="Allocation itself is not observable through the API; this checks its observable "
                            "consequence: the queried workspace is sufficient and necessary scratch, whatever it holds."))

    # -- reserve ------------------------------------------------------------------
    deep = Net("lstm", L=2, dropout=0.5)
    cid = "c.forward.reserve"
    res = {"bytes": {"query": True}}
    steps = deep.setup() + [
        deep.forward(training=1),
        deep.forward(training=1, reserve={"bytes": {"query": True, "delta": -1}}),
        deep.forward(training=1, reserve={"null": True, "bytes": 64}),
        deep.forward(training=1, reserve=res),
        deep.forward(training=0),
        {"do": "query", "what": "reserve_size", "desc": "d", "seq_len": deep.T, "batch": deep.N},
    ]
    exp = [OK, OK, deep.refused("FUSEDRNN_ERR_RESERVE_TOO_SMALL"), deep.refused("FUSEDRNN_ERR_RESERVE_TOO_SMALL"),
           deep.refused("FUSEDRNN_ERR_NULL_POINTER"), deep.ok(), deep.ok(), [OK, "$any"]]
    out.append(c_case(cid, ["impl.forward.reserve", "impl.forward.no_partial_write", "impl.backward.absent"],
                      ["validation", "dropout"],
                      "A training forward without a reserve, or with one byte less than fusedrnn_reserve_size, "
                      "is FUSEDRNN_ERR_RESERVE_TOO_SMALL (NULL with a size: FUSEDRNN_ERR_NULL_POINTER), outputs "
                      "untouched; with the queried reserve it succeeds; an inference forward needs none.",
                      steps, exp, generate=deep.generate(cid)))

    # -- training flag ------------------------------------------------------------
    cid = "c.forward.training_flag"
    ws0 = {"bytes": {"query": True, "training": 0}}         # sized for inference: the flag is what is wrong
    steps = lstm.setup() + [lstm.forward(training=2, workspace=ws0), lstm.forward(training=-1, workspace=ws0),
                            {**lstm.forward(), "max_threads": -1}, lstm.forward(training=0)]
    exp = [OK, OK, lstm.refused("FUSEDRNN_ERR_BAD_FLAG"), lstm.refused("FUSEDRNN_ERR_BAD_FLAG"),
           lstm.refused("FUSEDRNN_ERR_BAD_FLAG"), lstm.ok()]
    out.append(c_case(cid, ["impl.forward.training_flag", "impl.forward.no_partial_write"], ["validation"],
                      "training = 2 or -1 (and max_threads = -1) is FUSEDRNN_ERR_BAD_FLAG, outputs untouched.",
                      steps, exp, generate=lstm.generate(cid)))

    # -- overlap ------------------------------------------------------------------
    cid = "c.forward.overlap"
    ov = "FUSEDRNN_ERR_OVERLAP"
    variants = [
        dict(y={"alias": "x"}),                                   # y over an input
        dict(y={"alias": "params", "offset": 64}),
        dict(hy={"alias": "hx"}),
        dict(cy={"alias": "cx", "offset": 8}),
        dict(hy={"alias": "y", "offset": 8}),                     # outputs over each other
        dict(cy={"alias": "hy"}),
        dict(y={"alias": "workspace"}),                           # an output over the workspace
        dict(workspace={"alias": "x", "bytes": {"query": True}}),  # the workspace over an input
        dict(y={"alias": "x", "offset": 136}),                    # the last 8 bytes of x (3*2*3*8 = 144)
    ]
    steps = lstm.setup() + [lstm.forward(**v) for v in variants] + [
        lstm.forward(training=1, reserve={"alias": "y", "bytes": {"query": True}}),   # reserve over y
        lstm.forward(training=0, reserve={"alias": "y", "bytes": 64}),               # ignored in inference
    ]
    exp = [OK, OK] + [lstm.refused(ov) for _ in variants] + [lstm.refused(ov), lstm.ok()]
    out.append(c_case(cid, ["impl.forward.overlap", "impl.forward.no_partial_write"], ["validation"],
                      "An output sharing memory with an input (fully or by 8 bytes), with another output, with "
                      "the workspace, or a training reserve over an output, is FUSEDRNN_ERR_OVERLAP and nothing "
                      "is written; an inference forward ignores the reserve it is given.",
                      steps, exp, generate=lstm.generate(cid)))

    # -- size overflow -----------------------------------------------------------
    cid = "c.forward.overflow"
    small = {"bytes": 4096, "fill": "sentinel"}
    huge = 2 ** 62
    steps = lstm.setup() + [
        {"do": "query", "what": "workspace_size", "desc": "d", "seq_len": huge, "batch": huge},
        {"do": "query", "what": "output_shape", "desc": "d", "seq_len": huge, "batch": huge},
        {"do": "query", "what": "workspace_size", "desc": "d", "seq_len": 1, "batch": 2 ** 31},
        {**lstm.forward(y=small, hy=small, cy=small, workspace={"bytes": 4096}), "seq_len": huge, "batch": huge},
        {**lstm.forward(y=small, hy=small, cy=small, workspace={"bytes": 4096}), "seq_len": 1, "batch": 2 ** 31},
        {**lstm.forward(y=small, hy=small, cy=small, workspace={"bytes": 4096}), "seq_len": 2 ** 31, "batch": 1},
    ]
    either = {"$oneof": ["FUSEDRNN_ERR_OVERFLOW", "FUSEDRNN_ERR_TOO_LARGE"]}
    refused = {"status": either, "unchanged": {"y": True, "hy": True, "cy": True}}
    exp = [OK, OK, ["FUSEDRNN_ERR_OVERFLOW", None], ["FUSEDRNN_ERR_OVERFLOW", None],
           ["FUSEDRNN_ERR_TOO_LARGE", None], refused, refused, refused]
    out.append(c_case(cid, ["impl.forward.overflow", "impl.forward.no_partial_write", "impl.validation.overflow"],
                      ["validation"],
                      "Sizes for (T, N) = (2^62, 2^62) overflow (FUSEDRNN_ERR_OVERFLOW from the size queries); "
                      "N or T*N above INT32_MAX exceeds the BLAS range (FUSEDRNN_ERR_TOO_LARGE); a forward of "
                      "either size is refused with one of the two before anything is touched.",
                      steps, exp, generate=lstm.generate(cid),
                      notes="The forward's buffers are small on purpose: a forward that accepted these sizes "
                            "would write far past them. The adapter keeps slack behind every buffer."))

    # -- struct_size --------------------------------------------------------------
    cid = "c.struct_size"
    bss = "FUSEDRNN_ERR_BAD_STRUCT_SIZE"
    steps = [{"do": "config", "name": f"c{i}", "fields": {**lstm.fields(), "struct_size": v}}
             for i, v in enumerate([{"$sizeof": -8}, {"$sizeof": 8}, 0, {"$sizeof": 0}])]
    steps += [{"do": "create", "config": f"c{i}", "name": "d" if i == 3 else f"d{i}"} for i in range(4)]
    steps += [{**lstm.forward(), "struct_size": {"$sizeof": -8}},
              {**lstm.forward(), "struct_size": {"$sizeof": 8}},
              {**lstm.forward(), "struct_size": 0},
              {**lstm.forward(), "struct_size": {"$sizeof": 0}},
              {"do": "config_init_null"}, {"do": "args_init_null"}]
    exp = [OK] * 4 + [bss, bss, bss, OK] + [lstm.refused(bss)] * 3 + [lstm.ok(), "FUSEDRNN_ERR_NULL_POINTER",
                                                                    "FUSEDRNN_ERR_NULL_POINTER"]
    out.append(c_case(cid, ["impl.struct_size", "impl.forward.no_partial_write"], [],
                      "fusedrnn_desc_create and fusedrnn_forward accept exactly the struct_size the _init "
                      "functions set (this version's sizeof); 8 bytes less or more, or 0, is "
                      "FUSEDRNN_ERR_BAD_STRUCT_SIZE with nothing written. The _init functions reject NULL.",
                      steps, exp, generate=lstm.generate(cid)))

    # -- backends -----------------------------------------------------------------
    cid = "c.backend.cuda"
    steps = [{"do": "config", "name": "cuda", "fields": lstm.fields(backend="FUSEDRNN_BACKEND_CUDA")},
             {"do": "create", "config": "cuda", "name": "dc"},
             {"do": "config", "name": "bad", "fields": lstm.fields(backend=7)},
             {"do": "create", "config": "bad", "name": "db"},
             {"do": "config", "name": "cpu", "fields": lstm.fields(backend="FUSEDRNN_BACKEND_CPU")},
             {"do": "create", "config": "cpu", "name": "d"}]
    exp = [OK, "FUSEDRNN_ERR_BACKEND_UNAVAILABLE", OK, "FUSEDRNN_ERR_BAD_BACKEND", OK, OK]
    out.append(c_case(cid, ["impl.backend.cuda", "impl.validation.enums"], [],
                      "In a CPU build, FUSEDRNN_BACKEND_CUDA is FUSEDRNN_ERR_BACKEND_UNAVAILABLE, an unknown "
                      "backend FUSEDRNN_ERR_BAD_BACKEND, FUSEDRNN_BACKEND_CPU succeeds.", steps, exp,
                      notes="An implementation built with CUDA does not make this claim."))

    # -- backward -----------------------------------------------------------------
    cid = "c.backward.absent"
    steps = [{"do": "symbol", "name": n} for n in
             ("fusedrnn_backward", "fusedrnn_backward_data", "fusedrnn_backward_weights",
              "fusedrnn_forward", "fusedrnn_reserve_size")]
    out.append(c_case(cid, ["impl.backward.absent"], [],
                      "The library exports no backward call (fusedrnn_backward, _data, _weights) while it does "
                      "export fusedrnn_forward and fusedrnn_reserve_size.", steps, [False, False, False, True, True]))

    # -- threads ------------------------------------------------------------------
    for net, tag in ((Net("lstm", I=4, H=6, L=2, bi=True, T=7, N=5), "lstm"),
                     (Net("gru", I=3, H=5, L=2, bi=True, T=6, N=3), "gru")):
        cid = f"c.threads.descriptor.{tag}"
        calls = [{"buffers": net.buffers(s)} for s in ("", "2", "3")]
        calls[1]["max_threads"] = 1
        steps = net.setup() + [{"do": "forward_threads", "desc": "d", "seq_len": net.T, "batch": net.N,
                                "training": 0, "threads": 8, "repeat": 6, "calls": calls}]
        exp = [OK, OK, {"statuses": [OK], "match_sequential": True, "calls": 48}]
        out.append(c_case(cid, ["impl.threads.descriptor"], ["threads", tag, "bidirectional", "determinism"],
                          f"Eight threads share one {tag} descriptor (2 layers, bidirectional), each forward with "
                          "its own buffers and one of three input sets, 48 calls in all: every call succeeds and "
                          "gives the bits of the same call made alone.", steps, exp,
                          generate=net.generate(cid, sets=("", "2", "3"))))

    # -- statuses -----------------------------------------------------------------
    st = header_statuses()
    cid = "c.status.values"
    steps = [{"do": "status_codes"},
             {"do": "config", "name": "h0", "fields": lstm.fields(hidden_size=0)},
             {"do": "create", "config": "h0", "name": "x0"},
             {"do": "config", "name": "m9", "fields": lstm.fields(mode=9)},
             {"do": "create", "config": "m9", "name": "x1"},
             {"do": "config", "name": "p1", "fields": lstm.fields(dropout=1.0)},
             {"do": "create", "config": "p1", "name": "x2"},
             {"do": "config", "name": "pr", "fields": lstm.fields(projection_size=4)},
             {"do": "create", "config": "pr", "name": "x3"},
             {"do": "config", "name": "cl", "fields": gru.fields(use_clip=1, clip_min=-1.0, clip_max=1.0)},
             {"do": "create", "config": "cl", "name": "x4"},
             {"do": "config", "name": "ok", "fields": gru.fields()},
             {"do": "create", "config": "ok", "name": "d"},
             {"do": "query", "what": "param_count", "desc": "d"},
             {"do": "query", "what": "cell_state_shape", "desc": "d"},
             {"do": "query", "what": "output_shape", "desc": "d", "seq_len": 0, "batch": 1},
             {"do": "query", "what": "state_shape", "desc": "d", "batch": 0}]
    exp = [st, OK, "FUSEDRNN_ERR_BAD_HIDDEN_SIZE", OK, "FUSEDRNN_ERR_BAD_MODE", OK, "FUSEDRNN_ERR_BAD_DROPOUT",
           OK, "FUSEDRNN_ERR_BAD_PROJECTION", OK, "FUSEDRNN_ERR_BAD_CLIP", OK, OK,
           [OK, param_size(2, 3, 1, "gru")], ["FUSEDRNN_ERR_UNEXPECTED_CELL_STATE", None],
           ["FUSEDRNN_ERR_BAD_SEQ_LEN", None], ["FUSEDRNN_ERR_BAD_BATCH", None]]
    assert st[OK] == 0 and all(v < 0 for k, v in st.items() if k != OK) and len(set(st.values())) == len(st)
    out.append(c_case(cid, ["impl.status.values", "impl.validation.sizes", "impl.validation.enums",
                            "impl.validation.dropout_range", "impl.validation.projection", "impl.validation.clip_mode"],
                      ["validation"],
                      "The status codes are the header's (FUSEDRNN_OK = 0, every error a distinct negative "
                      "value); successful calls answer FUSEDRNN_OK and each rejected configuration or query its "
                      "own documented status.", steps, exp))

    cid = "c.status.message"
    values = sorted(st.values(), reverse=True) + [1, 7, -29, -100, 2 ** 31 - 1, -2 ** 31]
    steps = [{"do": "status_message", "values": values}]
    checks = [{"rel": "length", "a": "0", "value": len(values)}, {"rel": "nonempty", "a": "0"}]
    out.append(c_case(cid, ["impl.status.message"], ["error-message"],
                      "fusedrnn_status_message returns a non-empty sentence for every status the header "
                      "declares and for unknown values (1, 7, -29, -100, INT_MAX, INT_MIN); never NULL.",
                      steps, checks=checks))
    return out


# ---------------------------------------------------------------------------
# operator level: pre-summed biases, ONNX gate order
# ---------------------------------------------------------------------------

def _layout(I, H, mode):
    """Offsets (start, length) of one-layer unidirectional pieces: i2h_w, h2h_w, i2h_b, h2h_b."""
    g = G[mode]
    a = g * H * I
    b = a + g * H * H
    return {"i2h_bias": (b, g * H), "h2h_bias": (b + g * H, g * H), "size": b + 2 * g * H}


def bias_cases():
    out = []
    I, H, T, N = 3, 4, 5, 3
    for mode in ("lstm", "rnn_tanh", "gru"):
        cid = f"op.{mode}.biases_summed"
        lay = _layout(I, H, mode)
        rng = random.Random(seed_of(cid))
        flat = [round(rng.uniform(-0.6, 0.6), 3) for _ in range(lay["size"])]
        bi0, n = lay["i2h_bias"]
        bh0, _ = lay["h2h_bias"]
        summable = range(n) if mode != "gru" else range(2 * H)          # GRU: r and z blocks only

        def moved(into_ih=True, blocks=summable):
            p = list(flat)
            for k in blocks:
                total = flat[bi0 + k] + flat[bh0 + k]
                p[bi0 + k], p[bh0 + k] = (total, 0.0) if into_ih else (0.0, total)
            return p

        cfg = {"state_size": H, "num_layers": 1, "mode": mode, "state_outputs": True}
        dist = {"data": {"dist": "uniform", "shape": [T, N, I]},
                "state": {"dist": "uniform", "shape": [1, N, H]}}
        if mode == "lstm":
            dist["state_cell"] = {"dist": "uniform", "shape": [1, N, H]}
        base = {"level": "operator", "tags": sorted({"params", mode.replace("_", "-")} | ({"lbr-gru"} if mode == "gru" else set())),
                "config": cfg, "dtypes": ["float64", "float32"], "kind": "attribute", "query": "close_outputs",
                "generate": {"seed": seed_of(cid), "distributions": dist}, "inputs": {"parameters": flat}}
        what = "the r and z gates' " if mode == "gru" else ""
        out.append({"id": cid, "claims": ["impl.biases.summed", "op.eq.both_biases"],
                    "description": f"{mode}: moving {what}b_hh into b_ih, or b_ih into b_hh, changes the outputs by "
                    "rounding only (within the suite's tolerance): the two biases act as one sum.",
                    **base, "expect": True,
                    "variants": [{"inputs": {"parameters": moved(True)}}, {"inputs": {"parameters": moved(False)}}]})
        if mode == "gru":
            nblk = range(2 * H, 3 * H)
            out.append({"id": "op.gru.biases_summed.n_gate_apart",
                        "claims": ["impl.biases.summed", "op.eq.gru.new"],
                        "description": "gru: moving the n gate's b_hn into b_in changes the outputs beyond rounding "
                        "(b_hn stays inside the product with r), and so does moving b_in into b_hn.",
                        **base, "expect": False,
                        "variants": [{"inputs": {"parameters": moved(True, nblk)}},
                                     {"inputs": {"parameters": moved(False, nblk)}}]})
    return out


def onnx_cases():
    out = []
    I, H, T, N = 3, 4, 5, 2
    for mode in ("lstm", "gru"):
        for bi in (False, True):
            base = f"op.{mode}.onnx_gate_order{'.bidir' if bi else ''}"
            cfg = {"state_size": H, "num_layers": 1, "mode": mode, "state_outputs": True}
            if bi:
                cfg["bidirectional"] = True
            D = 2 if bi else 1
            dist = {"data": {"dist": "uniform", "shape": [T, N, I]},
                    "parameters": {"dist": "uniform", "shape": [param_size(I, H, 1, mode, bi)], "low": -0.6, "high": 0.6},
                    "state": {"dist": "uniform", "shape": [D, N, H]}}
            if mode == "lstm":
                dist["state_cell"] = {"dist": "uniform", "shape": [D, N, H]}
            order = "i,o,f,c" if mode == "lstm" else "z,r,h (linear_before_reset = 1)"
            for dt in ("float64", "float32"):
                cid = f"{base}.{'f64' if dt == 'float64' else 'f32'}"
                tags = {"interop", "gate-order", "params", mode, "f64" if dt == "float64" else "f32"}
                if bi:
                    tags.add("bidirectional")
                out.append({"id": cid, "claims": ["op.params.interop.onnx"], "level": "operator",
                            "tags": sorted(tags),
                            "description": f"{mode}{' bidirectional' if bi else ''}: the outputs equal ONNX's {mode.upper()} "
                            f"equations run on our flat vector with each direction's row blocks permuted to ONNX's "
                            f"{order} (expected values from harness/onnx_reference.py).",
                            "config": cfg, "dtypes": [dt], "kind": "numeric",
                            "generate": {"seed": seed_of(base), "distributions": dist},
                            "expected": {"from": "onnx"}, "tolerance": {dt: TOL[dt]}})
    return out


FILES = {"capi_c.json": "c", "capi_operator.json": "operator"}


def build_all():
    return c_cases() + bias_cases() + onnx_cases()


def files():
    """{file name: cases} for make_cases.py."""
    cases = build_all()
    return {fname: [c for c in cases if c["level"] == level] for fname, level in FILES.items()}
