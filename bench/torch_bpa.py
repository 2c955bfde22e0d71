#!/usr/bin/env python3
"""BPA (docs/MATH.md §2 forward, autograd backward) in plain PyTorch: the baseline bpa4j is compared with.

The same math as the authors' code and as bpa4j: cosine cost, C_ii = 1e5, log-domain Sinkhorn with unit
marginals (rows first, T iterations, logsumexp), Z = exp(logP) / max Z (the max detached), Z_ii = 1.
A batch (B, n, d) runs every set independently with batched tensor ops.

Timing: random float32 inputs; forward under torch.no_grad(), forward+backward as sum(G * Z).backward()
with a fixed random G; the median of --runs runs after --warmup runs (torch.cuda.synchronize() around
each run on cuda).

    /usr/bin/python3 bench/torch_bpa.py --device cpu --sizes 1000x128,4096x128 --threads 2 --format tsv

tsv: a header, then one row per size: backend n d forward_ms forward_backward_ms (backend torch-cpu or
torch-cuda).
"""
import argparse
import statistics
import sys
import time

import torch

MASKED_COST = 1e5


def bpa(x, reg, iterations):
    """Z for x of shape (B, n, d)."""
    unit = x / x.norm(dim=-1, keepdim=True).clamp_min(1e-12)
    cost = 1 - unit @ unit.transpose(-1, -2)
    n = x.shape[-2]
    eye = torch.eye(n, dtype=torch.bool, device=x.device)
    cost = cost.masked_fill(eye, MASKED_COST)
    log_k = -cost / reg
    log_v = torch.zeros(x.shape[0], n, dtype=x.dtype, device=x.device)
    for _ in range(iterations):
        log_u = -torch.logsumexp(log_k + log_v[:, None, :], dim=2)
        log_v = -torch.logsumexp(log_u[:, :, None] + log_k, dim=1)
    z = torch.exp(log_u[:, :, None] + log_k + log_v[:, None, :])
    z = z / z.amax(dim=(1, 2), keepdim=True).detach()
    return z.masked_fill(eye, 1.0)


def timed(device, fn):
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - start) * 1e3


def measure(device, batch, n, d, reg, iterations, warmup, runs):
    gen = torch.Generator().manual_seed(n * 1000 + d)
    x = torch.randn(batch, n, d, generator=gen).to(device)
    g = torch.randn(batch, n, n, generator=gen).to(device)

    def forward():
        with torch.no_grad():
            bpa(x, reg, iterations)

    def forward_backward():
        xg = x.clone().requires_grad_(True)
        (bpa(xg, reg, iterations) * g).sum().backward()

    results = []
    for fn in (forward, forward_backward):
        for _ in range(warmup):
            timed(device, fn)
        results.append(statistics.median(timed(device, fn) for _ in range(runs)))
    return results


def sizes(text):
    out = []
    for part in text.split(","):
        try:
            n, d = (int(v) for v in part.lower().split("x"))
        except ValueError:
            raise argparse.ArgumentTypeError(f"size '{part}' is not NxD (e.g. 1000x128)")
        if n < 2 or d < 1:
            raise argparse.ArgumentTypeError(f"size '{part}': n must be >= 2 and d >= 1")
        out.append((n, d))
    return out


def positive(kind):
    def parse(text):
        v = kind(text)
        if v <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
        return v
    return parse


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--sizes", type=sizes, default=sizes("1000x128,4096x128"))
    p.add_argument("--batch", type=positive(int), default=1)
    p.add_argument("--iterations", type=positive(int), default=10)
    p.add_argument("--reg", type=positive(float), default=0.1)
    p.add_argument("--threads", type=positive(int), default=None,
                   help="torch.set_num_threads (default: torch's own)")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--runs", type=positive(int), default=5)
    p.add_argument("--format", choices=["text", "tsv"], default="text")
    args = p.parse_args(argv)
    if args.runs < 5:
        p.error("--runs must be >= 5 (a median of at least 5 runs)")
    if args.device == "cuda" and not torch.cuda.is_available():
        print("torch_bpa.py: --device cuda but torch sees no CUDA device", file=sys.stderr)
        return 2
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    backend = "torch-" + args.device
    if args.format == "tsv":
        print("backend\tn\td\tforward_ms\tforward_backward_ms")
    for n, d in args.sizes:
        fwd, fwd_bwd = measure(device, args.batch, n, d, args.reg, args.iterations, args.warmup, args.runs)
        if args.format == "tsv":
            print(f"{backend}\t{n}\t{d}\t{fwd:.3f}\t{fwd_bwd:.3f}", flush=True)
        else:
            print(f"{backend}  n={n} d={d} batch={args.batch} threads={torch.get_num_threads()}: "
                  f"forward {fwd:.2f} ms, forward+backward {fwd_bwd:.2f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
