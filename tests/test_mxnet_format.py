"""The MXNet NDArray-file reader/writer, checked against files MXNet 1.9.1
itself wrote (tests/fixtures/mxnet, made by make_fixtures.py there).

MXNet is never imported: everything MXNet said is in the fixtures."""

import json
import pathlib
import struct

import numpy as np
import pytest

from fusedrnn.mxnet_format import (ARRAY_MAGIC_V2, LIST_MAGIC, dumps, load,
                                   loads, save)

FIX = pathlib.Path(__file__).parent / "fixtures" / "mxnet"
MANIFEST = json.loads((FIX / "manifest.json").read_text())
CASES = [c for c in MANIFEST["cases"] if c.get("ok")]
GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def _param_files():
    out = []
    for c in CASES:
        for key, table in (("params_file", "saved_params"),
                           ("fused_params_file", "fused_saved_params")):
            if key in c:
                out.append(pytest.param(c[key], c[table], id=c[key]))
    return out


PARAM_FILES = _param_files()
ALL_FILES = sorted(p.name for p in FIX.iterdir() if p.suffix in (".params", ".nd"))
DENSE_FILES = [f for f in ALL_FILES if not f.startswith("sparse_")]


def test_manifest_is_from_mxnet_1_9_1_and_every_case_ran():
    assert MANIFEST["mxnet_version"] == "1.9.1"
    assert len(CASES) == len(MANIFEST["cases"]), \
        [c["name"] for c in MANIFEST["cases"] if not c.get("ok")]
    assert PARAM_FILES


# ---------------------------------------------------------------- reading

@pytest.mark.parametrize("fname,table", PARAM_FILES)
def test_params_file_names_shapes_dtypes_match_manifest(fname, table):
    loaded = load(FIX / fname)
    assert isinstance(loaded, dict)
    assert list(loaded) == [row["name"] for row in table]  # file order kept
    for row in table:
        arr = loaded[row["name"]]
        assert list(arr.shape) == row["shape"], row["name"]
        assert arr.dtype == np.dtype(row["dtype"]), row["name"]
        assert arr.flags.writeable and arr.dtype.isnative


def test_real_fused_layer_names():
    """What Gluon 1.9.1 really writes for a fused layer: the old unfused
    names, with `_cell` only when bidirectional."""
    bi = load(FIX / "lstm_l2_bi_f64.params")
    assert list(bi)[:5] == ["_unfused.0.l_cell.i2h_weight", "_unfused.0.l_cell.h2h_weight",
                            "_unfused.0.l_cell.i2h_bias", "_unfused.0.l_cell.h2h_bias",
                            "_unfused.0.r_cell.i2h_weight"]
    uni = load(FIX / "rnn_relu_l1_f64.params")
    assert list(uni) == ["_unfused.0.i2h_weight", "_unfused.0.h2h_weight",
                         "_unfused.0.i2h_bias", "_unfused.0.h2h_bias"]
    proj = load(FIX / "lstm_proj_l2_bi_f64.params")
    assert list(proj)[:5] == ["_unfused.0.l_cell.i2h_weight", "_unfused.0.l_cell.h2h_weight",
                              "_unfused.0.l_cell.i2h_bias", "_unfused.0.l_cell.h2h_bias",
                              "_unfused.0.l_cell.h2r_weight"]
    assert proj["_unfused.0.l_cell.h2h_weight"].shape == (24, 3)
    assert proj["_unfused.1.r_cell.i2h_weight"].shape == (24, 6)  # P * D
    assert proj["_unfused.0.l_cell.h2r_weight"].shape == (3, 6)


def test_real_unfused_stack_names():
    """The stack from `_unfuse()` saves without the `_unfused.` prefix, and
    its DropoutCells take child indices, so layer k is child 2k."""
    stack = load(FIX / "unfused_gru_l3_dropout_f64.params")
    assert sorted({k.split(".")[0] for k in stack}) == ["0", "2", "4"]
    fused = load(FIX / "unfused_gru_l3_dropout_f64_fused.params")
    assert sorted({k.split(".")[1] for k in fused}) == ["0", "1", "2"]
    for layer in range(3):
        for g in ("i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias"):
            np.testing.assert_array_equal(stack["%d.%s" % (2 * layer, g)],
                                          fused["_unfused.%d.%s" % (layer, g)])
    bstack = load(FIX / "unfused_lstm_l2_bi_f64.params")
    bfused = load(FIX / "unfused_lstm_l2_bi_f64_fused.params")
    assert list(bfused) == ["_unfused." + k for k in bstack]
    for k in bstack:
        np.testing.assert_array_equal(bstack[k], bfused["_unfused." + k])


def test_cell_file_names():
    assert list(load(FIX / "cell_lstm.params")) == ["i2h_weight", "h2h_weight",
                                                    "i2h_bias", "h2h_bias"]
    assert list(load(FIX / "cell_bidirectional_lstm.params"))[4] == "r_cell.i2h_weight"
    assert list(load(FIX / "cell_sequential_lstm2.params"))[4] == "1.i2h_weight"


def test_every_dtype_mxnet_writes():
    info = next(e for e in MANIFEST["extra_files"] if e["file"] == "dtypes.nd")
    got = load(FIX / "dtypes.nd")
    assert list(got) == list(info["arrays"])
    for name, meta in info["arrays"].items():
        arr = got[name]
        assert arr.dtype == np.dtype(meta["dtype"]), name
        assert list(arr.shape) == meta["shape"], name
        np.testing.assert_array_equal(arr.reshape(-1),
                                      np.array(meta["values"], dtype=arr.dtype))


def test_unnamed_list_comes_back_as_list():
    info = next(e for e in MANIFEST["extra_files"] if e["file"] == "unnamed_list.nd")
    got = load(FIX / "unnamed_list.nd")
    assert isinstance(got, list) and len(got) == len(info["arrays"])
    for arr, meta in zip(got, info["arrays"]):
        assert arr.dtype == np.dtype(meta["dtype"])
        assert list(arr.shape) == meta["shape"]
        np.testing.assert_array_equal(arr.reshape(-1), meta["values"])


def test_numpy_shape_files_from_npx_save():
    info = next(e for e in MANIFEST["extra_files"] if e["file"] == "np_shape.nd")
    got = load(FIX / "np_shape.nd")
    assert got["scalar"].shape == () and got["scalar"] == 3.5
    assert got["zero_size"].shape == (2, 0, 3)
    for name, meta in info["arrays"].items():
        assert list(got[name].shape) == meta["shape"]
        assert got[name].dtype == np.dtype(meta["dtype"])


@pytest.mark.parametrize("fname", ["sparse_row.nd", "sparse_csr.nd"])
def test_sparse_storage_is_refused(fname):
    with pytest.raises(ValueError, match="sparse") as err:
        load(FIX / fname)
    assert fname in str(err.value)


def test_load_accepts_bytes_like_and_paths():
    raw = (FIX / "cell_gru.params").read_bytes()
    ref = load(str(FIX / "cell_gru.params"))
    for src in (raw, bytearray(raw), memoryview(raw), FIX / "cell_gru.params"):
        got = load(src)
        assert list(got) == list(ref)
        for k in ref:
            np.testing.assert_array_equal(got[k], ref[k])


# ---------------------------------------------- the fused packing order

def _saved_name(layer, d, g, t, bidirectional):
    if bidirectional:
        return "_unfused.%d.%s_cell.%s_%s" % (layer, d, g, t)
    return "_unfused.%d.%s_%s" % (layer, g, t)


def _pack_in_mxnet_order(params, L, D, projection):
    parts = []
    for t in ("weight", "bias"):
        for layer in range(L):
            for d in "lr"[:D]:
                for g in ("i2h", "h2h", "h2r"):
                    if g == "h2r" and (not projection or t == "bias"):
                        continue
                    parts.append(params[_saved_name(layer, d, g, t, D == 2)].reshape(-1))
    return np.concatenate(parts)


def _size(mode, I, H, L, D, P):
    G = GATES[mode]
    R = P or H
    n = D * G * H * (I + R + 2) + (L - 1) * D * G * H * (R * D + R + 2)
    return n + (P * H * L * D if P else 0)


LAYER_CASES = [c for c in CASES if c["kind"] == "layer"]


@pytest.mark.parametrize("case", LAYER_CASES, ids=[c["name"] for c in LAYER_CASES])
def test_flat_vector_is_gluon_params_in_packing_order(case):
    """params_flat is what Gluon really handed to MXNet's RNN op; it must be
    the saved params: all weights, then all biases; per layer, l then r;
    i2h, h2h, h2r."""
    op = case["op"]
    L, D, P = op["num_layers"], 2 if op["bidirectional"] else 1, op["projection_size"]
    params = load(FIX / case["params_file"])
    with np.load(FIX / case["npz"]) as z:
        flat = z["params_flat"]
    assert flat.dtype == np.dtype(case["dtype"])
    packed = _pack_in_mxnet_order(params, L, D, P)
    assert packed.dtype == flat.dtype
    np.testing.assert_array_equal(packed, flat)
    assert flat.size == _size(op["mode"], op["input_size"], op["state_size"], L, D, P)
    assert case["flat_equals_documented_gluon_order"]
    assert case["direct_op_reproduces_layer_exactly"]


def test_packing_order_is_not_interleaved():
    """The fixture would catch a (layer, dir)-interleaved weights+biases order."""
    case = next(c for c in LAYER_CASES if c["name"] == "lstm_l2_bi_f64")
    params = load(FIX / case["params_file"])
    with np.load(FIX / case["npz"]) as z:
        flat = z["params_flat"]
    wrong = np.concatenate([params[_saved_name(l, d, g, t, True)].reshape(-1)
                            for l in range(2) for d in "lr"
                            for g, t in (("i2h", "weight"), ("h2h", "weight"),
                                         ("i2h", "bias"), ("h2h", "bias"))])
    assert wrong.size == flat.size and not np.array_equal(wrong, flat)


def test_known_flat_sizes():
    # I=4, H=6, L=2, D=2
    assert _size("lstm", 4, 6, 2, 2, None) == 1536
    assert _size("lstm", 4, 6, 2, 2, 3) == 1032
    assert _size("gru", 4, 6, 2, 2, None) == 1152
    assert _size("rnn_tanh", 4, 6, 2, 2, None) == 384


NPZ_CASES = [c for c in CASES if "npz" in c and "npz_arrays" in c]


@pytest.mark.parametrize("case", NPZ_CASES, ids=[c["name"] for c in NPZ_CASES])
def test_npz_contents_match_manifest(case):
    with np.load(FIX / case["npz"]) as z:
        assert sorted(z.files) == sorted(case["npz_arrays"])
        for k, meta in case["npz_arrays"].items():
            assert list(z[k].shape) == meta["shape"], k
            assert z[k].dtype == np.dtype(meta["dtype"]), k


# ---------------------------------------------------------------- writing

@pytest.mark.parametrize("fname", DENSE_FILES)
def test_rewriting_a_real_file_gives_identical_bytes(fname):
    raw = (FIX / fname).read_bytes()
    np_shape = struct.unpack_from("<I", raw, 24)[0] != ARRAY_MAGIC_V2 if len(raw) > 28 else False
    assert dumps(loads(raw), np_shape=np_shape) == raw


ALL_DTYPES = [np.float16, np.float32, np.float64, np.uint8, np.int8, np.int32,
              np.int64, np.bool_]


def test_round_trip_dict_and_list(tmp_path):
    rng = np.random.default_rng(0)
    named = {}
    for i, dt in enumerate(ALL_DTYPES):
        shape = [(3,), (2, 3), (1, 2, 3), (0,), (2, 0, 4), (4, 1, 1, 2), (5,), (2, 2)][i]
        named["a%d.%s" % (i, np.dtype(dt).name)] = (rng.uniform(-50, 50, shape)).astype(dt)
    named["ünïcode/name with spaces"] = np.arange(4, dtype=np.float32)
    p = tmp_path / "x.params"
    save(p, named)
    got = load(p)
    assert list(got) == list(named)
    for k, v in named.items():
        assert got[k].dtype == v.dtype and got[k].shape == v.shape
        np.testing.assert_array_equal(got[k], v)

    lst = [np.ones((2, 2), np.float64), np.arange(3, dtype=np.int64)]
    save(str(tmp_path / "y.nd"), lst)
    back = load(tmp_path / "y.nd")
    assert isinstance(back, list) and len(back) == 2
    np.testing.assert_array_equal(back[1], lst[1])
    assert load(dumps([])) == [] and load(dumps({})) == []


def test_writer_handles_non_contiguous_and_big_endian():
    a = np.arange(12, dtype=np.float64).reshape(3, 4)
    got = loads(dumps({"t": a.T, "be": a.astype(">f8"), "s": a[:, ::2]}))
    np.testing.assert_array_equal(got["t"], a.T)
    np.testing.assert_array_equal(got["be"], a)
    assert got["be"].dtype == np.float64
    np.testing.assert_array_equal(got["s"], a[:, ::2])


def test_writer_header_bytes():
    raw = dumps({"w": np.array([1.0, 2.0], np.float32)})
    assert struct.unpack_from("<QQQ", raw, 0) == (LIST_MAGIC, 0, 1)
    assert struct.unpack_from("<IiiqiiI", raw, 24) == (ARRAY_MAGIC_V2, 0, 1, 2, 1, 0, 0)
    assert raw.endswith(struct.pack("<QQ", 1, 1) + b"w")


@pytest.mark.parametrize("bad", [np.array([1 + 2j]), np.array([1], np.uint16),
                                 np.array(["a"]), np.array([None], dtype=object),
                                 np.array([1], np.uint64)])
def test_writer_refuses_unsupported_dtypes(bad):
    with pytest.raises(ValueError, match="dtype"):
        dumps({"x": bad})


def test_writer_refuses_scalars_without_np_shape_and_bad_names():
    with pytest.raises(ValueError, match="0-d"):
        dumps({"s": np.float32(1.0)})
    got = loads(dumps({"s": np.float32(1.5)}, np_shape=True))
    assert got["s"].shape == () and got["s"] == 1.5
    with pytest.raises(ValueError):
        dumps({1: np.zeros(1)})
    with pytest.raises(ValueError):
        dumps(np.zeros(3))


# -------------------------------------------------- corrupt and truncated

def _hdr(count):
    return struct.pack("<QQQ", LIST_MAGIC, 0, count)


def _arr(shape, flag=0, data=None, magic=ARRAY_MAGIC_V2, stype=0):
    out = struct.pack("<Iii", magic, stype, len(shape)) + struct.pack("<%dq" % len(shape), *shape)
    out += struct.pack("<iii", 1, 0, flag)
    return out + (data if data is not None else b"")


def _names(*names):
    out = struct.pack("<Q", len(names))
    for n in names:
        out += struct.pack("<Q", len(n)) + n
    return out


@pytest.mark.parametrize("fname", ["cell_rnn_tanh.params", "unnamed_list.nd",
                                   "np_shape.nd", "dtypes.nd"])
def test_every_truncation_is_a_value_error(fname):
    raw = (FIX / fname).read_bytes()
    for n in range(len(raw)):
        with pytest.raises(ValueError) as err:
            loads(raw[:n], source=fname)
        assert fname in str(err.value)


def test_truncation_of_a_big_file_names_the_file(tmp_path):
    raw = (FIX / "lstm_l2_bi_f64.params").read_bytes()
    for n in list(range(0, 200)) + list(range(200, len(raw), 97)):
        p = tmp_path / "cut.params"
        p.write_bytes(raw[:n])
        with pytest.raises(ValueError, match="cut.params"):
            load(p)


def test_random_corruption_never_escapes_as_another_error():
    rng = np.random.default_rng(7)
    for fname in ("cell_lstm.params", "dtypes.nd", "np_shape.nd", "lstm_proj_l2_bi_f32.params"):
        raw = bytearray((FIX / fname).read_bytes())
        for _ in range(300):
            bad = bytearray(raw)
            for pos in rng.integers(0, len(bad), size=rng.integers(1, 4)):
                bad[pos] = int(rng.integers(0, 256))
            try:
                loads(bytes(bad), source=fname)
            except ValueError:
                pass


def test_wrong_file_magic():
    raw = bytearray((FIX / "cell_gru.params").read_bytes())
    raw[0] = 0x13
    with pytest.raises(ValueError, match="not an MXNet NDArray file"):
        loads(bytes(raw))
    with pytest.raises(ValueError, match="too short"):
        loads(b"\x12\x01")


def test_huge_claimed_sizes_are_refused_without_allocating():
    # a count no file could hold
    with pytest.raises(ValueError, match="claims"):
        loads(_hdr(2 ** 63) + b"\0" * 16)
    # a shape of 2**31 x 2**31 float64 with no data behind it
    with pytest.raises(ValueError, match="needs"):
        loads(_hdr(1) + _arr((2 ** 31, 2 ** 31), flag=1) + _names(b"w"))
    # an ndim of 2**30
    raw = _hdr(1) + struct.pack("<Iii", ARRAY_MAGIC_V2, 0, 2 ** 30)
    with pytest.raises(ValueError, match="dimensions"):
        loads(raw)
    # a name length of 2**62
    raw = _hdr(1) + _arr((1,), data=b"\0" * 4) + struct.pack("<QQ", 1, 2 ** 62)
    with pytest.raises(ValueError, match="name #0"):
        loads(raw)


def test_unknown_dtype_flag():
    for flag in (8, 12, 99, -1):
        with pytest.raises(ValueError, match="unknown dtype flag %d" % flag):
            loads(_hdr(1) + _arr((2,), flag=flag, data=b"\0" * 16) + _names(b"w"),
                  source="f.params")


def test_other_structural_errors():
    one = _arr((1,), data=b"\0" * 4)
    with pytest.raises(ValueError, match="unknown storage type"):
        loads(_hdr(1) + _arr((1,), stype=5, data=b"\0" * 4) + _names(b"w"))
    with pytest.raises(ValueError, match="known NDArray magic"):
        loads(_hdr(1) + struct.pack("<I", 0xDEADBEEF) + b"\0" * 40)
    with pytest.raises(ValueError, match="negative"):
        loads(_hdr(1) + _arr((-1, 2), data=b"") + _names(b"w"))
    with pytest.raises(ValueError, match="2 names for 1 arrays"):
        loads(_hdr(1) + one + _names(b"a", b"b"))
    with pytest.raises(ValueError, match="unexpected bytes"):
        loads(_hdr(1) + one + _names(b"a") + b"\0")
    with pytest.raises(ValueError, match="UTF-8"):
        loads(_hdr(1) + one + _names(b"\xff\xfe"))
    with pytest.raises(ValueError, match="appears twice"):
        loads(_hdr(2) + one + one + _names(b"a", b"a"))
    with pytest.raises(ValueError, match="placeholder"):
        loads(_hdr(1) + struct.pack("<Iii", ARRAY_MAGIC_V2, 0, 0) + _names(b"a"))


def test_a_directory_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="directory"):
        load(tmp_path)


def test_older_array_layouts():
    """Two layouts older than 1.x, built by hand from the format's history:
    magic 0xF993FAC8 (u32 ndim, i64 dims, no storage type) and the oldest,
    whose first u32 is the ndim (u32 dims)."""
    data = np.arange(6, dtype=np.float32).tobytes()
    v1 = struct.pack("<II2q", 0xF993FAC8, 2, 2, 3) + struct.pack("<iii", 1, 0, 0) + data
    oldest = struct.pack("<I2I", 2, 3, 2) + struct.pack("<iii", 1, 0, 0) + data
    got = loads(_hdr(2) + v1 + oldest + _names(b"a", b"b"))
    np.testing.assert_array_equal(got["a"], np.arange(6, dtype=np.float32).reshape(2, 3))
    np.testing.assert_array_equal(got["b"], np.arange(6, dtype=np.float32).reshape(3, 2))
