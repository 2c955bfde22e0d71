"""One cold run of the authors' BPA/SOT forward as a script: load X.npy, transform, save Z.npy.

The counterpart of a single `bin/bpa4j transform --input X.npy --output Z.npy`: timed as a whole process
(`import torch` included) with /usr/bin/time or hyperfine, e.g.

    /usr/bin/python3 -c 'import numpy as np; np.save("/tmp/x.npy", np.random.default_rng(0).standard_normal((1000, 128), dtype=np.float32))'
    hyperfine -w 1 -r 5 '/usr/bin/python3 bench/authors_transform.py /tmp/x.npy /tmp/z_torch.npy' \
        'bin/bpa4j transform --input /tmp/x.npy --output /tmp/z_bpa4j.npy'

The transform is bench/authors_sot.py's `sot` (the authors' code as they write it: F.normalize, cost
1 − x̂x̂ᵀ, the diagonal masked, log-domain Sinkhorn with logsumexp, Z divided by its max), in float32 on
--threads threads (default 2), with ε = 0.1 and 10 iterations, bpa4j's defaults.
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from authors_sot import sot  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reg", type=float, default=0.1)
    p.add_argument("--iterations", type=int, default=10)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    x = torch.from_numpy(np.load(args.input)).float()
    with torch.no_grad():
        z = sot(x, reg=args.reg, iterations=args.iterations)
    np.save(args.output, z.numpy())


if __name__ == "__main__":
    main()
