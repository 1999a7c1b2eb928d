"""Bad input to fusedrnn.rnn: a clear exception naming the argument, nothing else."""
import numpy as np
import pytest

import fusedrnn

T, N, I, H, L = 4, 3, 2, 5, 2


def valid_call(mode="lstm"):
    rng = np.random.default_rng(0)
    args = dict(
        data=rng.uniform(-1, 1, (T, N, I)),
        parameters=rng.uniform(-1, 1, fusedrnn.rnn_param_size(I, H, L, mode)),
        state=np.zeros((L, N, H)),
        state_cell=np.zeros((L, N, H)) if mode == "lstm" else None,
    )
    opts = dict(state_size=H, num_layers=L, mode=mode)
    return args, opts



# (id, changes to the array arguments, changes to the options, exception, words the message must hold)
BAD = [
    ("data-list", dict(data=[[[1.0]]]), {}, TypeError, "data must be a numpy.ndarray"),
    ("data-int", dict(data=np.ones((T, N, I), np.int32)), {}, TypeError, "data must have dtype float32 or float64"),
    ("data-2d", dict(data=np.ones((T, N))), {}, ValueError, "data must be 3-D"),
    ("data-empty", dict(data=np.ones((0, N, I))), {}, ValueError, "non-empty T axis"),
    ("params-dtype", dict(parameters=np.ones(10, np.float32)), {}, TypeError, "parameters must have dtype float64"),
    ("params-length", dict(parameters=np.ones(10)), {}, ValueError, "parameters must have shape"),
    ("state-shape", dict(state=np.zeros((1, N, H))), {}, ValueError, f"state must have shape ({L}, {N}, {H})"),
    ("state-dtype", dict(state=np.zeros((L, N, H), np.float32)), {}, TypeError, "state must have dtype float64"),
    ("cell-shape", dict(state_cell=np.zeros((L, N, H + 1))), {}, ValueError, "state_cell must have shape"),
    ("state-not-array", dict(state="zeros"), {}, TypeError, "state must be a numpy.ndarray"),
    ("hidden-zero", {}, dict(state_size=0), ValueError, "state_size must be >= 1"),
    ("hidden-str", {}, dict(state_size="5"), TypeError, "state_size must be an integer"),
    ("hidden-bool", {}, dict(state_size=True), TypeError, "state_size must be an integer"),
    ("hidden-huge", {}, dict(state_size=2**40), ValueError, "invalid RNN configuration"),
    ("layers-negative", {}, dict(num_layers=-1), ValueError, "num_layers must be >= 1"),
    ("mode-unknown", {}, dict(mode="rnn"), ValueError, "mode must be one of"),
    ("p-one", {}, dict(p=1.0), ValueError, "p (dropout) must be in [0, 1)"),
    ("p-nan", {}, dict(p=float("nan")), ValueError, "p must not be NaN"),
    ("p-str", {}, dict(p="0.1"), TypeError, "p must be a real number"),
    ("projection-too-big", {}, dict(projection_size=H), ValueError, "projection_size must be smaller"),
    ("clip-alone", {}, dict(lstm_state_clip_min=-1.0), ValueError, "must be given together"),
    ("clip-inverted", {}, dict(lstm_state_clip_min=1.0, lstm_state_clip_max=-1.0), ValueError, "must not exceed"),
    ("clip-nan-bound", {}, dict(lstm_state_clip_min=float("nan"), lstm_state_clip_max=1.0), ValueError, "NaN"),
    ("layout-unknown", {}, dict(layout="NCT"), ValueError, "layout must be 'TNC' or 'NTC'"),
    ("lengths-missing", {}, dict(use_sequence_length=True), ValueError, "sequence_length is required"),
    ("lengths-unexpected", dict(sequence_length=np.array([1, 2, 3])), {}, ValueError, "use_sequence_length is False"),
    ("lengths-too-long", dict(sequence_length=np.array([1, 5, 3])), dict(use_sequence_length=True), ValueError,
     "got 5 at index 1"),
    ("lengths-negative", dict(sequence_length=np.array([1, -1, 3])), dict(use_sequence_length=True), ValueError,
     "got -1 at index 1"),
    ("lengths-fraction", dict(sequence_length=np.array([1.5, 2, 3])), dict(use_sequence_length=True), ValueError,
     "whole numbers"),
    ("lengths-nan", dict(sequence_length=np.array([np.nan, 2, 3])), dict(use_sequence_length=True), ValueError,
     "whole numbers"),
    ("lengths-shape", dict(sequence_length=np.array([1, 2])), dict(use_sequence_length=True), ValueError,
     "sequence_length must have shape (3,)"),
    ("seed-negative", {}, dict(seed=-1), ValueError, "seed must be in"),
    ("training-str", {}, dict(training="yes"), TypeError, "training must be a bool"),
]


@pytest.mark.parametrize("arrays, options, exc, words", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_rejected_with_a_clear_message(arrays, options, exc, words):
    args, opts = valid_call()
    args.update(arrays)
    opts.update(options)
    snapshot = {k: v.copy() for k, v in args.items() if isinstance(v, np.ndarray)}
    with pytest.raises(exc) as info:
        fusedrnn.rnn(**args, **opts)
    assert words in str(info.value)
    for k, v in snapshot.items():
        np.testing.assert_array_equal(args[k], v, err_msg=f"{k} was modified")


@pytest.mark.parametrize("mode", ["gru", "rnn_tanh"])
def test_lstm_only_options_are_rejected_on_other_modes(mode):
    args, opts = valid_call(mode)
    with pytest.raises(ValueError, match="state_cell is only used by mode 'lstm'"):
        fusedrnn.rnn(**dict(args, state_cell=np.zeros((L, N, H))), **opts)
    with pytest.raises(ValueError, match="projection_size is only supported"):
        fusedrnn.rnn(**args, **opts, projection_size=2)
    with pytest.raises(ValueError, match="only supported by mode 'lstm'"):
        fusedrnn.rnn(**args, **opts, lstm_state_clip_min=-1, lstm_state_clip_max=1)


def test_core_errors_carry_the_status():
    with pytest.raises(fusedrnn.FusedRNNValueError) as info:
        fusedrnn.rnn_param_size(2**40, 2**40, 2**20, "lstm")
    assert info.value.status < 0
    assert isinstance(info.value, ValueError)


def test_non_contiguous_inputs_are_accepted_and_untouched():
    args, opts = valid_call()
    want = fusedrnn.rnn(**args, **opts)
    strided = np.asfortranarray(args["data"])
    before = strided.copy()
    got = fusedrnn.rnn(**dict(args, data=strided), **opts)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(strided, before)
    big_endian = args["data"].astype(">f8")
    np.testing.assert_array_equal(fusedrnn.rnn(**dict(args, data=big_endian), **opts), want)


def test_contiguous_inputs_cross_without_copy(monkeypatch):
    """C-contiguous native arrays reach the core as the caller's own memory."""
    from fusedrnn import _op

    seen = []

    class SpyFFI:
        def __getattr__(self, name):
            return getattr(real, name)

        def from_buffer(self, ctype, array, *a, **k):
            seen.append(array)
            return real.from_buffer(ctype, array, *a, **k)

    real = _op.ffi
    monkeypatch.setattr(_op, "ffi", SpyFFI())
    args, opts = valid_call()
    fusedrnn.rnn(**args, **opts)
    for name in ("data", "parameters", "state", "state_cell"):
        assert any(x is args[name] for x in seen), f"{name} was copied"
