"""Expected values of legacy-level scripts (MXNet 0.10 `mxnet.rnn`), independently of fusedrnn.legacy.

* ``SIGNATURES`` / ``METHODS`` / ``FUNCTIONS``: the signatures the claims in
  conformance/claims/legacy.json state (plus the keyword-only extensions
  docs/python.md section 8 documents), written out by hand. legacy_cases.py
  builds the signature cases from them; the interpreter binds arguments with them.
* ``run_script(config, inputs)``: a NumPy interpreter of the legacy actions that
  produce numbers (build, add, set_weights, unpack_weights, pack_weights, pick,
  begin_state, step, unroll, unfuse, reset). The basic cells compute the claims'
  step equations (gluon_reference.Cell, float64); FusedRNNCell computes with
  ``fusedrnn.reference.rnn`` on its flat vector; the flat layout, the per-gate
  names of unpack_weights and the unfused names are written here from the
  documented formulas. DropoutCell and ZoneoutCell are identities (numeric cases
  use them outside training only).
"""
import numpy as np

from script_values import ScriptValues     # adapters/ (harness/__init__.py); imports no fusedrnn

from .gluon_reference import Bi, Cell, Identity, Seq, Wrap, bind_to, time_steps, wrapper_node

_KW = {"training": None, "seed": None}           # keyword-only extensions (docs/python.md §8)
SIGNATURES = {
    "BaseRNNCell": {"positional": [["prefix", ""], ["params", None]], "keyword": {}},
    "RNNCell": {"positional": [["num_hidden"], ["activation", "tanh"], ["prefix", "rnn_"], ["params", None]],
                "keyword": {}},
    "LSTMCell": {"positional": [["num_hidden"], ["prefix", "lstm_"], ["params", None], ["forget_bias", 1.0]],
                 "keyword": {}},
    "GRUCell": {"positional": [["num_hidden"], ["prefix", "gru_"], ["params", None]], "keyword": {}},
    "FusedRNNCell": {"positional": [["num_hidden"], ["num_layers", 1], ["mode", "lstm"], ["bidirectional", False],
                                    ["dropout", 0.0], ["get_next_state", False], ["forget_bias", 1.0],
                                    ["prefix", None], ["params", None]], "keyword": {}},
    "SequentialRNNCell": {"positional": [["params", None]], "keyword": {}},
    "BidirectionalCell": {"positional": [["l_cell"], ["r_cell"], ["params", None], ["output_prefix", "bi_"]],
                          "keyword": {}},
    "DropoutCell": {"positional": [["dropout"], ["prefix", "dropout_"], ["params", None]], "keyword": {}},
    "ZoneoutCell": {"positional": [["base_cell"], ["zoneout_outputs", 0.0], ["zoneout_states", 0.0]],
                    "keyword": {}},
    "ResidualCell": {"positional": [["base_cell"]], "keyword": {}},
    "RNNParams": {"positional": [["prefix", ""]], "keyword": {}},
    "BucketSentenceIter": {"positional": [["sentences"], ["batch_size"], ["buckets", None], ["invalid_label", -1],
                                          ["data_name", "data"], ["label_name", "softmax_label"],
                                          ["dtype", "float32"], ["layout", "NT"]], "keyword": {}},
}
METHODS = {
    "call": {"positional": [["inputs"], ["states"]], "keyword": dict(_KW)},
    "unroll": {"positional": [["length"], ["inputs"], ["begin_state", None], ["layout", "NTC"],
                              ["merge_outputs", None]], "keyword": dict(_KW)},
    "begin_state": {"positional": [["func", "zeros"]], "keyword": {}, "var_keyword": "kwargs"},
    "reset": {"positional": [], "keyword": {}},
    "unpack_weights": {"positional": [["args"]], "keyword": {}},
    "pack_weights": {"positional": [["args"]], "keyword": {}},
}
FUNCTIONS = {
    "encode_sentences": {"positional": [["sentences"], ["vocab", None], ["invalid_label", -1], ["invalid_key", "\n"],
                                        ["start_label", 0]], "keyword": {"unknown_token": None}},
    "save_rnn_checkpoint": {"positional": [["cells"], ["prefix"], ["epoch"], ["symbol"], ["arg_params"],
                                           ["aux_params"]], "keyword": {}},
    "load_rnn_checkpoint": {"positional": [["cells"], ["prefix"], ["epoch"]], "keyword": {}},
    "do_rnn_checkpoint": {"positional": [["cells"], ["prefix"], ["period", 1]], "keyword": {}},
}
GATES = {"rnn_relu": ("",), "rnn_tanh": ("",), "lstm": ("_i", "_f", "_c", "_o"), "gru": ("_r", "_z", "_o")}


def bind(cls, args, kwargs):
    # no positional-count check here, unlike gluon_reference.bind: extra positionals are ignored
    return bind_to(SIGNATURES[cls], cls, args, kwargs)


def flat_layout(I, H, L, mode, bi):
    """[(name, shape)] of the flat vector in storage order: weights then biases; layer by
    layer; l then r; i2h then h2h (docs/python.md section 2)."""
    G, D = len(GATES[mode]) if mode in ("lstm", "gru") else 1, (2 if bi else 1)
    w, b = [], []
    for layer in range(L):
        for d in "lr"[:D]:
            w.append((f"{d}{layer}_i2h_weight", (G * H, I if layer == 0 else D * H)))
            w.append((f"{d}{layer}_h2h_weight", (G * H, H)))
            b.append((f"{d}{layer}_i2h_bias", (G * H,)))
            b.append((f"{d}{layer}_h2h_bias", (G * H,)))
    return w + b


def split_flat(flat, I, H, L, mode, bi):
    out, p = {}, 0
    for name, shape in flat_layout(I, H, L, mode, bi):
        n = int(np.prod(shape))
        out[name] = np.asarray(flat[p:p + n]).reshape(shape)
        p += n
    assert p == flat.size, (p, flat.size)
    return out


def input_width(size, H, L, mode, bi):
    G, D = (len(GATES[mode]) if mode in ("lstm", "gru") else 1), (2 if bi else 1)
    rest = size - (L - 1) * D * G * H * (D * H + H + 2)
    return rest // (D * G * H) - H - 2


class LParams:
    """An RNNParams container: cells given one take their names from its prefix."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.store = {}              # shared by the cells given this container


# ---- cells ------------------------------------------------------------------------------

class LCell:
    """A basic legacy cell: names {prefix}{i2h|h2h}_{weight|bias}."""

    def __init__(self, kind, hidden, prefix, act="tanh"):
        self.cell = Cell(kind, hidden, act=act)
        self.prefix, self.kind, self.hidden = prefix, kind, hidden
        self.gates = {"rnn": ("",), "lstm": GATES["lstm"], "gru": GATES["gru"]}[kind]
        self.natural = False

    def leaves(self):
        return [self]

    def names(self):
        return [self.prefix + k for k in ("i2h_weight", "i2h_bias", "h2h_weight", "h2h_bias")]

    def take(self, args):
        self.cell.params.update({k[len(self.prefix):]: np.asarray(args[k]) for k in self.names()})

    def weights(self):
        return {self.prefix + k: v for k, v in self.cell.params.items()}

    def unpack(self, args):
        args, H = dict(args), self.hidden
        for group in ("i2h", "h2h"):
            for kind in ("weight", "bias"):
                packed = np.asarray(args.pop(f"{self.prefix}{group}_{kind}"))
                for j, g in enumerate(self.gates):
                    args[f"{self.prefix}{group}{g}_{kind}"] = packed[j * H:(j + 1) * H]
        return args

    def pack(self, args):
        args = dict(args)
        for group in ("i2h", "h2h"):
            for kind in ("weight", "bias"):
                parts = [np.asarray(args.pop(f"{self.prefix}{group}{g}_{kind}")) for g in self.gates]
                args[f"{self.prefix}{group}_{kind}"] = np.concatenate(parts, axis=0)
        return args

    def count(self):
        return self.cell.nstates

    def zeros(self, batch):
        return self.cell.zeros(batch)

    def step(self, x, states):
        return self.cell.step(x, states)

    def unroll(self, seq, begin):
        outs, states = [], begin
        for x in seq:
            out, states = self.cell.step(x, states)
            outs.append(out)
        return outs, list(states)


class LFused:
    def __init__(self, a):
        self.H, self.L, self.mode = a["num_hidden"], a["num_layers"], a["mode"]
        self.bi, self.get_next = bool(a["bidirectional"]), bool(a["get_next_state"])
        self.forget_bias = a["forget_bias"]
        self.prefix = a["prefix"] if a["prefix"] is not None else self.mode + "_"   # disc.legacy_fused_prefix_doc_vs_signature
        self.flat = None
        self.natural = True

    def leaves(self):
        return [self]

    def names(self):
        return [self.prefix + "parameters"]

    def take(self, args):
        self.flat = np.asarray(args[self.prefix + "parameters"]).reshape(-1)

    def weights(self):
        return {} if self.flat is None else {self.prefix + "parameters": self.flat}

    def _pieces(self, flat):
        I = input_width(flat.size, self.H, self.L, self.mode, self.bi)
        return I, split_flat(flat, I, self.H, self.L, self.mode, self.bi)

    def unpack(self, args):
        args = dict(args)
        _, pieces = self._pieces(np.asarray(args.pop(self.prefix + "parameters")).reshape(-1))
        H = self.H
        for name, arr in pieces.items():
            head, group, kind = name.split("_")               # l0, i2h, weight
            for j, g in enumerate(GATES[self.mode]):
                args[f"{self.prefix}{head}_{group}{g}_{kind}"] = arr[j * H:(j + 1) * H]
        return args

    def pack(self, args):
        args = dict(args)
        I = np.shape(args[f"{self.prefix}l0_i2h{GATES[self.mode][0]}_weight"])[1]
        parts = []
        for name, shape in flat_layout(I, self.H, self.L, self.mode, self.bi):
            head, group, kind = name.split("_")
            arr = np.concatenate([np.asarray(args.pop(f"{self.prefix}{head}_{group}{g}_{kind}"))
                                  for g in GATES[self.mode]], axis=0)
            assert arr.shape == shape
            parts.append(arr.reshape(-1))
        args[self.prefix + "parameters"] = np.concatenate(parts)
        return args

    def count(self):
        return 2 if self.mode == "lstm" else 1

    def zeros(self, batch):
        D = 2 if self.bi else 1
        return [np.zeros((self.L * D, batch, self.H)) for _ in range(self.count())]

    def unroll(self, seq, begin):
        from fusedrnn.reference import rnn
        data = np.stack([np.asarray(x, np.float64) for x in seq])       # TNC
        res = rnn(data, self.flat.astype(np.float64), np.asarray(begin[0], np.float64),
                  np.asarray(begin[1], np.float64) if self.mode == "lstm" else None,
                  state_size=self.H, num_layers=self.L, mode=self.mode, bidirectional=self.bi,
                  state_outputs=True, training=False)
        return [res[0][t] for t in range(res[0].shape[0])], (list(res[1:]) if self.get_next else [])

    def unfuse(self):
        """Basic cells named {prefix}l{i}_ / {prefix}r{i}_, weights from the flat vector."""
        stack = LSeq()
        _, pieces = self._pieces(self.flat) if self.flat is not None else (None, None)
        kind = "rnn" if self.mode.startswith("rnn") else self.mode
        for i in range(self.L):
            cells = []
            for d in "lr"[:2 if self.bi else 1]:
                c = LCell(kind, self.H, f"{self.prefix}{d}{i}_", act=self.mode[4:] if kind == "rnn" else "tanh")
                if pieces is not None:
                    c.cell.params = {k: pieces[f"{d}{i}_{k}"] for k in ("i2h_weight", "i2h_bias", "h2h_weight",
                                                                       "h2h_bias")}
                cells.append(c)
            stack.children.append(LBi(*cells) if self.bi else cells[0])
            # a DropoutCell between layers is the identity outside training
        return stack


# The legacy containers build on gluon_reference's (__init__, count, zeros as there); what
# differs here: no valid_length, states per child cell, and `natural` (merge_outputs=None).

class LSeq(Seq):
    @property
    def natural(self):
        return self.children[-1].natural

    def leaves(self):
        return [leaf for c in self.children for leaf in c.leaves()]

    def step(self, x, states):
        out, p = [], 0
        for c in self.children:
            n = c.count()
            x, new = c.step(x, states[p:p + n])
            out += list(new)
            p += n
        return x, out

    def unroll(self, seq, begin):
        per_cell, p = [], 0
        for c in self.children:
            n = c.count()
            seq, new = c.unroll(seq, begin[p:p + n])
            per_cell.append(new)
            p += n
        return seq, per_cell


class LBi(Bi):
    @property
    def natural(self):
        return self.l.natural and self.r.natural

    def leaves(self):
        return self.l.leaves() + self.r.leaves()

    def unroll(self, seq, begin):
        n = self.l.count()
        lo, ls = self.l.unroll(seq, begin[:n])
        ro, rs = self.r.unroll(list(reversed(seq)), begin[n:])
        outs = [np.concatenate([a, b], axis=-1) for a, b in zip(lo, reversed(ro))]
        return outs, [ls, rs]


class LIdentity(Identity):             # DropoutCell outside training
    natural = False

    def leaves(self):
        return []

    def step(self, x, states):
        return np.asarray(x, np.float64), []

    def unroll(self, seq, begin):
        return [np.asarray(x, np.float64) for x in seq], []


class LWrap(Wrap):                     # ZoneoutCell outside training, ResidualCell (step as there)
    @property
    def natural(self):
        return self.base.natural

    def leaves(self):
        return self.base.leaves()

    def unroll(self, seq, begin):
        outs, states = self.base.unroll(seq, begin)
        if self.residual:
            outs = [o + np.asarray(x, np.float64) for o, x in zip(outs, seq)]
        return outs, states


def _flatten(states):
    out = []
    for s in states:
        out += _flatten(s) if isinstance(s, (list, tuple)) else [s]
    return out


# ---- the interpreter ------------------------------------------------------------------

class _Script(ScriptValues):
    """JSON values, arrays() and named_arrays() from ScriptValues; the actions that produce numbers here."""

    DICT_PATHS = True

    def build(self, spec):
        cls = spec["class"]
        a = bind(cls, self.value(spec.get("args", [])), self.value(spec.get("kwargs", {})))
        if cls == "RNNParams":
            return LParams(a["prefix"])
        shared = a["params"] if isinstance(a.get("params"), LParams) else None
        if cls in ("RNNCell", "LSTMCell", "GRUCell"):
            kind = {"RNNCell": "rnn", "LSTMCell": "lstm", "GRUCell": "gru"}[cls]
            cell = LCell(kind, a["num_hidden"], shared.prefix if shared else a["prefix"],
                         a["activation"] if kind == "rnn" else "tanh")
            if shared:
                cell.cell.params = shared.store
            return cell
        if cls == "FusedRNNCell":
            return LFused(a)
        if cls == "SequentialRNNCell":
            return LSeq()
        return wrapper_node(cls, a, LBi, LIdentity, LWrap)

    @staticmethod
    def _unpack(b, args):
        for leaf in b.leaves():
            args = leaf.unpack(args)
        return args

    @staticmethod
    def _pack(b, args):
        for leaf in b.leaves():
            args = leaf.pack(args)
        return args

    def _begin(self, b, given, batch):
        if given is None:
            return b.zeros(batch)
        flat = _flatten(given if isinstance(given, list) else [given])
        zeros = b.zeros(batch)
        return [z if np.shape(s) != np.shape(z) and 0 in np.shape(s) else np.asarray(s, np.float64)
                for s, z in zip(flat, zeros)]

    def action(self, do, a):
        if do == "pick":
            src = self._path(a["from"])
            return [src[k] for k in a["keys"]]
        b = self.blocks[a.get("on", "main")]
        if do == "add":
            b.children.append(self.blocks[a["child"]])
            return None
        if do == "set_weights":
            args = self.named_arrays(a)
            names = [n for leaf in b.leaves() for n in leaf.names()]
            if not all(n in args for n in names):
                args = self._pack(b, args)
            for leaf in b.leaves():
                leaf.take(args)
            return None
        if do == "unpack_weights":
            return self._unpack(b, self.named_arrays(a))
        if do == "pack_weights":
            return self._pack(b, self.named_arrays(a))
        if do == "get_weights":             # only after set_weights: the reference knows no drawn values
            w = {k: v for leaf in b.leaves() for k, v in leaf.weights().items()}
            return [w[k] for k in a["names"]] if "names" in a else w
        if do == "unfuse":
            self.blocks[a.get("name", "main")] = b.unfuse()
            return None
        if do == "begin_state":
            return b.zeros(a.get("kwargs", {}).get("batch_size", 0))
        if do == "step":
            x = self.arrays(a["inputs"])
            out, st = b.step(x, self._begin(b, self.arrays(a.get("states")), np.shape(x)[0]))
            return [out, list(st)]
        if do == "unroll":
            seq, axis = time_steps(self.arrays(a["inputs"]), a.get("layout", "NTC"))
            seq = [np.asarray(x, np.float64) for x in seq]
            outs, states = b.unroll(seq, self._begin(b, self.arrays(a.get("begin_state")), seq[0].shape[0]))
            merge = a.get("merge_outputs")
            if merge is None:
                merge = b.natural
            return [np.stack(outs, axis=axis) if merge else outs, states]
        if do in ("reset", "initialize", "params", "prefix", "same_param", "params_get"):
            return None
        raise NotImplementedError(f"legacy reference: action {do!r}")

    def run(self):
        for a in self.config.get("actions", []):
            self.results.append(self.act(a))
        return self.results


def run_script(config, inputs):
    """The results of a numeric legacy script, float64, from the claims' equations."""
    return _Script(config, inputs).run()
