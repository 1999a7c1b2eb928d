"""fusedrnn.rnn (the C core) against fusedrnn.reference over every option."""
import numpy as np
import pytest
from hypothesis import given, settings

import fusedrnn
from fusedrnn import reference
from fusedrnn.params import param_layout
from rnn_cases import as_tuple, configs, make_inputs

# Agreement the issue asks for: float64 within 1e-12 relative, float32 1e-5.
TOLERANCE = {np.float64: dict(rtol=1e-12, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-5)}


def check_against_reference(cfg, shape, dtype):
    args = make_inputs(cfg, shape, dtype)
    got = as_tuple(fusedrnn.rnn(*args, **cfg))
    # The reference computes in float64 from the very same (rounded) inputs.
    ref_args = [a.astype(np.float64) if a is not None and a.dtype.kind == "f" else a for a in args]
    want = as_tuple(reference.rnn(*ref_args, **cfg))
    assert len(got) == len(want)
    for name, g, w in zip(("output", "hy", "cy"), got, want):
        assert g.dtype == dtype, name
        assert g.shape == w.shape, name
        np.testing.assert_allclose(g, w, err_msg=f"{name} differs for {cfg} {shape}", **TOLERANCE[dtype])


@settings(max_examples=200)
@given(configs())
def test_float64_matches_reference(case):
    check_against_reference(*case, np.float64)


@given(configs())
def test_float32_matches_reference(case):
    check_against_reference(*case, np.float32)


def test_mxnet_golden_lstm():
    """MXNet's own unit test: 6-layer bidirectional LSTM, weights 1, biases 0.

    The Gluon LSTM keeps its 'zeros' bias initializer under mx.init.One(), so
    only the weights are 1 there (all-ones biases give 0.7565/0.9627 instead).
    """
    H, L = 2, 6
    size = fusedrnn.rnn_param_size(2, H, L, "lstm", True)
    n_weights = sum(int(np.prod(shape)) for name, shape, _ in param_layout(2, H, L, "lstm", True)
                    if name.endswith("weight"))
    for dtype in (np.float32, np.float64):
        params = np.zeros(size, dtype)
        params[:n_weights] = 1.0
        out = fusedrnn.rnn(np.ones((2, 2, 2), dtype), params, np.zeros((L * 2, 2, H), dtype),
                           np.zeros((L * 2, 2, H), dtype), state_size=H, num_layers=L, mode="lstm",
                           bidirectional=True)
        t0 = [0.72045636, 0.72045636, 0.95215213, 0.95215213]
        t1 = [0.95215213, 0.95215213, 0.72045636, 0.72045636]
        np.testing.assert_allclose(out[0], [t0, t0], rtol=1e-6)
        np.testing.assert_allclose(out[1], [t1, t1], rtol=1e-6)


@pytest.mark.parametrize("mode", ["rnn_relu", "rnn_tanh", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_nan_in_padding_never_leaks(mode, bidirectional):
    rng = np.random.default_rng(7)
    T, N, I, H, L = 6, 4, 3, 5, 2
    lengths = np.array([6, 3, 0, 1])
    data = rng.uniform(-1, 1, (T, N, I))
    for b, n in enumerate(lengths):
        data[n:, b] = np.nan
    params = rng.uniform(-0.5, 0.5, fusedrnn.rnn_param_size(I, H, L, mode, bidirectional))
    opts = dict(state_size=H, num_layers=L, mode=mode, bidirectional=bidirectional,
                use_sequence_length=True, state_outputs=True)
    D = 2 if bidirectional else 1
    h0 = rng.uniform(-1, 1, (L * D, N, H))
    c0 = rng.uniform(-1, 1, (L * D, N, H)) if mode == "lstm" else None
    got = fusedrnn.rnn(data, params, h0, c0, lengths, **opts)
    want = reference.rnn(data, params, h0, c0, lengths, **opts)
    for g, w in zip(got, want):
        assert np.all(np.isfinite(g))
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
    out = got[0]
    for b, n in enumerate(lengths):
        assert np.all(out[n:, b] == 0.0), "outputs past the length must be exactly 0"
    # Length 0 (our choice): the final states are the initial ones.
    np.testing.assert_array_equal(got[1][:, 2], h0[:, 2])
    if mode == "lstm":
        np.testing.assert_array_equal(got[2][:, 2], c0[:, 2])


def test_ntc_is_transposed_tnc():
    rng = np.random.default_rng(3)
    data = rng.uniform(-1, 1, (5, 3, 4))
    params = rng.uniform(-0.5, 0.5, fusedrnn.rnn_param_size(4, 6, 2, "gru", True))
    opts = dict(state_size=6, num_layers=2, mode="gru", bidirectional=True)
    tnc = fusedrnn.rnn(data, params, **opts)
    ntc = fusedrnn.rnn(np.ascontiguousarray(data.transpose(1, 0, 2)), params, layout="NTC", **opts)
    np.testing.assert_array_equal(ntc, tnc.transpose(1, 0, 2))


def test_dropout_only_in_training_and_reproducible():
    rng = np.random.default_rng(5)
    data = rng.uniform(-1, 1, (4, 3, 2))
    params = rng.uniform(-0.5, 0.5, fusedrnn.rnn_param_size(2, 8, 3, "lstm"))
    opts = dict(state_size=8, num_layers=3, mode="lstm", p=0.5)
    plain = fusedrnn.rnn(data, params, **opts)
    np.testing.assert_array_equal(plain, fusedrnn.rnn(data, params, state_size=8, num_layers=3, mode="lstm"))
    a = fusedrnn.rnn(data, params, training=True, seed=11, **opts)
    b = fusedrnn.rnn(data, params, training=True, seed=11, **opts)
    c = fusedrnn.rnn(data, params, training=True, seed=12, **opts)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert not np.array_equal(a, plain)


def test_one_layer_dropout_has_no_effect():
    rng = np.random.default_rng(9)
    data = rng.uniform(-1, 1, (4, 3, 2))
    params = rng.uniform(-0.5, 0.5, fusedrnn.rnn_param_size(2, 5, 1, "gru", True))
    opts = dict(state_size=5, num_layers=1, mode="gru", bidirectional=True)
    np.testing.assert_array_equal(fusedrnn.rnn(data, params, **opts),
                                  fusedrnn.rnn(data, params, p=0.9, training=True, seed=1, **opts))
