"""The expected values of layer- and cell-level scripts, independently of fusedrnn.gluon.

Two things live here:

* ``SIGNATURES``: the constructor and method signatures the claims state
  (MXNet 1.9.1 code for the layers, the 1.x reference for the cells),
  written out by hand. make_cases.py builds the expectations of the
  signature cases from them, and the interpreter below binds constructor
  arguments with them.
* ``run_script(config, inputs)``: a plain NumPy interpreter of the script
  actions that produce numbers (build, set_params, call, step, unroll,
  unfuse, begin_state, cast, hybridize, add). Layers compute through
  ``fusedrnn.reference.rnn`` on the flat vector packed in the documented
  order (weights then biases; layer by layer; l then r; i2h, h2h, h2r);
  cells compute the claims' step equations directly. Everything is float64.
  Dropout and zoneout cells are identities here: numeric cases use them only
  outside training (training is checked through relations, not values).
"""
import numpy as np

from script_values import ScriptValues     # adapters/ (harness/__init__.py); imports no fusedrnn

NOT_GIVEN = object()

_INITS4 = [("i2h_weight_initializer", None), ("h2h_weight_initializer", None),
           ("i2h_bias_initializer", "zeros"), ("h2h_bias_initializer", "zeros")]
_LAYER_KW = {"prefix": None, "params": None, "use_sequence_length": False}

# positional parameters in order: [name] (required) or [name, default]; then keyword-only
SIGNATURES = {
    "RNN": {"positional": [["hidden_size"], ["num_layers", 1], ["activation", "relu"], ["layout", "TNC"],
                           ["dropout", 0], ["bidirectional", False]] + [list(p) for p in _INITS4]
            + [["input_size", 0], ["dtype", "float32"]], "keyword": dict(_LAYER_KW)},
    "LSTM": {"positional": [["hidden_size"], ["num_layers", 1], ["layout", "TNC"], ["dropout", 0],
                            ["bidirectional", False], ["input_size", 0]] + [list(p) for p in _INITS4]
             + [["projection_size", None], ["h2r_weight_initializer", None], ["state_clip_min", None],
                ["state_clip_max", None], ["state_clip_nan", False], ["dtype", "float32"]],
             "keyword": dict(_LAYER_KW)},
    "GRU": {"positional": [["hidden_size"], ["num_layers", 1], ["layout", "TNC"], ["dropout", 0],
                           ["bidirectional", False], ["input_size", 0]] + [list(p) for p in _INITS4]
            + [["dtype", "float32"]], "keyword": dict(_LAYER_KW)},
    "RNNCell": {"positional": [["hidden_size"], ["activation", "tanh"]] + [list(p) for p in _INITS4]
                + [["input_size", 0], ["prefix", None], ["params", None]], "keyword": {}},
    "LSTMCell": {"positional": [["hidden_size"]] + [list(p) for p in _INITS4]
                 + [["input_size", 0], ["prefix", None], ["params", None], ["activation", "tanh"],
                    ["recurrent_activation", "sigmoid"]], "keyword": {}},
    "GRUCell": {"positional": [["hidden_size"]] + [list(p) for p in _INITS4]
                + [["input_size", 0], ["prefix", None], ["params", None]], "keyword": {}},
    "SequentialRNNCell": {"positional": [["prefix", None], ["params", None]], "keyword": {}},
    "HybridSequentialRNNCell": {"positional": [["prefix", None], ["params", None]], "keyword": {}},
    "BidirectionalCell": {"positional": [["l_cell"], ["r_cell"], ["output_prefix", "bi_"]], "keyword": {}},
    "DropoutCell": {"positional": [["rate"], ["axes", []], ["prefix", None], ["params", None]], "keyword": {}},
    "ZoneoutCell": {"positional": [["base_cell"], ["zoneout_outputs", 0.0], ["zoneout_states", 0.0]],
                    "keyword": {}},
    "ResidualCell": {"positional": [["base_cell"]], "keyword": {}},
}
METHODS = {
    "unroll": {"positional": [["length"], ["inputs"], ["begin_state", None], ["layout", "NTC"],
                              ["merge_outputs", None], ["valid_length", None]]},
    "begin_state": {"positional": [["batch_size", 0], ["func", "zeros"]], "var_keyword": "kwargs"},
    "state_info": {"positional": [["batch_size", 0]]},
    "layer_call": {"positional": [["inputs"], ["states", None], ["sequence_length", None]]},
    "cell_call": {"positional": [["inputs"], ["states", None]]},
}
GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def bind(cls, args, kwargs):
    """Constructor arguments by name, defaults filled in (as the claims state them)."""
    sig = SIGNATURES[cls]
    if len(args) > len(sig["positional"]):
        raise TypeError(f"{cls} takes at most {len(sig['positional'])} positional arguments")
    return bind_to(sig, cls, args, kwargs)


def bind_to(sig, cls, args, kwargs):
    """args and kwargs by name against sig (one SIGNATURES entry), defaults filled in."""
    names = [p[0] for p in sig["positional"]]
    out = {p[0]: (p[1] if len(p) > 1 else NOT_GIVEN) for p in sig["positional"]}
    out.update(sig["keyword"])
    out.update(zip(names, args))
    out.update(kwargs)
    missing = [k for k, v in out.items() if v is NOT_GIVEN]
    if missing:
        raise TypeError(f"{cls} needs {missing}")
    return out


def _act(name, x):
    if name == "tanh":
        return np.tanh(x)
    if name == "relu":
        return np.maximum(x, 0)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "softsign":
        return x / (1 + np.abs(x))
    if name == "softrelu":
        return np.log1p(np.exp(x))
    raise ValueError(name)


# ---- blocks ---------------------------------------------------------------------

class Cell:
    def __init__(self, kind, hidden, act="tanh", ract="sigmoid"):
        self.kind, self.hidden, self.act, self.ract = kind, hidden, act, ract
        self.params = {}
        self.nstates = 2 if kind == "lstm" else 1

    def zeros(self, batch):
        return [np.zeros((batch, self.hidden)) for _ in range(self.nstates)]

    def step(self, x, states):
        with np.errstate(invalid="ignore", over="ignore"):
            return self._step(x, states)

    def _step(self, x, states):
        x = np.asarray(x, np.float64).reshape(np.shape(x)[0], -1)
        if states is None:
            states = self.zeros(x.shape[0])
        h = np.asarray(states[0], np.float64)
        p = {k: np.asarray(v, np.float64) for k, v in self.params.items()}
        gi = x @ p["i2h_weight"].T + p["i2h_bias"]
        gh = h @ p["h2h_weight"].T + p["h2h_bias"]
        H = self.hidden
        if self.kind == "rnn":
            h2 = _act(self.act, gi + gh)
            return h2, [h2]
        if self.kind == "lstm":
            c = np.asarray(states[1], np.float64)
            g = gi + gh
            i = _act(self.ract, g[:, :H])
            f = _act(self.ract, g[:, H:2 * H])
            cand = _act(self.act, g[:, 2 * H:3 * H])
            o = _act(self.ract, g[:, 3 * H:])
            c2 = f * c + i * cand
            h2 = o * _act(self.act, c2)
            return h2, [h2, c2]
        r = _act("sigmoid", gi[:, :H] + gh[:, :H])
        z = _act("sigmoid", gi[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        h2 = (1 - z) * n + z * h
        return h2, [h2]

    def count(self):
        return self.nstates

    def unroll(self, seq, begin, vl):
        states = begin if begin is not None else self.zeros(seq[0].shape[0])
        start, outs, per_step = list(states), [], []
        for x in seq:
            out, states = self.step(x, states)
            outs.append(out)
            per_step.append(states)
        if vl is not None:
            outs = _mask(outs, vl)
            states = [np.stack([start[j]] + [s[j] for s in per_step])[vl, np.arange(len(vl))]
                      for j in range(len(start))]
        return outs, list(states)


def _mask(outs, vl):
    return [np.where((t < vl).reshape((-1,) + (1,) * (o.ndim - 1)), o, 0.0) for t, o in enumerate(outs)]


def _reverse(seq, vl):
    if vl is None:
        return list(reversed(seq))
    T = len(seq)
    st = np.stack(seq)
    t = np.arange(T)[:, None]
    idx = np.where(t < vl[None, :], vl[None, :] - 1 - t, t)
    picked = np.take_along_axis(st, idx.reshape(idx.shape + (1,) * (st.ndim - 2)), axis=0)
    return [picked[i] for i in range(T)]


class Seq:
    def __init__(self):
        self.children = []

    def count(self):
        return sum(c.count() for c in self.children)

    def zeros(self, batch):
        return [z for c in self.children for z in c.zeros(batch)]

    def step(self, x, states):
        states = states if states is not None else self.zeros(np.shape(x)[0])
        out, p = [], 0
        for c in self.children:
            n = c.count()
            x, new = c.step(x, states[p:p + n])
            out += new
            p += n
        return x, out

    def unroll(self, seq, begin, vl):
        begin = begin if begin is not None else self.zeros(seq[0].shape[0])
        out, p = [], 0
        for c in self.children:
            n = c.count()
            seq, new = c.unroll(seq, begin[p:p + n], vl)
            out += new
            p += n
        return seq, out


class Bi:
    def __init__(self, l_cell, r_cell):
        self.l, self.r = l_cell, r_cell

    def count(self):
        return self.l.count() + self.r.count()

    def zeros(self, batch):
        return self.l.zeros(batch) + self.r.zeros(batch)

    def unroll(self, seq, begin, vl):
        begin = begin if begin is not None else self.zeros(seq[0].shape[0])
        n = self.l.count()
        lo, ls = self.l.unroll(seq, begin[:n], vl)
        ro, rs = self.r.unroll(_reverse(seq, vl), begin[n:], vl)
        ro = _reverse(ro, vl)
        outs = [np.concatenate([a, b], axis=-1) for a, b in zip(lo, ro)]
        if vl is not None:
            outs = _mask(outs, vl)
        return outs, ls + rs


class Identity:            # DropoutCell outside training
    def count(self):
        return 0

    def zeros(self, batch):
        return []

    def step(self, x, states):
        return np.asarray(x, np.float64), list(states or [])

    def unroll(self, seq, begin, vl):
        seq = [np.asarray(x, np.float64) for x in seq]
        return (_mask(seq, vl) if vl is not None else seq), list(begin or [])


class Wrap:                # ZoneoutCell outside training, ResidualCell
    def __init__(self, base, residual):
        self.base, self.residual = base, residual

    def count(self):
        return self.base.count()

    def zeros(self, batch):
        return self.base.zeros(batch)

    def step(self, x, states):
        out, new = self.base.step(x, states)
        return (out + np.asarray(x, np.float64) if self.residual else out), new

    def unroll(self, seq, begin, vl):
        outs, states = self.base.unroll(seq, begin, vl)
        if self.residual:
            ins = [np.asarray(x, np.float64) for x in seq]
            ins = _mask(ins, vl) if vl is not None else ins
            outs = [o + i for o, i in zip(outs, ins)]
        return outs, states


class Layer:
    def __init__(self, mode, a):
        self.mode = mode
        self.H, self.L = a["hidden_size"], a["num_layers"]
        self.D = 2 if a["bidirectional"] else 1
        self.P = a.get("projection_size") or None
        self.layout = a["layout"]
        self.dropout = a["dropout"]
        self.clip = (a.get("state_clip_min"), a.get("state_clip_max"), a.get("state_clip_nan", False))
        self.use_len = a["use_sequence_length"]
        self.params = {}

    def order(self):
        kinds = ("i2h", "h2h", "h2r") if self.P else ("i2h", "h2h")
        out = []
        for tail in ("weight", "bias"):
            for layer in range(self.L):
                for d in "lr"[:self.D]:
                    out += [f"{d}{layer}_{k}_{tail}" for k in kinds if not (k == "h2r" and tail == "bias")]
        return out

    def call(self, x, states, seq_len, training, seed):
        from fusedrnn.reference import rnn
        flat = np.concatenate([np.asarray(self.params[k], np.float64).reshape(-1) for k in self.order()])
        x = np.asarray(x, np.float64)
        N = x.shape[self.layout.find("N")]
        given = states is not None
        if states is None:
            R = self.P or self.H
            states = [np.zeros((self.L * self.D, N, R))] + (
                [np.zeros((self.L * self.D, N, self.H))] if self.mode == "lstm" else [])
        elif isinstance(states, np.ndarray):
            states = [states]
        lo, hi, nan = self.clip
        res = rnn(x, flat, np.asarray(states[0], np.float64),
                  np.asarray(states[1], np.float64) if self.mode == "lstm" else None,
                  seq_len if self.use_len else None, state_size=self.H, num_layers=self.L,
                  mode=self.mode, bidirectional=self.D == 2, p=float(self.dropout), state_outputs=True,
                  projection_size=self.P, lstm_state_clip_min=lo, lstm_state_clip_max=hi,
                  lstm_state_clip_nan=bool(nan), use_sequence_length=self.use_len, layout=self.layout,
                  training=bool(training), seed=seed or 0)
        return [res[0], list(res[1:])] if given else res[0]

    def unfuse(self):
        stack = Seq()
        for i in range(self.L):
            cells = []
            for d in "lr"[:self.D]:
                kind = "rnn" if self.mode.startswith("rnn") else self.mode
                c = Cell(kind, self.H, act=self.mode[4:] if kind == "rnn" else "tanh")
                c.params = {k: self.params[f"{d}{i}_{k}"]
                            for k in ("i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias")}
                cells.append(c)
            stack.children.append(Bi(*cells) if self.D == 2 else cells[0])
            if self.dropout and i != self.L - 1:
                stack.children.append(Identity())
        return stack


# ---- the interpreter --------------------------------------------------------------

def wrapper_node(cls, a, bi, identity, wrap):
    """The node of a cell around others, as at both levels; bi, identity and wrap: the level's node classes."""
    if cls == "BidirectionalCell":
        return bi(a["l_cell"], a["r_cell"])
    if cls == "DropoutCell":
        return identity()
    if cls == "ZoneoutCell":
        return wrap(a["base_cell"], False)
    if cls == "ResidualCell":
        return wrap(a["base_cell"], True)
    raise ValueError(cls)


def time_steps(inputs, layout):
    """An unroll action's inputs as one array per step (a tensor split along T), and T's axis."""
    axis = layout.find("T")
    tensor = not isinstance(inputs, list)
    return ([np.take(inputs, t, axis=axis) for t in range(inputs.shape[axis])] if tensor else inputs), axis


class _Script(ScriptValues):
    """JSON values and arrays() from ScriptValues; the actions that produce numbers here."""

    def build(self, spec):
        cls = spec["class"]
        a = bind(cls, self.value(spec.get("args", [])), self.value(spec.get("kwargs", {})))
        if cls in ("RNN", "LSTM", "GRU"):
            mode = "rnn_" + a["activation"] if cls == "RNN" else cls.lower()
            return Layer(mode, a)
        if cls == "RNNCell":
            return Cell("rnn", a["hidden_size"], a["activation"])
        if cls == "LSTMCell":
            return Cell("lstm", a["hidden_size"], a["activation"], a["recurrent_activation"])
        if cls == "GRUCell":
            return Cell("gru", a["hidden_size"])
        if cls in ("SequentialRNNCell", "HybridSequentialRNNCell"):
            return Seq()
        return wrapper_node(cls, a, Bi, Identity, Wrap)

    def action(self, do, a):
        b = self.blocks[a.get("on", "main")]
        if do == "set_params":
            for key, name in a["params"].items():
                b.params[key] = self.inputs[name]
            return None
        if do == "add":
            b.children.append(self.blocks[a["child"]])
            return None
        if do == "unfuse":
            self.blocks[a.get("name", "main")] = b.unfuse()
            return None
        if do == "begin_state":
            return b.zeros(a.get("batch_size", 0))
        if do == "call":
            return b.call(self.arrays(a["inputs"]), self.arrays(a.get("states")),
                          self.arrays(a.get("sequence_length")), a.get("training"), a.get("seed"))
        if do == "step":
            out, st = b.step(self.arrays(a["inputs"]), self.arrays(a.get("states")))
            return [out, st]
        if do == "unroll":
            seq, axis = time_steps(self.arrays(a["inputs"]), a.get("layout", "NTC"))
            vl = self.arrays(a.get("valid_length"))
            vl = None if vl is None else np.asarray(vl).astype(np.int64)
            outs, states = b.unroll(seq, self.arrays(a.get("begin_state")), vl)
            merge = a.get("merge_outputs")
            if merge is None:
                merge = vl is not None          # MXNet 1.9.1 (disc.unroll_merge_outputs_none)
            return [np.stack(outs, axis=axis) if merge else outs, states]
        if do in ("cast", "hybridize", "initialize"):
            return None
        raise NotImplementedError(f"reference: action {do!r}")

    def run(self):
        for name, spec in (self.config.get("blocks") or {}).items():
            self.blocks[name] = self.build(spec)
        for a in self.config.get("actions", []):
            self.results.append(self.act(a))
        return self.results


def run_script(config, inputs):
    """The results of a numeric script, float64, from the claims' equations."""
    return _Script(config, inputs).run()
