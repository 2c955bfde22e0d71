#!/usr/bin/env python3
"""BPA (docs/MATH.md §2, cosine, unit marginals) in plain PyTorch: the baseline the CUDA backend is compared with.

The same math as bpa4j, written the way a PyTorch user would (logsumexp half-steps, autograd for the
backward pass), on tensors that already live on the device; times are medians over --repeats runs,
synchronised. Prints TSV: backend n d batch forward_ms forward_backward_ms.

    torch_bpa_gpu.py --device cuda --sizes 1000x128,4096x128 [--batch B] [--iterations 10] [--format tsv]
"""
import argparse
import statistics
import sys
import time

import torch


def bpa(x: torch.Tensor, reg: float, iterations: int) -> torch.Tensor:
    """x: (B, n, d) -> Z: (B, n, n)."""
    n = x.shape[-2]
    unit = x / x.norm(dim=-1, keepdim=True).clamp_min(1e-12)
    cost = 1 - unit @ unit.transpose(-1, -2)
    eye = torch.eye(n, dtype=torch.bool, device=x.device)
    cost = cost.masked_fill(eye, 1e5)
    log_k = -cost / reg
    v = torch.zeros(x.shape[0], n, dtype=x.dtype, device=x.device)
    u = v
    for _ in range(iterations):
        u = -torch.logsumexp(log_k + v[:, None, :], dim=2)
        v = -torch.logsumexp(u[:, :, None] + log_k, dim=1)
    z = (u[:, :, None] + log_k + v[:, None, :]).exp()
    z = z / z.amax(dim=(1, 2), keepdim=True).detach()  # the max is a constant, as in the reference
    return z.masked_fill(eye, 1.0)


def timed(fn, device: str, repeats: int) -> float:
    def sync():
        if device == "cuda":
            torch.cuda.synchronize()

    for _ in range(2):  # warm-up (kernel selection, allocator)
        fn()
    sync()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda", choices=["cpu", "cuda"])
    p.add_argument("--sizes", default="1000x128,4096x128")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--iterations", type=int, default=10, help="Sinkhorn iterations")
    p.add_argument("--reg", type=float, default=0.1)
    p.add_argument("--repeats", type=int, default=10, help="timed runs per figure")
    p.add_argument("--format", default="tsv", choices=["tsv", "text"])
    a = p.parse_args()
    if a.device == "cuda" and not torch.cuda.is_available():
        print("torch: CUDA is not available", file=sys.stderr)
        return 1
    torch.manual_seed(0)
    print("backend\tn\td\tbatch\tforward_ms\tforward_backward_ms")
    for size in a.sizes.split(","):
        n, d = (int(s) for s in size.lower().split("x"))
        x = torch.randn(a.batch, n, d, device=a.device)
        g = torch.randn(a.batch, n, n, device=a.device)

        def forward():
            with torch.no_grad():
                bpa(x, a.reg, a.iterations)

        def forward_backward():
            xg = x.detach().requires_grad_(True)
            (bpa(xg, a.reg, a.iterations) * g).sum().backward()

        f = timed(forward, a.device, a.repeats)
        fb = timed(forward_backward, a.device, a.repeats)
        print(f"torch-{a.device}\t{n}\t{d}\t{a.batch}\t{f:.3f}\t{fb:.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
