"""The authors' BPA re-ranking on the split `bpa4j retrieval --write-split DIR` writes: mAP and top-1.

BPA is bench/authors_sot.py's `sot` (the authors' code: cosine cost, masked diagonal, 10 iterations, max-scaled).
Re-ranking as in the BPA paper's re-identification experiment: Z = BPA([Q; G]) (queries first), the distance of
query i to gallery item j is the Euclidean distance between rows i and q + j of Z (torch.cdist); with --keep M,
each row of Z first keeps only its M largest entries (torch.topk, the others set to 0). Raw = Euclidean distance
between the pixels. Ranking ascending, ties to the lower gallery index; mAP = mean over queries of the average
precision (relevant = same label), top-1 = the fraction whose first result has the query's label.

    bin/bpa4j retrieval --write-split /tmp/split
    /usr/bin/python3 bench/authors_rerank.py /tmp/split
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from authors_sot import sot  # noqa: E402  (the authors' BPA forward, shared with the timing script)


def mean_average_precision(dist, query_labels, gallery_labels):
    """mAP and top-1 of a (q, g) distance matrix; queries without a relevant gallery item are left out."""
    aps, top1 = [], []
    for i in range(dist.shape[0]):
        order = np.argsort(dist[i], kind="stable")
        hits = gallery_labels[order] == query_labels[i]
        relevant = hits.sum()
        if relevant == 0:
            continue
        ranks = np.flatnonzero(hits) + 1
        aps.append(np.mean(np.arange(1, relevant + 1) / ranks))
        top1.append(bool(hits[0]))
    return 100 * float(np.mean(aps)), 100 * float(np.mean(top1))


def keep_largest(z, m):
    values, indices = torch.topk(z, m, dim=1)
    return torch.zeros_like(z).scatter_(1, indices, values)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("split", help="folder with query.npy, gallery.npy, query_labels.npy, gallery_labels.npy")
    p.add_argument("--regs", default="0.1,0.2", help="BPA regularisations to report [0.1,0.2]")
    p.add_argument("--keep", type=int, default=200, help="entries kept per row for the keep line [200]")
    p.add_argument("--keep-reg", type=float, default=0.1, help="regularisation of the keep line [0.1]")
    p.add_argument("--dtype", default="float64", choices=["float32", "float64"])
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    dtype = getattr(torch, args.dtype)

    def load(name):
        return np.load(os.path.join(args.split, name))

    q, g = load("query.npy"), load("gallery.npy")
    ql, gl = load("query_labels.npy"), load("gallery_labels.npy")
    x = torch.from_numpy(np.concatenate([q, g])).to(dtype)
    nq = q.shape[0]
    print(f"torch {torch.__version__}, {args.dtype}: {nq} queries, gallery of {g.shape[0]}")

    def report(label, dist):
        m, t = mean_average_precision(dist.numpy(), ql, gl)
        print(f"  {label:<28} mAP {m:6.2f}%   top-1 {t:6.2f}%")

    report("raw pixels (Euclidean)", torch.cdist(x[:nq], x[nq:]))
    with torch.no_grad():
        for reg in (float(r) for r in args.regs.split(",")):
            z = sot(x, reg=reg)
            report(f"BPA (reg {reg})", torch.cdist(z[:nq], z[nq:]))
        z = keep_largest(sot(x, reg=args.keep_reg), args.keep)
        report(f"BPA keep {args.keep} (reg {args.keep_reg})", torch.cdist(z[:nq], z[nq:]))


if __name__ == "__main__":
    main()
