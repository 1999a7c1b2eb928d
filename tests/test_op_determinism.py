"""The same inputs give bitwise-identical outputs whatever the threads or history."""
import json
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import fusedrnn


def _case(mode="lstm", dtype=np.float32, T=7, N=5, I=6, H=9, L=3, bidirectional=True, **extra):
    rng = np.random.default_rng(1234)
    size = fusedrnn.rnn_param_size(I, H, L, mode, bidirectional, extra.get("projection_size"))
    args = (rng.uniform(-1, 1, (T, N, I)).astype(dtype), rng.uniform(-0.5, 0.5, size).astype(dtype))
    opts = dict(state_size=H, num_layers=L, mode=mode, bidirectional=bidirectional, state_outputs=True, **extra)
    return args, opts


@pytest.mark.parametrize("mode", ["rnn_relu", "rnn_tanh", "lstm", "gru"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_thread_count_does_not_change_bits(mode, dtype):
    args, opts = _case(mode, dtype, p=0.3, training=True, seed=99)
    results = [fusedrnn.rnn(*args, max_threads=n, **opts) for n in (1, 2, 0, 1)]
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_array_equal(a, b)


def test_call_history_does_not_change_bits():
    args, opts = _case("gru", np.float64)
    first = fusedrnn.rnn(*args, **opts)
    # Other shapes and configurations in between must leave no trace.
    other_args, other_opts = _case("lstm", np.float64, T=3, N=2, I=4, H=5, L=1, bidirectional=False,
                                   projection_size=2)
    fusedrnn.rnn(*other_args, **other_opts)
    again = fusedrnn.rnn(*args, **opts)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)


def test_concurrent_calls_agree():
    args, opts = _case("lstm", np.float32)
    want = fusedrnn.rnn(*args, **opts)
    results, errors = [], []

    def work():
        try:
            for _ in range(5):
                results.append(fusedrnn.rnn(*args, **opts))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 20
    for got in results:
        for a, b in zip(want, got):
            np.testing.assert_array_equal(a, b)


_DIGEST = """
import hashlib, os, sys
import numpy as np
import fusedrnn
rng = np.random.default_rng(42)
for mode in ("lstm", "gru", "rnn_tanh"):
    size = fusedrnn.rnn_param_size(64, 96, 2, mode, True)
    x = rng.uniform(-1, 1, (12, 48, 64)).astype(np.float32)
    w = rng.uniform(-0.2, 0.2, size).astype(np.float32)
    out = fusedrnn.rnn(x, w, state_size=96, num_layers=2, mode=mode, bidirectional=True,
                       max_threads=int(os.environ["FUSEDRNN_TEST_MAX_THREADS"]))
    sys.stdout.write(hashlib.sha256(out.tobytes()).hexdigest() + "\\n")
"""


def test_separate_processes_agree():
    """Same inputs and environment: same bits in a fresh process, every time.

    OpenBLAS's own thread count (OPENBLAS_NUM_THREADS) is part of that
    environment: its 1-thread and threaded GEMM paths tile differently and
    round differently (docs/c-api.md, "Determinism").
    """
    digests = set()
    for max_threads in ("1", "2"):
        env = dict(os.environ, FUSEDRNN_TEST_MAX_THREADS=max_threads)
        proc = subprocess.run([sys.executable, "-c", _DIGEST], env=env, capture_output=True, text=True, check=True)
        digests.add(proc.stdout)
    assert len(digests) == 1, json.dumps(sorted(digests))
