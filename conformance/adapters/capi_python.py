"""The `c` level for the python adapter: C API programs run through cffi.

A case at level `c` makes one call kind, `capi`, whose config is a list of
steps (docs/conformance-protocol.md, "The C level"). This module runs them
against the library behind fusedrnn._fusedrnn_cffi: any other implementation
of libc/include/fusedrnn.h can be checked by an adapter of its own that runs
the same steps.

Buffers live in one arena per forward call with slack behind every buffer,
so that even an implementation that failed to detect an overlapping or
too-small buffer would write inside memory we own (the case then fails
instead of corrupting the adapter).
"""
import ctypes
import threading

import numpy as np

from protocol_io import NotApplicable
from script_values import action_errors

SENTINEL = 0xA5           # the byte every output buffer is filled with before a call
ALIGN = 64
OUTPUTS = ("y", "hy", "cy")
BUFFERS = ("x", "params", "hx", "cx", "lengths", "y", "hy", "cy", "workspace", "reserve")
ARG_FIELDS = ("seq_len", "batch", "training", "seed", "max_threads")
QUERIES = ("param_count", "output_shape", "state_shape", "cell_state_shape", "workspace_size",
           "reserve_size")


class CapiProgram:
    """Runs one `capi` config: {"steps": [...]}; one result per step."""

    def __init__(self, config, inputs):
        import scipy_openblas32  # noqa: F401  (loads OpenBLAS before the extension)
        from fusedrnn._fusedrnn_cffi import ffi, lib
        self.ffi, self.lib = ffi, lib
        self.config = config
        self.inputs = inputs
        self.configs = {}          # name -> fusedrnn_config *
        self.descs = {}            # name -> fusedrnn_desc * (or NULL)
        self.statuses = {getattr(lib, n): n for n in dir(lib)
                         if n == "FUSEDRNN_OK" or n.startswith("FUSEDRNN_ERR_")}

    # -- helpers --------------------------------------------------------------
    def status(self, code):
        code = int(code)
        return self.statuses.get(code, code)

    def constant(self, value):
        if isinstance(value, str):
            if not value.startswith("FUSEDRNN_") or not hasattr(self.lib, value):
                raise NotApplicable(f"no constant {value!r}")
            return getattr(self.lib, value)
        return value

    def desc(self, name):
        if name is None:
            return self.ffi.NULL
        return self.descs[name]

    def _struct_size(self, value, ctype):
        if isinstance(value, dict) and set(value) == {"$sizeof"}:
            return self.ffi.sizeof(ctype) + int(value["$sizeof"])
        return int(value)

    def _dtype(self, desc):
        cfg = self.ffi.new("fusedrnn_config *")
        st = self.lib.fusedrnn_desc_config(desc, cfg)
        if st != self.lib.FUSEDRNN_OK:
            raise RuntimeError(f"fusedrnn_desc_config: {self.status(st)}")
        return np.dtype(np.float64 if cfg.dtype == self.lib.FUSEDRNN_FLOAT64 else np.float32), cfg.mode

    def _query(self, what, desc, seq_len=1, batch=1, training=0):
        ffi, lib = self.ffi, self.lib
        if what == "param_count":
            out = ffi.new("int64_t *")
            st = lib.fusedrnn_param_count(desc, out)
            return st, int(out[0])
        if what in ("output_shape", "state_shape", "cell_state_shape"):
            out = ffi.new("int64_t[3]")
            if what == "output_shape":
                st = lib.fusedrnn_output_shape(desc, seq_len, batch, out)
            else:
                st = getattr(lib, f"fusedrnn_{what}")(desc, batch, out)
            return st, [int(v) for v in out]
        out = ffi.new("size_t *")
        if what == "workspace_size":
            st = lib.fusedrnn_workspace_size(desc, seq_len, batch, training, out)
        elif what == "reserve_size":
            st = lib.fusedrnn_reserve_size(desc, seq_len, batch, out)
        else:
            raise NotApplicable(f"query {what!r}")
        return st, int(out[0])

    # -- forward ----------------------------------------------------------------
    def _layout(self, step, desc_for_sizes):
        """Sizes (bytes) and shapes of the buffers a forward step names."""
        lib = self.lib
        T, N = int(step.get("seq_len", 1)), int(step.get("batch", 1))
        training = int(step.get("training", 0))
        dtype, mode = self._dtype(desc_for_sizes)
        plan = {}

        def sized(name, size):
            """bytes: a number, or {"query": true, "delta": k, "training": t} (the queried size + k)."""
            if not isinstance(size, dict):
                return int(size)
            q = "workspace_size" if name == "workspace" else "reserve_size"
            st, n = self._query(q, desc_for_sizes, T, N, int(size.get("training", training)))
            if st != lib.FUSEDRNN_OK:
                raise RuntimeError(f"{q}: {self.status(st)}")
            return n + int(size.get("delta", 0))

        for name, spec in (step.get("buffers") or {}).items():
            if name not in BUFFERS:
                raise NotApplicable(f"buffer {name!r}")
            if spec is None:
                continue
            if spec == "output":
                what = {"y": "output_shape", "hy": "state_shape", "cy": "cell_state_shape"}[name]
                st, shape = self._query(what, desc_for_sizes, T, N)
                if st != lib.FUSEDRNN_OK:
                    raise RuntimeError(f"{what}: {self.status(st)}")
                plan[name] = {"bytes": int(np.prod(shape)) * dtype.itemsize, "shape": shape, "dtype": dtype,
                              "fill": "sentinel"}
            elif "input" in spec:
                arr = np.ascontiguousarray(self.inputs[spec["input"]])
                plan[name] = {"bytes": arr.nbytes, "array": arr}
            elif "alias" in spec:     # the same memory as another buffer, `offset` bytes in
                plan[name] = {"alias": spec["alias"], "offset": int(spec.get("offset", 0)),
                              "claim": spec.get("bytes")}
                if name in OUTPUTS:
                    what = {"y": "output_shape", "hy": "state_shape", "cy": "cell_state_shape"}[name]
                    _, shape = self._query(what, desc_for_sizes, T, N)
                    plan[name]["natural"] = int(np.prod(shape)) * dtype.itemsize
            elif spec.get("null"):
                plan[name] = {"null": True, "claim": int(spec.get("bytes", 0))}
            else:
                plan[name] = {"bytes": sized(name, spec.get("bytes", 0)), "fill": spec.get("fill", "zeros")}
            if "alias" in plan[name] and isinstance(plan[name]["claim"], dict):
                plan[name]["claim"] = sized(name, plan[name]["claim"])
        return plan, dtype, mode

    def _materialise(self, plan, rng_seed=0):
        """One arena holding every buffer; returns (arena, {name: (offset, bytes)})."""
        real = [n for n, p in plan.items() if "bytes" in p]
        biggest = max([plan[n]["bytes"] for n in real] + [ALIGN])
        total = sum((plan[n]["bytes"] + 2 * ALIGN) for n in real) + 2 * biggest + 4 * ALIGN
        raw = np.zeros(total + ALIGN, dtype=np.uint8)
        base = (-raw.ctypes.data) % ALIGN
        arena = raw[base:base + total]
        places, cur = {}, ALIGN
        for n in real:
            p = plan[n]
            places[n] = (cur, p["bytes"])
            view = arena[cur:cur + p["bytes"]]
            if "array" in p:
                view[:] = np.frombuffer(p["array"].tobytes(), dtype=np.uint8)
            elif p.get("fill") == "sentinel":
                view[:] = SENTINEL
            elif p.get("fill") == "ones":
                view[:] = 0xFF
            elif p.get("fill") == "nan":
                view[:] = np.frombuffer(np.full(p["bytes"] // 8, np.nan).tobytes() +
                                        b"\xff" * (p["bytes"] % 8), dtype=np.uint8)
            cur += p["bytes"] + 2 * ALIGN
            cur += (-cur) % ALIGN
        for n, p in plan.items():
            if "alias" in p:
                off, size = places[p["alias"]]
                places[n] = (off + p["offset"], None)
        return raw, arena, places

    def _args(self, step, plan, arena, places):
        ffi = self.ffi
        a = ffi.new("fusedrnn_forward_args *")
        st = self.lib.fusedrnn_forward_args_init(a)
        assert st == self.lib.FUSEDRNN_OK
        base = arena.ctypes.data
        for name in BUFFERS:
            p = plan.get(name)
            if p is None:
                continue
            if p.get("null"):
                ptr, size = ffi.NULL, p["claim"]
            else:
                off, size = places[name]
                ptr = ffi.cast("void *", base + off)
                if size is None:                   # an alias: claims its own natural size
                    size = p["claim"] if p.get("claim") is not None else None
            setattr(a, name, ffi.cast("const int64_t *" if name == "lengths" else "void *", ptr))
            if name in ("workspace", "reserve"):
                if size is None:
                    raise NotApplicable(f"alias for {name} needs `bytes`")
                setattr(a, f"{name}_bytes", int(size))
        for key in ARG_FIELDS:
            if key in step:
                setattr(a, key, int(step[key]))
        if "struct_size" in step:
            a.struct_size = self._struct_size(step["struct_size"], "fusedrnn_forward_args")
        return a

    def forward(self, step):
        ffi, lib = self.ffi, self.lib
        desc = ffi.NULL if step.get("desc") is None else self.descs[step["desc"]]
        sizes = self.descs[step.get("sizes", step.get("desc"))]
        plan, dtype, mode = self._layout(step, sizes)
        raw, arena, places = self._materialise(plan)
        a = self._args(step, plan, arena, places)
        before = arena.copy()
        st = lib.fusedrnn_forward(desc, ffi.NULL if step.get("args_null") else a)
        result = {"status": self.status(st), "unchanged": {}}
        for name in OUTPUTS:
            if name in plan and not plan[name].get("null"):
                off, size = places[name]
                size = plan[name].get("natural", size)
                result["unchanged"][name] = bool(np.array_equal(arena[off:off + size], before[off:off + size]))
        if st == lib.FUSEDRNN_OK:
            outs = {}
            for name in OUTPUTS:
                p = plan.get(name)
                if p and "shape" in p:
                    off, size = places[name]
                    outs[name] = np.frombuffer(arena[off:off + size].tobytes(), dtype=p["dtype"]).reshape(p["shape"])
            result["outputs"] = outs
        return result

    def forward_threads(self, step):
        """Several threads share one descriptor, each with its own buffers."""
        calls = step["calls"]
        base = {k: v for k, v in step.items() if k not in ("calls", "threads", "repeat")}
        sequential = [self.forward({**base, **c}) for c in calls]
        n_threads, repeat = int(step.get("threads", 4)), int(step.get("repeat", 2))
        results = [[] for _ in range(n_threads)]
        barrier = threading.Barrier(n_threads)

        def work(t):
            barrier.wait()
            for r in range(repeat):
                k = (t + r) % len(calls)
                results[t].append((k, self.forward({**base, **calls[k]})))

        threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        statuses = sorted({r["status"] for rs in results for _, r in rs} |
                          {r["status"] for r in sequential}, key=str)
        match = all(
            set(r.get("outputs", {})) == set(sequential[k].get("outputs", {})) and
            all(r["outputs"][n].tobytes() == sequential[k]["outputs"][n].tobytes() for n in r.get("outputs", {}))
            for rs in results for k, r in rs)
        return {"statuses": statuses, "match_sequential": bool(match),
                "calls": n_threads * repeat}

    # -- steps ------------------------------------------------------------------
    def act(self, step):
        ffi, lib = self.ffi, self.lib
        do = step["do"]
        if do == "config":
            cfg = ffi.new("fusedrnn_config *")
            st = lib.fusedrnn_config_init(cfg)
            for key, value in (step.get("fields") or {}).items():
                if key == "struct_size":
                    cfg.struct_size = self._struct_size(value, "fusedrnn_config")
                    continue
                value = self.constant(value)
                try:
                    setattr(cfg, key, value)
                except AttributeError as exc:
                    raise NotApplicable(f"config field {key!r}") from exc
            self.configs[step.get("name", "cfg")] = cfg
            return self.status(st)
        if do == "config_init_null":
            return self.status(lib.fusedrnn_config_init(ffi.NULL))
        if do == "args_init_null":
            return self.status(lib.fusedrnn_forward_args_init(ffi.NULL))
        if do == "create":
            out = ffi.new("fusedrnn_desc **")
            cfg = ffi.NULL if step.get("config") is None else self.configs[step["config"]]
            st = lib.fusedrnn_desc_create(cfg, ffi.NULL if step.get("out_null") else out)
            if not step.get("out_null"):
                if out[0] != ffi.NULL:
                    self.descs[step.get("name", "desc")] = ffi.gc(out[0], lib.fusedrnn_desc_destroy)
                else:
                    self.descs[step.get("name", "desc")] = ffi.NULL
            return self.status(st)
        if do == "query":
            what = step["what"]
            if what not in QUERIES:
                raise NotApplicable(f"query {what!r}")
            st, value = self._query(what, self.desc(step.get("desc")), int(step.get("seq_len", 1)),
                                    int(step.get("batch", 1)), int(step.get("training", 0)))
            return [self.status(st), value if st == lib.FUSEDRNN_OK else None]
        if do == "forward":
            return self.forward(step)
        if do == "forward_threads":
            return self.forward_threads(step)
        if do == "destroy":
            name = step.get("desc")
            if name is None:
                lib.fusedrnn_desc_destroy(ffi.NULL)
            else:
                d = self.descs.pop(name)
                if d != ffi.NULL:
                    lib.fusedrnn_desc_destroy(ffi.gc(d, None))
            return None
        if do == "status_message":
            out = []
            for v in step["values"]:
                p = lib.fusedrnn_status_message(int(self.constant(v)))
                out.append(None if p == ffi.NULL else ffi.string(p).decode("utf-8"))
            return out
        if do == "status_codes":
            return {name: int(code) for code, name in sorted(self.statuses.items(), key=lambda kv: -kv[0])}
        if do == "symbol":
            return self.has_symbol(step["name"])
        raise NotApplicable(f"step {do!r}")

    @staticmethod
    def has_symbol(name):
        """Whether the loaded library exports `name` (dlsym on the extension module)."""
        import fusedrnn._fusedrnn_cffi as ext
        return hasattr(ctypes.CDLL(ext.__file__), name)

    def run(self):
        results = []
        for i, step in enumerate(self.config.get("steps", [])):
            with action_errors(i):
                results.append(self.act(step))
        return results
