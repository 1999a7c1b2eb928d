"""Tests of the pure-NumPy reference engine (fusedrnn.params, fusedrnn.philox,
fusedrnn.reference). Every expected value here is derived by hand from the
equations in docs/c-api.md, or is a published known answer."""

import math
import time

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from fusedrnn.params import (param_layout, param_size, pack_params,
                             unpack_params, num_gates)
from fusedrnn.philox import (philox4x32_10, dropout_keep, dropout_keep_mask,
                             seed_to_key)
from fusedrnn.reference import rnn


MODES = ["rnn_relu", "rnn_tanh", "lstm", "gru"]


def sig(v):
    return 1.0 / (1.0 + math.exp(-v))


def random_params(rng, *, input_size, state_size, num_layers, mode,
                  bidirectional=False, projection_size=None, scale=0.5):
    cfg = dict(input_size=input_size, state_size=state_size,
               num_layers=num_layers, mode=mode, bidirectional=bidirectional,
               projection_size=projection_size)
    d = {name: rng.uniform(-scale, scale, size=shape)
         for name, shape, _ in param_layout(**cfg)}
    return d, pack_params(d, **cfg)


def sub_layer_params(d, layer, *, new_layer=0, dirs="lr", rename=None):
    """Take the parameters of one layer out of a multi-layer dict, renamed as
    layer `new_layer`; rename maps direction letters (e.g. {'r': 'l'})."""
    rename = rename or {}
    out = {}
    for name, value in d.items():
        dir_, rest = name[0], name[1:]
        lay, _, tail = rest.partition("_")
        if int(lay) == layer and dir_ in dirs:
            out[f"{rename.get(dir_, dir_)}{new_layer}_{tail}"] = value
    return out


# ---------------------------------------------------------------------------
# params
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode,proj,expected", [
    ("lstm", None, 1536), ("lstm", 3, 1032), ("gru", None, 1152),
    ("rnn_tanh", None, 384), ("rnn_relu", None, 384),
])
def test_param_size_known_values(mode, proj, expected):
    assert param_size(4, 6, 2, mode, True, proj) == expected
    layout = param_layout(4, 6, 2, mode, bidirectional=True,
                          projection_size=proj)
    name, shape, offset = layout[-1]
    assert offset + int(np.prod(shape)) == expected


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("L", [1, 3])
@pytest.mark.parametrize("bi", [False, True])
def test_param_size_formula(mode, L, bi):
    I, H, G, D = 5, 7, num_gates(mode), 2 if bi else 1
    R = H
    expected = D * G * H * (I + R + 2) + (L - 1) * D * G * H * (R * D + R + 2)
    assert param_size(I, H, L, mode, bi) == expected
    if mode == "lstm":
        P = 3
        R = P
        expected = (D * G * H * (I + R + 2) + (L - 1) * D * G * H * (R * D + R + 2)
                    + P * H * L * D)
        assert param_size(I, H, L, mode, bi, P) == expected


def test_param_layout_order():
    layout = param_layout(3, 4, 2, "lstm", bidirectional=True, projection_size=2)
    names = [n for n, _, _ in layout]
    assert names == [
        "l0_i2h_weight", "l0_h2h_weight", "l0_h2r_weight",
        "r0_i2h_weight", "r0_h2h_weight", "r0_h2r_weight",
        "l1_i2h_weight", "l1_h2h_weight", "l1_h2r_weight",
        "r1_i2h_weight", "r1_h2h_weight", "r1_h2r_weight",
        "l0_i2h_bias", "l0_h2h_bias", "r0_i2h_bias", "r0_h2h_bias",
        "l1_i2h_bias", "l1_h2h_bias", "r1_i2h_bias", "r1_h2h_bias",
    ]
    shapes = {n: s for n, s, _ in layout}
    assert shapes["l0_i2h_weight"] == (16, 3)
    assert shapes["l0_h2h_weight"] == (16, 2)
    assert shapes["l0_h2r_weight"] == (2, 4)
    assert shapes["r1_i2h_weight"] == (16, 4)  # D*R = 2*2
    assert shapes["r1_h2h_bias"] == (16,)
    # offsets are contiguous
    pos = 0
    for _, shape, offset in layout:
        assert offset == pos
        pos += int(np.prod(shape))


def test_param_layout_unidirectional_gru():
    names = [n for n, _, _ in param_layout(3, 4, 2, "gru")]
    assert names == ["l0_i2h_weight", "l0_h2h_weight", "l1_i2h_weight",
                     "l1_h2h_weight", "l0_i2h_bias", "l0_h2h_bias",
                     "l1_i2h_bias", "l1_h2h_bias"]


@pytest.mark.parametrize("kwargs,match", [
    (dict(mode="lstmx"), "mode"),
    (dict(state_size=0), "state_size"),
    (dict(num_layers=0), "num_layers"),
    (dict(input_size=-1), "input_size"),
    (dict(mode="gru", projection_size=2), "projection_size"),
    (dict(projection_size=6), "projection_size"),
    (dict(projection_size=0), "projection_size"),
])
def test_param_layout_rejects_bad_config(kwargs, match):
    cfg = dict(input_size=4, state_size=6, num_layers=2, mode="lstm")
    cfg.update(kwargs)
    with pytest.raises(ValueError, match=match):
        param_layout(**cfg)


def test_param_layout_type_errors():
    with pytest.raises(TypeError, match="state_size"):
        param_size(4, 6.0, 1, "lstm")
    with pytest.raises(TypeError, match="mode"):
        param_size(4, 6, 1, 2)


@settings(max_examples=30, deadline=None)
@given(mode=st.sampled_from(MODES), I=st.integers(1, 5), H=st.integers(2, 5),
       L=st.integers(1, 3), bi=st.booleans(), use_proj=st.booleans(),
       seed=st.integers(0, 2**32 - 1))
def test_pack_unpack_round_trip(mode, I, H, L, bi, use_proj, seed):
    proj = 1 if (use_proj and mode == "lstm") else None
    cfg = dict(input_size=I, state_size=H, num_layers=L, mode=mode,
               bidirectional=bi, projection_size=proj)
    rng = np.random.default_rng(seed)
    d, flat = random_params(rng, **cfg)
    assert flat.shape == (param_size(I, H, L, mode, bi, proj),)
    back = unpack_params(flat, **cfg)
    assert list(back) == [n for n, _, _ in param_layout(**cfg)]
    for name in d:
        np.testing.assert_array_equal(back[name], d[name])
    np.testing.assert_array_equal(pack_params(back, **cfg), flat)
    # and flat -> dict -> flat with an arbitrary vector
    v = rng.standard_normal(flat.size)
    np.testing.assert_array_equal(pack_params(unpack_params(v, **cfg), **cfg), v)


def test_unpack_gives_views_and_pack_dtype():
    cfg = dict(input_size=2, state_size=3, num_layers=1, mode="gru")
    flat = np.arange(param_size(2, 3, 1, "gru"), dtype=np.float32)
    parts = unpack_params(flat, **cfg)
    assert parts["l0_i2h_weight"].base is not None
    offsets = {n: o for n, _, o in param_layout(**cfg)}
    parts["l0_h2h_bias"][0] = -1.0
    assert flat[offsets["l0_h2h_bias"]] == -1.0
    assert pack_params(parts, **cfg).dtype == np.float32
    assert pack_params(parts, dtype=np.float64, **cfg).dtype == np.float64
    ints = {k: np.zeros(v.shape, dtype=np.int32) for k, v in parts.items()}
    assert pack_params(ints, **cfg).dtype == np.float64


def test_pack_errors_name_key_expected_received():
    cfg = dict(input_size=2, state_size=3, num_layers=1, mode="rnn_tanh")
    d, _ = random_params(np.random.default_rng(0), **cfg)

    missing = dict(d)
    del missing["l0_h2h_bias"]
    with pytest.raises(ValueError, match="missing.*l0_h2h_bias"):
        pack_params(missing, **cfg)

    extra = dict(d, l0_h2r_weight=np.zeros((1, 3)))
    with pytest.raises(ValueError, match="unexpected.*l0_h2r_weight"):
        pack_params(extra, **cfg)

    bad = dict(d, l0_i2h_weight=np.zeros((3, 3)))
    with pytest.raises(ValueError) as exc:
        pack_params(bad, **cfg)
    msg = str(exc.value)
    assert "l0_i2h_weight" in msg and "(3, 2)" in msg and "(3, 3)" in msg


def test_unpack_errors():
    cfg = dict(input_size=2, state_size=3, num_layers=1, mode="rnn_tanh")
    n = param_size(2, 3, 1, "rnn_tanh")
    with pytest.raises(ValueError) as exc:
        unpack_params(np.zeros(n + 1), **cfg)
    msg = str(exc.value)
    assert "flat" in msg and str(n) in msg and str(n + 1) in msg
    with pytest.raises(ValueError, match="1-D"):
        unpack_params(np.zeros((1, n)), **cfg)


# ---------------------------------------------------------------------------
# Philox and the dropout stream
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("counter,key,expected", [
    ([0, 0, 0, 0], [0, 0],
     [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
    ([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0],
     [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]),
    ([0xFFFFFFFF] * 4, [0xFFFFFFFF] * 2,
     [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]),
])
def test_philox_known_answers(counter, key, expected):
    out = philox4x32_10(np.array(counter, dtype=np.uint32),
                        np.array(key, dtype=np.uint32))
    assert out.dtype == np.uint32
    assert out.tolist() == expected


def test_philox_vectorised_matches_single():
    rng = np.random.default_rng(1)
    ctr = rng.integers(0, 2**32, size=(3, 5, 4), dtype=np.uint64).astype(np.uint32)
    key = np.array([0x12345678, 0x9ABCDEF0], dtype=np.uint32)
    out = philox4x32_10(ctr, key)
    assert out.shape == (3, 5, 4)
    for idx in np.ndindex(3, 5):
        np.testing.assert_array_equal(out[idx], philox4x32_10(ctr[idx], key))


def test_philox_bad_args():
    with pytest.raises(ValueError, match="counter"):
        philox4x32_10(np.zeros(3, np.uint32), np.zeros(2, np.uint32))
    with pytest.raises(ValueError, match="key"):
        philox4x32_10(np.zeros(4, np.uint32), np.zeros(3, np.uint32))


def test_seed_to_key():
    assert seed_to_key(0x0123456789ABCDEF).tolist() == [0x89ABCDEF, 0x01234567]


def test_dropout_mask_definition():
    seed, layer, p = 0xDEADBEEF12345678, 2, 0.3
    T, N, C = 3, 4, 5
    mask = dropout_keep_mask(seed, layer, (T, N, C), p)
    assert mask.shape == (T, N, C) and mask.dtype == bool
    key = np.array([seed & 0xFFFFFFFF, seed >> 32], dtype=np.uint32)
    for t, n, j in np.ndindex(T, N, C):
        index = (t * N + n) * C + j
        x0 = philox4x32_10(np.array([index, 0, layer, 0], np.uint32), key)[0]
        assert mask[t, n, j] == (int(x0) / 2**32 >= p)
        assert mask[t, n, j] == dropout_keep(seed, layer, index, p)


def test_dropout_keep_high_index_word():
    # an index above 2**32 puts its high half in counter word 1
    index = (5 << 32) | 7
    x0 = philox4x32_10(np.array([7, 5, 1, 0], np.uint32),
                       np.array([9, 0], np.uint32))[0]
    assert dropout_keep(9, 1, index, 0.5) == (int(x0) / 2**32 >= 0.5)


def test_dropout_mask_properties():
    shape = (20, 50, 100)
    assert dropout_keep_mask(7, 0, shape, 0.0).all()
    for p in (0.1, 0.5, 0.9):
        frac = dropout_keep_mask(7, 0, shape, p).mean()
        assert abs(frac - (1 - p)) < 0.01
    a = dropout_keep_mask(7, 0, shape, 0.5)
    assert (a != dropout_keep_mask(7, 1, shape, 0.5)).mean() > 0.4
    assert (a != dropout_keep_mask(8, 0, shape, 0.5)).mean() > 0.4
    np.testing.assert_array_equal(a, dropout_keep_mask(7, 0, shape, 0.5))
    # nested thresholds: what p=0.5 keeps, p=0.3 keeps too
    assert not (a & ~dropout_keep_mask(7, 0, shape, 0.3)).any()
    # the logical index is row-major over (T, N, C): a reshape that keeps
    # the element count and order gives the same flat stream
    np.testing.assert_array_equal(
        a.reshape(-1), dropout_keep_mask(7, 0, (1, 1, a.size), 0.5).reshape(-1))


@pytest.mark.parametrize("p", [-0.1, 1.0, float("nan")])
def test_dropout_mask_rejects_p(p):
    with pytest.raises(ValueError, match="p"):
        dropout_keep_mask(0, 0, (1, 1, 1), p)


# ---------------------------------------------------------------------------
# reference: golden and hand-computed cases
# ---------------------------------------------------------------------------

def test_mxnet_golden_lstm_6_layers_bidirectional():
    # MXNet's test_lstm_cpu_inference: gluon.rnn.LSTM(2, num_layers=6,
    # bidirectional=True).initialize(mx.init.One()). The Gluon layer's bias
    # initializers are 'zeros', which take precedence over the global
    # init.One(), so the weights are 1 and the biases 0.
    cfg = dict(input_size=2, state_size=2, num_layers=6, mode="lstm",
               bidirectional=True)
    d = {n: (np.ones(s) if n.endswith("weight") else np.zeros(s))
         for n, s, _ in param_layout(**cfg)}
    flat = pack_params(d, **cfg)
    out = rnn(np.ones((2, 2, 2)), flat, state_size=2, num_layers=6,
              mode="lstm", bidirectional=True)
    a, b = 0.72045636, 0.95215213
    expected = np.array([[[a, a, b, b]] * 2, [[b, b, a, a]] * 2])
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-7)
    assert out.dtype == np.float64


def one_layer(mode, weights, x, h0=None, c0=None, **kw):
    """Run a 1-layer unidirectional net on one step; weights is the
    (i2h_weight, h2h_weight, i2h_bias, h2h_bias[, h2r_weight]) tuple."""
    Wi, Wh, bi, bh = (np.asarray(v, dtype=float) for v in weights[:4])
    I, H = Wi.shape[1], Wi.shape[0] // num_gates(mode)
    d = {"l0_i2h_weight": Wi, "l0_h2h_weight": Wh,
         "l0_i2h_bias": bi, "l0_h2h_bias": bh}
    proj = None
    if len(weights) > 4:
        d["l0_h2r_weight"] = np.asarray(weights[4], dtype=float)
        proj = d["l0_h2r_weight"].shape[0]
    flat = pack_params(d, input_size=I, state_size=H, num_layers=1, mode=mode,
                       projection_size=proj)
    x = np.asarray(x, dtype=float).reshape(1, 1, I)
    R = proj or H
    state = None if h0 is None else np.asarray(h0, float).reshape(1, 1, R)
    cell = None if c0 is None else np.asarray(c0, float).reshape(1, 1, H)
    return rnn(x, flat, state, cell, state_size=H, num_layers=1, mode=mode,
               projection_size=proj, state_outputs=True, **kw)


def test_hand_rnn_tanh():
    # I=2, H=1: h' = tanh(w.x + bi + u*h + bh)
    out, hy = one_layer("rnn_tanh", ([[0.5, -1.0]], [[2.0]], [0.1], [0.2]),
                        [1.0, 0.25], h0=[0.3])
    pre = 0.5 * 1.0 - 1.0 * 0.25 + 0.1 + 2.0 * 0.3 + 0.2
    assert out[0, 0, 0] == pytest.approx(math.tanh(pre), abs=1e-15)
    assert hy[0, 0, 0] == out[0, 0, 0]


def test_hand_rnn_relu():
    # two units, one with a negative pre-activation (clamped to 0)
    Wi = [[1.0], [-2.0]]
    Wh = [[0.5, 0.0], [0.0, 0.5]]
    out, hy = one_layer("rnn_relu", (Wi, Wh, [0.1, 0.1], [0.0, -0.3]),
                        [1.5], h0=[0.2, 0.4])
    u0 = 1.5 + 0.1 + 0.5 * 0.2
    u1 = -3.0 + 0.1 + 0.5 * 0.4 - 0.3
    assert out[0, 0].tolist() == pytest.approx([max(u0, 0), max(u1, 0)], abs=1e-15)
    assert out[0, 0, 1] == 0.0


def test_hand_gru_b_hn_inside_reset():
    # I=1, H=1; gate rows r, z, n
    Wi = [[1.0], [0.5], [0.2]]
    Wh = [[-1.0], [0.3], [1.5]]
    bi = [0.1, -0.2, -0.3]
    bh = [0.2, 0.1, 0.7]
    x, h = 1.0, 0.5
    out, hy = one_layer("gru", (Wi, Wh, bi, bh), [x], h0=[h])
    r = sig(1.0 * x + 0.1 + -1.0 * h + 0.2)
    z = sig(0.5 * x - 0.2 + 0.3 * h + 0.1)
    n = math.tanh(0.2 * x - 0.3 + r * (1.5 * h + 0.7))
    expected = (1 - z) * n + z * h
    assert out[0, 0, 0] == pytest.approx(expected, abs=1e-15)
    assert hy[0, 0, 0] == out[0, 0, 0]
    # r is far from 1 here, so the placement of b_hn matters
    assert abs(r - 1) > 0.2
    n_outside = math.tanh(0.2 * x - 0.3 + r * (1.5 * h) + 0.7)
    assert abs(((1 - z) * n_outside + z * h) - expected) > 1e-2


def test_hand_gru_reset_after_matmul():
    # I=1, H=2 with a non-diagonal W_hn: r * (W_hn h) differs from W_hn (r * h)
    Wi = [[0.3], [-0.2], [0.1], [0.4], [0.5], [-0.6]]
    Wh = [[0.2, -0.4], [0.5, 0.1], [0.3, 0.3], [-0.2, 0.6],
          [0.9, -0.8], [-0.7, 1.1]]
    bi = [2.0, -2.0, 0.0, 0.2, 0.05, -0.05]
    bh = [0.0, 0.3, -0.2, 0.1, 0.25, 0.15]
    x, h = 0.8, [0.6, -0.9]

    def pre(k):
        return Wi[k][0] * x + bi[k], Wh[k][0] * h[0] + Wh[k][1] * h[1] + bh[k]

    out, hy = one_layer("gru", (Wi, Wh, bi, bh), [x], h0=h)
    expected, before = [], []
    for u in range(2):
        r = sig(sum(pre(0 + u)))
        z = sig(sum(pre(2 + u)))
        a_in, a_hn = pre(4 + u)
        n = math.tanh(a_in + r * a_hn)
        expected.append((1 - z) * n + z * h[u])
        # "reset before matmul" (the original GRU), for contrast
        rs = [sig(sum(pre(0))), sig(sum(pre(1)))]
        a_hn_before = (Wh[4 + u][0] * rs[0] * h[0] + Wh[4 + u][1] * rs[1] * h[1]
                       + bh[4 + u])
        before.append((1 - z) * math.tanh(a_in + a_hn_before) + z * h[u])
    assert out[0, 0].tolist() == pytest.approx(expected, abs=1e-15)
    assert max(abs(a - b) for a, b in zip(expected, before)) > 1e-2


def test_hand_lstm():
    # I=1, H=1; gate rows i, f, g, o
    Wi = [[0.5], [-0.5], [1.0], [0.25]]
    Wh = [[0.1], [0.2], [-0.3], [0.4]]
    bi = [0.0, 1.0, 0.0, 0.0]
    bh = [0.1, 0.0, -0.1, 0.2]
    x, h, c = 2.0, 0.5, -0.7
    out, hy, cy = one_layer("lstm", (Wi, Wh, bi, bh), [x], h0=[h], c0=[c])
    i = sig(0.5 * x + 0.1 * h + 0.1)
    f = sig(-0.5 * x + 1.0 + 0.2 * h)
    g = math.tanh(1.0 * x - 0.3 * h - 0.1)
    o = sig(0.25 * x + 0.4 * h + 0.2)
    c1 = f * c + i * g
    h1 = o * math.tanh(c1)
    assert cy[0, 0, 0] == pytest.approx(c1, abs=1e-15)
    assert out[0, 0, 0] == pytest.approx(h1, abs=1e-15)
    assert hy[0, 0, 0] == out[0, 0, 0]


def test_hand_lstm_projection():
    # I=1, H=2, P=1: the recurrent input and output are r = W_hr h (size 1)
    Wi = np.array([[0.5], [0.1], [-0.5], [0.2], [1.0], [-1.0], [0.25], [0.3]])
    Wh = np.array([[0.1], [0.2], [0.2], [-0.1], [-0.3], [0.4], [0.4], [0.0]])
    bi = np.array([0.0, 0.1, 1.0, 1.0, 0.0, 0.2, 0.0, -0.1])
    bh = np.array([0.1, 0.0, 0.0, 0.3, -0.1, 0.0, 0.2, 0.0])
    Whr = np.array([[0.7, -1.2]])
    x, r0, c0 = 1.5, 0.4, [0.2, -0.6]
    out, hy, cy = one_layer("lstm", (Wi, Wh, bi, bh, Whr), [x], h0=[r0], c0=c0)
    assert out.shape == (1, 1, 1) and hy.shape == (1, 1, 1) and cy.shape == (1, 1, 2)
    pre = [Wi[k, 0] * x + Wh[k, 0] * r0 + bi[k] + bh[k] for k in range(8)]
    h_full, c_new = [], []
    for u in range(2):
        i = sig(pre[0 + u])
        f = sig(pre[2 + u])
        g = math.tanh(pre[4 + u])
        o = sig(pre[6 + u])
        c1 = f * c0[u] + i * g
        c_new.append(c1)
        h_full.append(o * math.tanh(c1))
    r1 = 0.7 * h_full[0] - 1.2 * h_full[1]
    assert cy[0, 0].tolist() == pytest.approx(c_new, abs=1e-15)
    assert out[0, 0, 0] == pytest.approx(r1, abs=1e-15)
    assert hy[0, 0, 0] == out[0, 0, 0]


LSTM1 = ([[0.5], [-0.5], [1.0], [0.25]], [[0.1], [0.2], [-0.3], [0.4]],
         [0.0, 1.0, 0.0, 0.0], [0.1, 0.0, -0.1, 0.2])


def lstm1_expected(x, h, c, lo=None, hi=None):
    i = sig(0.5 * x + 0.1 * h + 0.1)
    f = sig(-0.5 * x + 1.0 + 0.2 * h)
    g = math.tanh(1.0 * x - 0.3 * h - 0.1)
    o = sig(0.25 * x + 0.4 * h + 0.2)
    c1 = f * c + i * g
    if lo is not None:
        c1 = min(max(c1, lo), hi)
    return o * math.tanh(c1), c1, o


@pytest.mark.parametrize("clip_nan", [False, True])
def test_hand_lstm_clipping(clip_nan):
    x, h, c = 2.0, 0.5, 3.0
    _, c_unclipped, _ = lstm1_expected(x, h, c)
    assert c_unclipped > 1.0
    lo, hi = -0.5, 0.75
    out, hy, cy = one_layer("lstm", LSTM1, [x], h0=[h], c0=[c],
                            lstm_state_clip_min=lo, lstm_state_clip_max=hi,
                            lstm_state_clip_nan=clip_nan)
    h1, c1, _ = lstm1_expected(x, h, c, lo, hi)
    assert cy[0, 0, 0] == hi
    assert out[0, 0, 0] == pytest.approx(h1, abs=1e-15)
    # lower bound
    out, hy, cy = one_layer("lstm", LSTM1, [x], h0=[h], c0=[-30.0],
                            lstm_state_clip_min=lo, lstm_state_clip_max=hi,
                            lstm_state_clip_nan=clip_nan)
    assert cy[0, 0, 0] == lo
    h1, _, _ = lstm1_expected(x, h, -30.0, lo, hi)
    assert out[0, 0, 0] == pytest.approx(h1, abs=1e-15)


def test_lstm_clip_nan_false_propagates_nan():
    out, hy, cy = one_layer("lstm", LSTM1, [2.0], h0=[0.5], c0=[np.nan],
                            lstm_state_clip_min=-1.0, lstm_state_clip_max=1.0,
                            lstm_state_clip_nan=False)
    assert np.isnan(cy[0, 0, 0]) and np.isnan(out[0, 0, 0])


def test_lstm_clip_nan_true_maps_nan_to_min():
    lo, hi = -0.25, 1.0
    out, hy, cy = one_layer("lstm", LSTM1, [2.0], h0=[0.5], c0=[np.nan],
                            lstm_state_clip_min=lo, lstm_state_clip_max=hi,
                            lstm_state_clip_nan=True)
    assert cy[0, 0, 0] == lo
    _, _, o = lstm1_expected(2.0, 0.5, 0.0)
    assert out[0, 0, 0] == pytest.approx(o * math.tanh(lo), abs=1e-15)


def test_clip_nan_ignored_without_clip():
    out, hy, cy = one_layer("lstm", LSTM1, [2.0], h0=[0.5], c0=[np.nan],
                            lstm_state_clip_nan=True)
    assert np.isnan(cy[0, 0, 0])


def test_clip_over_two_steps_uses_clamped_state():
    # the clamped c is what the next step sees
    cfg = dict(state_size=1, num_layers=1, mode="lstm")
    d = {"l0_i2h_weight": np.array(LSTM1[0]), "l0_h2h_weight": np.array(LSTM1[1]),
         "l0_i2h_bias": np.array(LSTM1[2]), "l0_h2h_bias": np.array(LSTM1[3])}
    flat = pack_params(d, input_size=1, **cfg)
    x = np.array([2.0, 1.0]).reshape(2, 1, 1)
    out, hy, cy = rnn(x, flat, np.full((1, 1, 1), 0.5), np.full((1, 1, 1), 3.0),
                      state_outputs=True, lstm_state_clip_min=-0.5,
                      lstm_state_clip_max=0.75, **cfg)
    h1, c1, _ = lstm1_expected(2.0, 0.5, 3.0, -0.5, 0.75)
    h2, c2, _ = lstm1_expected(1.0, h1, c1, -0.5, 0.75)
    assert out[:, 0, 0].tolist() == pytest.approx([h1, h2], abs=1e-15)
    assert cy[0, 0, 0] == pytest.approx(c2, abs=1e-15)


# ---------------------------------------------------------------------------
# reference: structure (directions, lengths, layouts, dropout)
# ---------------------------------------------------------------------------

def test_bidirectional_reverse_reads_backwards():
    # the reverse direction equals the forward engine on the reversed sequence
    rng = np.random.default_rng(3)
    T, N, I, H = 5, 2, 3, 4
    for mode in MODES:
        cfg = dict(input_size=I, state_size=H, num_layers=1, mode=mode)
        d, flat = random_params(rng, bidirectional=True, **cfg)
        x = rng.standard_normal((T, N, I))
        h0 = rng.standard_normal((2, N, H))
        kw = dict(state_size=H, num_layers=1, mode=mode, state_outputs=True)
        cell = rng.standard_normal((2, N, H)) if mode == "lstm" else None
        res = rnn(x, flat, h0, cell, bidirectional=True, **kw)
        fwd = pack_params(sub_layer_params(d, 0, dirs="l"), **cfg)
        rev = pack_params(sub_layer_params(d, 0, dirs="r", rename={"r": "l"}), **cfg)
        rf = rnn(x, fwd, h0[:1], None if cell is None else cell[:1], **kw)
        rr = rnn(x[::-1], rev, h0[1:], None if cell is None else cell[1:], **kw)
        np.testing.assert_allclose(res[0][:, :, :H], rf[0], rtol=0, atol=1e-14)
        np.testing.assert_allclose(res[0][:, :, H:], rr[0][::-1], rtol=0, atol=1e-14)
        np.testing.assert_allclose(res[1], np.concatenate([rf[1], rr[1]]),
                                   rtol=0, atol=1e-14)
        if mode == "lstm":
            np.testing.assert_allclose(res[2], np.concatenate([rf[2], rr[2]]),
                                       rtol=0, atol=1e-14)


@pytest.mark.parametrize("mode", MODES)
def test_variable_lengths_match_per_sequence_runs(mode):
    # each sequence equals running the engine on its valid prefix alone; the
    # reverse direction runs over the reversed valid prefix
    rng = np.random.default_rng(4)
    T, N, I, H = 6, 4, 3, 4
    cfg = dict(input_size=I, state_size=H, num_layers=1, mode=mode)
    d, flat = random_params(rng, bidirectional=True, **cfg)
    lengths = np.array([6, 4, 1, 3])
    x = rng.standard_normal((T, N, I))
    h0 = rng.standard_normal((2, N, H))
    cell = rng.standard_normal((2, N, H)) if mode == "lstm" else None
    kw = dict(state_size=H, num_layers=1, mode=mode, state_outputs=True)
    res = rnn(x, flat, h0, cell, lengths, bidirectional=True,
              use_sequence_length=True, **kw)
    fwd = pack_params(sub_layer_params(d, 0, dirs="l"), **cfg)
    rev = pack_params(sub_layer_params(d, 0, dirs="r", rename={"r": "l"}), **cfg)
    for b, n in enumerate(lengths):
        xb = x[:n, b:b + 1]
        cf = None if cell is None else cell[0:1, b:b + 1]
        cr = None if cell is None else cell[1:2, b:b + 1]
        rf = rnn(xb, fwd, h0[0:1, b:b + 1], cf, **kw)
        rr = rnn(xb[::-1], rev, h0[1:2, b:b + 1], cr, **kw)
        np.testing.assert_allclose(res[0][:n, b, :H], rf[0][:, 0], rtol=0, atol=1e-14)
        np.testing.assert_allclose(res[0][:n, b, H:], rr[0][::-1, 0], rtol=0, atol=1e-14)
        assert (res[0][n:, b] == 0).all()
        np.testing.assert_allclose(res[1][0, b], rf[1][0, 0], rtol=0, atol=1e-14)
        np.testing.assert_allclose(res[1][1, b], rr[1][0, 0], rtol=0, atol=1e-14)
        if mode == "lstm":
            np.testing.assert_allclose(res[2][0, b], rf[2][0, 0], rtol=0, atol=1e-14)
            np.testing.assert_allclose(res[2][1, b], rr[2][0, 0], rtol=0, atol=1e-14)


@pytest.mark.parametrize("mode", MODES)
def test_nan_in_padding_does_not_leak(mode):
    rng = np.random.default_rng(5)
    T, N, I, H, L = 5, 3, 2, 3, 3
    cfg = dict(input_size=I, state_size=H, num_layers=L, mode=mode,
               bidirectional=True)
    _, flat = random_params(rng, **cfg)
    lengths = np.array([2, 5, 0])
    x = rng.standard_normal((T, N, I))
    padded = x.copy()
    for b, n in enumerate(lengths):
        padded[n:, b] = np.nan
    zeroed = np.where(np.isnan(padded), 0.0, padded)
    kw = dict(state_size=H, num_layers=L, mode=mode, bidirectional=True,
              use_sequence_length=True, state_outputs=True, training=True,
              p=0.3, seed=11)
    a = rnn(padded, flat, sequence_length=lengths, **kw)
    b = rnn(zeroed, flat, sequence_length=lengths, **kw)
    for u, v in zip(a, b):
        assert np.isfinite(u).all()
        np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("mode", MODES)
def test_length_zero(mode):
    rng = np.random.default_rng(6)
    T, N, I, H, L = 3, 2, 2, 3, 2
    cfg = dict(input_size=I, state_size=H, num_layers=L, mode=mode,
               bidirectional=True)
    _, flat = random_params(rng, **cfg)
    x = rng.standard_normal((T, N, I))
    h0 = rng.standard_normal((2 * L, N, H))
    cell = rng.standard_normal((2 * L, N, H)) if mode == "lstm" else None
    res = rnn(x, flat, h0, cell, np.array([0, 3]), state_size=H, num_layers=L,
              mode=mode, bidirectional=True, use_sequence_length=True,
              state_outputs=True)
    assert (res[0][:, 0] == 0).all()
    assert np.abs(res[0][:, 1]).sum() > 0
    np.testing.assert_array_equal(res[1][:, 0], h0[:, 0])
    if mode == "lstm":
        np.testing.assert_array_equal(res[2][:, 0], cell[:, 0])
    # all lengths 0
    res = rnn(x, flat, h0, cell, np.zeros(N, dtype=np.int64), state_size=H,
              num_layers=L, mode=mode, bidirectional=True,
              use_sequence_length=True, state_outputs=True)
    assert (res[0] == 0).all()
    np.testing.assert_array_equal(res[1], h0)


def test_full_lengths_equal_no_lengths():
    rng = np.random.default_rng(7)
    cfg = dict(input_size=3, state_size=4, num_layers=2, mode="gru",
               bidirectional=True)
    _, flat = random_params(rng, **cfg)
    x = rng.standard_normal((4, 3, 3))
    kw = dict(state_size=4, num_layers=2, mode="gru", bidirectional=True,
              state_outputs=True)
    a = rnn(x, flat, **kw)
    b = rnn(x, flat, sequence_length=np.array([4, 4, 4]),
            use_sequence_length=True, **kw)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("mode", MODES)
def test_ntc_equals_transposed_tnc(mode):
    rng = np.random.default_rng(8)
    T, N, I, H, L = 4, 3, 2, 3, 2
    proj = 2 if mode == "lstm" else None
    cfg = dict(input_size=I, state_size=H, num_layers=L, mode=mode,
               bidirectional=True, projection_size=proj)
    _, flat = random_params(rng, **cfg)
    x = rng.standard_normal((T, N, I))
    lengths = np.array([4, 2, 3])
    kw = dict(state_size=H, num_layers=L, mode=mode, bidirectional=True,
              projection_size=proj, state_outputs=True, use_sequence_length=True,
              training=True, p=0.4, seed=5)
    a = rnn(x, flat, sequence_length=lengths, **kw)
    b = rnn(x.transpose(1, 0, 2), flat, sequence_length=lengths, layout="NTC", **kw)
    np.testing.assert_array_equal(a[0], b[0].transpose(1, 0, 2))
    for u, v in zip(a[1:], b[1:]):
        np.testing.assert_array_equal(u, v)


def test_dropout_inference_is_noop():
    rng = np.random.default_rng(9)
    cfg = dict(input_size=3, state_size=4, num_layers=3, mode="lstm",
               bidirectional=True)
    _, flat = random_params(rng, **cfg)
    x = rng.standard_normal((5, 2, 3))
    kw = dict(state_size=4, num_layers=3, mode="lstm", bidirectional=True,
              state_outputs=True)
    base = rnn(x, flat, **kw)
    for u, v in zip(base, rnn(x, flat, p=0.5, training=False, **kw)):
        np.testing.assert_array_equal(u, v)
    for u, v in zip(base, rnn(x, flat, p=0.0, training=True, **kw)):
        np.testing.assert_array_equal(u, v)
    # training changes the output
    assert not np.array_equal(base[0], rnn(x, flat, p=0.5, training=True, **kw)[0])


def test_dropout_single_layer_is_noop():
    rng = np.random.default_rng(10)
    cfg = dict(input_size=3, state_size=4, num_layers=1, mode="gru")
    _, flat = random_params(rng, **cfg)
    x = rng.standard_normal((5, 2, 3))
    kw = dict(state_size=4, num_layers=1, mode="gru")
    np.testing.assert_array_equal(rnn(x, flat, **kw),
                                  rnn(x, flat, p=0.7, training=True, seed=3, **kw))


@pytest.mark.parametrize("mode", ["lstm", "rnn_tanh"])
def test_dropout_training_matches_explicit_mask(mode):
    # run each layer alone and apply the Philox mask by hand between them
    rng = np.random.default_rng(12)
    T, N, I, H, L, p, seed = 4, 3, 2, 3, 3, 0.4, 2024
    proj = 2 if mode == "lstm" else None
    R = proj or H
    cfg = dict(input_size=I, state_size=H, num_layers=L, mode=mode,
               bidirectional=True, projection_size=proj)
    d, flat = random_params(rng, **cfg)
    x = rng.standard_normal((T, N, I))
    h0 = rng.standard_normal((2 * L, N, R))
    cell = rng.standard_normal((2 * L, N, H)) if mode == "lstm" else None
    kw = dict(state_size=H, mode=mode, bidirectional=True,
              projection_size=proj, state_outputs=True)
    full = rnn(x, flat, h0, cell, num_layers=L, training=True, p=p, seed=seed, **kw)

    inp = x
    hs, cs = [], []
    for layer in range(L):
        in_size = I if layer == 0 else 2 * R
        sub = pack_params(sub_layer_params(d, layer), input_size=in_size,
                          state_size=H, num_layers=1, mode=mode,
                          bidirectional=True, projection_size=proj)
        sl = slice(2 * layer, 2 * layer + 2)
        res = rnn(inp, sub, h0[sl], None if cell is None else cell[sl],
                  num_layers=1, **kw)
        hs.append(res[1])
        if mode == "lstm":
            cs.append(res[2])
        out = res[0]
        if layer < L - 1:
            keep = dropout_keep_mask(seed, layer, (T, N, 2 * R), p)
            assert 0 < keep.mean() < 1
            out = np.where(keep, out * (1.0 / (1.0 - p)), 0.0)
        inp = out
    np.testing.assert_allclose(full[0], inp, rtol=0, atol=1e-14)
    # states are taken before dropout
    np.testing.assert_allclose(full[1], np.concatenate(hs), rtol=0, atol=1e-14)
    if mode == "lstm":
        np.testing.assert_allclose(full[2], np.concatenate(cs), rtol=0, atol=1e-14)


def test_state_outputs_arity_and_shapes():
    rng = np.random.default_rng(13)
    x = rng.standard_normal((3, 2, 4))
    for mode in MODES:
        proj = 2 if mode == "lstm" else None
        R = proj or 5
        _, flat = random_params(rng, input_size=4, state_size=5, num_layers=2,
                                mode=mode, bidirectional=True, projection_size=proj)
        kw = dict(state_size=5, num_layers=2, mode=mode, bidirectional=True,
                  projection_size=proj)
        out = rnn(x, flat, **kw)
        assert isinstance(out, np.ndarray) and out.shape == (3, 2, 2 * R)
        res = rnn(x, flat, state_outputs=True, **kw)
        assert len(res) == (3 if mode == "lstm" else 2)
        assert res[1].shape == (4, 2, R)
        if mode == "lstm":
            assert res[2].shape == (4, 2, 5)
        assert all(r.dtype == np.float64 for r in res)


def test_float32_inputs_computed_in_float64():
    rng = np.random.default_rng(14)
    _, flat = random_params(rng, input_size=2, state_size=3, num_layers=1,
                            mode="gru")
    x = rng.standard_normal((3, 2, 2)).astype(np.float32)
    a = rnn(x, flat.astype(np.float32), state_size=3, num_layers=1, mode="gru")
    b = rnn(x.astype(np.float64), flat.astype(np.float32).astype(np.float64),
            state_size=3, num_layers=1, mode="gru")
    assert a.dtype == np.float64
    np.testing.assert_array_equal(a, b)


def test_speed():
    rng = np.random.default_rng(15)
    _, flat = random_params(rng, input_size=8, state_size=16, num_layers=3,
                            mode="lstm", bidirectional=True)
    x = rng.standard_normal((10, 4, 8))
    t0 = time.perf_counter()
    rnn(x, flat, state_size=16, num_layers=3, mode="lstm", bidirectional=True,
        state_outputs=True)
    assert time.perf_counter() - t0 < 1.0


# ---------------------------------------------------------------------------
# reference: validation
# ---------------------------------------------------------------------------

def _valid_call():
    rng = np.random.default_rng(16)
    _, flat = random_params(rng, input_size=2, state_size=3, num_layers=2,
                            mode="lstm", bidirectional=True)
    x = rng.standard_normal((4, 2, 2))
    kw = dict(state_size=3, num_layers=2, mode="lstm", bidirectional=True)
    return x, flat, kw


@pytest.mark.parametrize("change,exc,words", [
    (dict(state=np.zeros((2, 2, 3))), ValueError, ["state", "(4, 2, 3)", "(2, 2, 3)"]),
    (dict(state_cell=np.zeros((4, 2, 2))), ValueError,
     ["state_cell", "(4, 2, 3)", "(4, 2, 2)"]),
    (dict(data=np.zeros((4, 2))), ValueError, ["data", "(4, 2)"]),
    (dict(data=np.zeros((4, 2, 3))), ValueError, ["parameters", "input_size=3"]),
    (dict(parameters="_short"), ValueError, ["parameters", "(432,)", "(431,)"]),
    (dict(sequence_length=np.array([1, 2])), ValueError,
     ["sequence_length", "use_sequence_length"]),
    (dict(use_sequence_length=True), ValueError, ["sequence_length", "None"]),
    (dict(use_sequence_length=True, sequence_length=np.array([1, 5])), ValueError,
     ["sequence_length", "[0, 4]", "5"]),
    (dict(use_sequence_length=True, sequence_length=np.array([1, -1])), ValueError,
     ["sequence_length", "-1"]),
    (dict(use_sequence_length=True, sequence_length=np.array([1, 2, 3])), ValueError,
     ["sequence_length", "(2,)", "(3,)"]),
    (dict(use_sequence_length=True, sequence_length=np.array([1.5, 2.0])), ValueError,
     ["sequence_length"]),
    (dict(mode="lstn"), ValueError, ["mode", "lstn"]),
    (dict(layout="CTN"), ValueError, ["layout", "CTN"]),
    (dict(p=1.0), ValueError, ["p", "1.0"]),
    (dict(p=-0.1), ValueError, ["p"]),
    (dict(p=float("nan")), ValueError, ["p"]),
    (dict(lstm_state_clip_min=-1.0), ValueError, ["both"]),
    (dict(lstm_state_clip_max=1.0), ValueError, ["both"]),
    (dict(lstm_state_clip_min=1.0, lstm_state_clip_max=-1.0), ValueError,
     ["min", "max"]),
    (dict(lstm_state_clip_min=float("nan"), lstm_state_clip_max=1.0), ValueError,
     ["lstm_state_clip_min"]),
    (dict(projection_size=3), ValueError, ["projection_size"]),
    (dict(state_size=0), ValueError, ["state_size"]),
    (dict(data=np.zeros((4, 2, 2), dtype=complex)), TypeError, ["data"]),
])
def test_rnn_validation(change, exc, words):
    x, flat, kw = _valid_call()
    args = dict(data=x, parameters=flat)
    kw = dict(kw)
    for k, v in change.items():
        if k == "parameters" and v == "_short":
            v = flat[:-1]
        if k in ("data", "parameters", "state", "state_cell", "sequence_length"):
            args[k] = v
        else:
            kw[k] = v
    with pytest.raises(exc) as info:
        rnn(**args, **kw)
    for w in words:
        assert w in str(info.value)


def test_rnn_validation_non_lstm():
    rng = np.random.default_rng(17)
    _, flat = random_params(rng, input_size=2, state_size=3, num_layers=1,
                            mode="gru")
    x = rng.standard_normal((2, 1, 2))
    kw = dict(state_size=3, num_layers=1, mode="gru")
    with pytest.raises(ValueError, match="state_cell"):
        rnn(x, flat, None, np.zeros((1, 1, 3)), **kw)
    with pytest.raises(ValueError, match="clip"):
        rnn(x, flat, lstm_state_clip_min=-1.0, lstm_state_clip_max=1.0, **kw)
    with pytest.raises(ValueError, match="projection"):
        rnn(x, flat, projection_size=1, **kw)
