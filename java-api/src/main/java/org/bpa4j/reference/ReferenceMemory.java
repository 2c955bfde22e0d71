package org.bpa4j.reference;

import org.bpa4j.Metric;
import org.bpa4j.spi.MemoryNeed;
import org.bpa4j.spi.Workload;

/**
 * What the reference backend keeps and allocates (docs/RELIABILITY.md, "Sizes"): every set's float64 n×n
 * (or n×m) matrices in Java arrays until the result is dropped, and the duals of every iteration.
 */
final class ReferenceMemory {
    private static final double DOUBLE = Double.BYTES;

    private ReferenceMemory() {
    }

    static MemoryNeed of(Workload call) {
        return switch (call) {
            // per set: logK and unscaled Z (and D for euclidean), X, the duals; one cost matrix while a set runs
            case Workload.BpaForward w -> {
                double nn = (double) w.n() * w.n();
                double duals = 2.0 * (w.iterations() + 1.0) * w.n() * DOUBLE;
                int matrices = w.metric() == Metric.EUCLIDEAN ? 3 : 2;
                yield new MemoryNeed(w.sets() * (matrices * nn * DOUBLE + (double) w.n() * w.d() * DOUBLE + duals)
                        + nn * DOUBLE, MemoryNeed.elements(w.n(), w.n()));
            }
            case Workload.BpaBackward w -> new MemoryNeed(3.0 * w.n() * w.n() * DOUBLE
                    + 2.0 * w.n() * w.d() * DOUBLE, MemoryNeed.elements(w.n(), w.n()));
            case Workload.SinkhornForward w -> {
                double nm = (double) w.n() * w.m();
                double duals = (w.iterations() + 1.0) * (w.n() + (double) w.m()) * DOUBLE;
                yield new MemoryNeed(w.sets() * (nm * DOUBLE + duals) + nm * DOUBLE, MemoryNeed.elements(w.n(), w.m()));
            }
            case Workload.SinkhornBackward w -> new MemoryNeed(2.0 * w.n() * w.m() * DOUBLE,
                    MemoryNeed.elements(w.n(), w.m()));
            // Q, the target similarities (distillation), A and ∂loss/∂Q, N×N_t each; the normalised rows
            case Workload.BamForward w -> {
                double copies = w.distill() ? 2 : 1;
                double nt = (double) w.n() * w.targets();
                yield new MemoryNeed((3 + copies) * nt * DOUBLE + 3 * copies * w.n() * (double) w.d() * DOUBLE,
                        MemoryNeed.elements(w.n(), w.targets()));
            }
        };
    }
}
