"""The authors' SOT/BPA forward as their code writes it (2-D, one set), to time on this machine.

bench/torch_bpa.py is the same math written batched; this script keeps the authors' own shape of the code
(a 2-D log_sinkhorn with logsumexp, F.normalize, masked_fill of the diagonal, max detached with .item())
so that the issue's "authors' BPA" can be timed side by side with bpa4j exactly as they wrote it.

    /usr/bin/python3 bench/authors_sot.py --sizes 1000x128,4096x128 --threads 2

Prints, per size, the median of --runs runs after --warmup runs: forward under no_grad, and forward +
backward of sum(G * Z) with a fixed random G.
"""
import argparse
import statistics
import time

import torch
import torch.nn.functional as F


def log_sinkhorn(m, reg, num_iters):
    log_r = torch.zeros(m.size(0), dtype=m.dtype)
    log_c = torch.zeros(m.size(1), dtype=m.dtype)
    log_k = -m / reg
    log_v = torch.zeros(m.size(1), dtype=m.dtype)
    for _ in range(num_iters):
        log_u = log_r - torch.logsumexp(log_k + log_v[None, :], dim=1)
        log_v = log_c - torch.logsumexp(log_u[:, None] + log_k, dim=0)
    return log_u[:, None] + log_k + log_v[None, :]


def sot(x, reg=0.1, iterations=10, diagonal=1e5):
    unit = F.normalize(x, p=2, dim=-1)
    cost = 1 - unit @ unit.transpose(-2, -1)
    eye = torch.eye(cost.size(0), dtype=torch.bool)
    cost = cost.masked_fill(eye, diagonal)
    z = torch.exp(log_sinkhorn(cost, reg, iterations))
    z = z / z.max().item()
    return z.masked_fill(eye, 1)


def median_ms(fn, warmup, runs):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="1000x128,4096x128")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    if args.runs < 5:
        p.error("--runs must be >= 5")
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} threads")
    for size in args.sizes.split(","):
        n, d = (int(v) for v in size.lower().split("x"))
        gen = torch.Generator().manual_seed(n * 1000 + d)
        x = torch.randn(n, d, generator=gen)
        g = torch.randn(n, n, generator=gen)

        def forward():
            with torch.no_grad():
                sot(x)

        def forward_backward():
            xg = x.clone().requires_grad_(True)
            (sot(xg) * g).sum().backward()

        f = median_ms(forward, args.warmup, args.runs)
        fb = median_ms(forward_backward, args.warmup, args.runs)
        print(f"n={n} d={d}: forward {f:.2f} ms, forward+backward {fb:.2f} ms")


if __name__ == "__main__":
    main()
