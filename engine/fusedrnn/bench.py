"""Benchmark: fusedrnn against PyTorch's CPU RNNs, measured in the same run.

    python -m fusedrnn.bench        (or `make bench`, or `fusedrnn bench`)

For each configuration it prints the median forward time (float32, inference)
of fusedrnn and of torch.nn.LSTM/GRU/RNN with 2 threads, their throughput
ratio, fusedrnn's GFLOP/s and that as a percentage of this machine's sgemm
rate, measured by the same run. Without torch it says so and prints
fusedrnn's figures alone. Never part of the tests: speed is measured here.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

import fusedrnn

GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}

# (label, mode, T, N, I, H, layers, bidirectional)
CONFIGS = [
    ("LSTM T=25 N=64 I=H=512", "lstm", 25, 64, 512, 512, 1, False),
    ("GRU T=50 N=32 I=H=512", "gru", 50, 32, 512, 512, 1, False),
    ("RNN-tanh T=50 N=32 I=H=512", "rnn_tanh", 50, 32, 512, 512, 1, False),
    ("biLSTM x2 T=50 N=16 I=H=256", "lstm", 50, 16, 256, 256, 2, True),
    ("LSTM T=50 N=1 I=H=500", "lstm", 50, 1, 500, 500, 1, False),
    ("LSTM T=N=1 I=H=32", "lstm", 1, 1, 32, 32, 1, False),
]


def forward_flops(mode, T, N, I, H, layers, bidirectional):
    """Multiply-adds x2 of the GEMMs; element-wise work is not counted."""
    G, D = GATES[mode], 2 if bidirectional else 1
    total = 0
    for layer in range(layers):
        inputs = I if layer == 0 else D * H
        total += D * 2 * T * N * G * H * (inputs + H)
    return total


def median_seconds(fn, min_time, min_reps=5, max_reps=20000):
    fn()  # warm up: descriptor cache, page faults, thread pools
    times = []
    start = time.perf_counter()
    while len(times) < max_reps and (len(times) < min_reps or time.perf_counter() - start < min_time):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def sgemm_rate(min_time):
    """This machine's float32 GEMM rate (FLOP/s) through NumPy's OpenBLAS."""
    n = 1024
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    return 2 * n**3 / median_seconds(lambda: a @ b, min_time)


def load_torch(threads):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    return torch


def torch_runner(torch, mode, T, N, I, H, layers, bidirectional):
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}.get(mode)
    if cls is None:
        module = torch.nn.RNN(I, H, layers, nonlinearity=mode[4:], bidirectional=bidirectional)
    else:
        module = cls(I, H, layers, bidirectional=bidirectional)
    module.eval()
    x = torch.randn(T, N, I)

    def run():
        with torch.no_grad():
            module(x)

    return run


def fusedrnn_runner(mode, T, N, I, H, layers, bidirectional):
    rng = np.random.default_rng(1)
    size = fusedrnn.rnn_param_size(I, H, layers, mode, bidirectional)
    x = rng.uniform(-1, 1, (T, N, I)).astype(np.float32)
    w = rng.uniform(-0.05, 0.05, size).astype(np.float32)
    opts = dict(state_size=H, num_layers=layers, mode=mode, bidirectional=bidirectional)
    return lambda: fusedrnn.rnn(x, w, **opts)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="fusedrnn bench", description=__doc__.splitlines()[0])
    parser.add_argument("--min-time", type=float, default=1.0, help="seconds of samples per measurement")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    args = parser.parse_args(argv)

    torch = load_torch(args.threads)
    peak = sgemm_rate(args.min_time)
    print(f"fusedrnn {fusedrnn.__version__} (core {fusedrnn.core_version()}), float32 forward, inference")
    print(f"machine sgemm rate (NumPy's OpenBLAS, 1024^3): {peak / 1e9:.1f} GFLOP/s; "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    if torch is None:
        print("torch is not installed (pip install torch==2.13.0): fusedrnn's figures only")
    else:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    header = f"{'configuration':30} {'fusedrnn':>11} {'torch':>11} {'speedup':>8} {'GFLOP/s':>8} {'% sgemm':>8}"
    print(header)
    print("-" * len(header))
    for label, *cfg in CONFIGS:
        ours = median_seconds(fusedrnn_runner(*cfg), args.min_time)
        flops = forward_flops(*cfg)
        theirs = median_seconds(torch_runner(torch, *cfg), args.min_time) if torch else None
        ratio = f"{theirs / ours:7.2f}x" if theirs else f"{'-':>8}"
        theirs_text = f"{theirs * 1e3:9.3f}ms" if theirs else f"{'-':>11}"
        print(f"{label:30} {ours * 1e3:9.3f}ms {theirs_text} {ratio} {flops / ours / 1e9:8.1f} "
              f"{100 * flops / ours / peak:7.1f}%")
    print("speedup = torch time / fusedrnn time (above 1 means fusedrnn is faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
