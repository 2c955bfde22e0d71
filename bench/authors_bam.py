"""The authors' BAMLoss (Balanced-Attention Matching) as their code writes it, on one process, to time here.

Their loss (github.com/DanielShalam/BAM, bam/bam_loss.py) is written for torch.distributed on GPUs; this is
the same sequence of tensor operations with the collectives of a world of one process left out (an
all_reduce over one process is the identity) and tensors on the CPU: F.normalize, Q = z @ targets.t(), the
positive mask filled with the dtype's most negative value, the SwAV-style Sinkhorn on exp(Q/eps - max)
transposed, the top-k masking, log_softmax of Q/tau and the loop of cross-entropies over view pairs.
docs/MATH.md §4 in the project docs defines the loss these operations compute.

    /usr/bin/python3 bench/authors_bam.py --check test-support/src/main/resources/golden/bam
    /usr/bin/python3 bench/authors_bam.py --sizes 256x256,64x256 --large-crops 2 --local-crops 6 --threads 2

--check recomputes every golden case in float64 (loss, dz and, for the distill cases, dzt) and exits 1 if
one differs by more than 1e-9 relative; otherwise, per size BxD (B images per view, D dimensions), the
median of --runs runs after --warmup runs: the loss under no_grad, and the loss + backward.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def positive_mask(batch_per_crop, n_crops):
    """1 where a row and a column are views of the same image (their get_positive_mask, one process)."""
    mask = torch.zeros((batch_per_crop, batch_per_crop * n_crops))
    crop_starts = torch.arange(n_crops) * batch_per_crop
    for i in range(batch_per_crop):
        mask[i, i + crop_starts] = 1
    return mask.repeat((n_crops, 1)).bool()


@torch.no_grad()
def swav_sinkhorn(q, num_iters, n_masked):
    """Their distributed_sinkhorn with a world of one: q is (targets x sources), rows then columns scaled."""
    q /= torch.sum(q, dtype=q.dtype)
    k, n = q.shape
    r = torch.ones(k, dtype=q.dtype) / (k - max(0, n_masked))
    c = torch.ones(n, dtype=q.dtype) / n
    for _ in range(num_iters):
        u = torch.sum(q, dim=1, dtype=q.dtype)
        q *= (r / u).unsqueeze(1)
        q *= (c / torch.sum(q, dim=0, dtype=q.dtype)).unsqueeze(0)
    return (q / torch.sum(q, dim=0, keepdim=True, dtype=q.dtype)).t()


class BAMLoss(torch.nn.Module):
    def __init__(self, n_crops, n_lrg_crops, n_tgt_crops, ot_reg=0.05, softmax_temperature=0.1,
                 num_sinkhorn_iters=3, top_k=0, positive_masking=True):
        super().__init__()
        self.n_crops = n_crops
        self.n_lrg_crops = n_lrg_crops
        self.n_tgt_crops = n_tgt_crops
        self.ot_reg = ot_reg
        self.softmax_temperature = softmax_temperature
        self.num_sinkhorn_iters = num_sinkhorn_iters
        self.top_k = top_k
        self.positive_masking = positive_masking
        self.pos_mask = None
        self._log_softmax = torch.nn.LogSoftmax(dim=-1)

    @torch.no_grad()
    def _sinkhorn(self, q):
        n, m = q.size()
        assignments = q / self.ot_reg
        if self.positive_masking:
            assignments.masked_fill_(self.pos_mask[:n, :m], torch.finfo(q.dtype).min)
        assignments = assignments - torch.max(assignments)
        return swav_sinkhorn(torch.exp(assignments).t(), self.num_sinkhorn_iters,
                             self.n_tgt_crops if self.positive_masking else 0)

    def keep_top_values(self, logits, n_crops):
        avg_logits = torch.stack(logits.chunk(n_crops, dim=0)).mean(0)
        top = avg_logits.topk(self.top_k, dim=-1).indices.repeat(n_crops, 1)
        masked = torch.zeros_like(logits)
        masked.scatter_(-1, top, logits.gather(-1, top))
        return masked

    def compute_loss(self, q, q_tgt):
        batch_per_crop = q.size(0) // self.n_crops
        if self.pos_mask is None or self.pos_mask.shape[0] != q.size(0):
            if self.positive_masking:
                self.pos_mask = positive_mask(batch_per_crop, self.n_crops)
            else:
                self.pos_mask = torch.zeros_like(q).bool()
        self.pos_mask = self.pos_mask[:, :q.size(1)]

        with torch.no_grad():
            p = self._sinkhorn(q_tgt.detach())[:batch_per_crop * self.n_lrg_crops]
            if self.top_k > 0:
                p = self.keep_top_values(p, n_crops=self.n_lrg_crops)
                p = p / p.sum(dim=-1, keepdim=True)
            p = p.chunk(self.n_lrg_crops)

        q = q / self.softmax_temperature
        if self.positive_masking:
            q = q.masked_fill(self.pos_mask, torch.finfo(q.dtype).min)
        log_q = self._log_softmax(q).chunk(self.n_crops)
        loss_pos_mask = (~self.pos_mask[:batch_per_crop]).to(log_q[0].dtype)

        loss = 0.
        for v_tgt in range(self.n_lrg_crops):
            sub_loss, n_sub_loss = 0, 0
            for v_src in range(self.n_crops):
                if v_tgt == v_src and self.n_crops > 1:
                    continue
                sub_loss -= ((p[v_tgt] * log_q[v_src]) * loss_pos_mask).sum(dim=-1).mean()
                n_sub_loss += 1
            loss += sub_loss / n_sub_loss
        return loss / self.n_lrg_crops

    def forward(self, z, z_teacher=None):
        bs_per_crop = z.size(0) // self.n_crops
        z = F.normalize(z, dim=-1)
        if z_teacher is None:
            targets = z[:bs_per_crop * self.n_tgt_crops]
            q = z @ targets.t()
            return self.compute_loss(q, q)
        z_teacher = F.normalize(z_teacher, dim=-1)
        targets = z_teacher[:bs_per_crop * self.n_tgt_crops]
        return self.compute_loss(z @ targets.t(), z_teacher @ targets.t())


def read_case(folder):
    props = {}
    with open(os.path.join(folder, "case.properties")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                props[key.strip()] = value.strip()
    return props


def loss_of(props):
    large = int(props["largeCrops"])
    return BAMLoss(n_crops=large + int(props["localCrops"]), n_lrg_crops=large,
                   n_tgt_crops=int(props.get("targetCrops", large)), ot_reg=float(props["reg"]),
                   softmax_temperature=float(props["temperature"]), num_sinkhorn_iters=int(props["iterations"]),
                   top_k=int(props["topK"]), positive_masking=props["positiveMasking"] == "true")


def check(golden):
    worst = 0.0
    failed = False
    for name in sorted(os.listdir(golden)):
        folder = os.path.join(golden, name)
        props = read_case(folder)
        z = torch.from_numpy(np.load(os.path.join(folder, "z.npy"))).double().requires_grad_(True)
        distill = props["kind"] == "distill_bam"
        zt = None
        if distill:
            zt = torch.from_numpy(np.load(os.path.join(folder, "zt.npy"))).double().requires_grad_(True)
        loss = loss_of(props)(z, zt)
        loss.backward()
        errors = {"loss": abs(loss.item() - float(props["loss"])) / abs(float(props["loss"]))}
        grads = [("dz", z.grad)] + ([("dzt", zt.grad)] if distill else [])
        for key, grad in grads:
            expected = np.load(os.path.join(folder, key + ".npy"))
            errors[key] = float(np.abs(grad.numpy() - expected).max() / np.abs(expected).max())
        ok = all(e <= 1e-9 for e in errors.values())
        failed |= not ok
        worst = max(worst, max(errors.values()))
        print(f"{name}: " + ", ".join(f"{k} rel. error {v:.1e}" for k, v in errors.items())
              + ("" if ok else "  FAILED"))
    print(f"largest relative error {worst:.1e}: " + ("FAILED" if failed else "all golden cases reproduced"))
    return 1 if failed else 0


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
    p.add_argument("--check", metavar="GOLDEN_BAM_DIR")
    p.add_argument("--sizes", default="256x256")
    p.add_argument("--large-crops", type=int, default=2)
    p.add_argument("--local-crops", type=int, default=6)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    if args.check:
        return check(args.check)
    if args.runs < 5:
        p.error("--runs must be >= 5")
    views = args.large_crops + args.local_crops
    print(f"torch {torch.__version__}, {args.threads} threads, {args.large_crops} large + {args.local_crops} local "
          f"crops, float32")
    for size in args.sizes.split(","):
        b, d = (int(v) for v in size.lower().split("x"))
        gen = torch.Generator().manual_seed(b * 1000 + d)
        z = torch.randn(views * b, d, generator=gen)
        bam = BAMLoss(n_crops=views, n_lrg_crops=args.large_crops, n_tgt_crops=args.large_crops)

        def forward():
            with torch.no_grad():
                bam(z)

        def forward_backward():
            zg = z.clone().requires_grad_(True)
            bam(zg).backward()

        f = median_ms(forward, args.warmup, args.runs)
        fb = median_ms(forward_backward, args.warmup, args.runs)
        print(f"B={b} d={d}: forward {f:.2f} ms, forward+backward {fb:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
