package org.bpa4j.cpu;

import org.bpa4j.DType;
import org.bpa4j.spi.MemoryNeed;
import org.bpa4j.spi.Workload;

/**
 * What the SIMD CPU backend keeps and allocates (docs/RELIABILITY.md, "Sizes"): every set's float32 logK
 * until the result is dropped (for inference only the sets being computed, and none for one float32 set,
 * which works in Z itself), the unit or centred rows, the duals, and transient packed panels.
 */
final class CpuMemory {
    private static final double FLOAT = Float.BYTES;
    private static final double DOUBLE = Double.BYTES;

    private CpuMemory() {
    }

    static MemoryNeed of(Workload call, int threads) {
        return switch (call) {
            case Workload.BpaForward w -> {
                double nn = (double) w.n() * w.n();
                double nd = (double) w.n() * w.d();
                double duals = 2.0 * (w.iterations() + 1.0) * w.n() * DOUBLE;
                double perSet = nd * FLOAT + w.n() * DOUBLE + duals;
                double workspace = 3 * nd * FLOAT + 2 * 64.0 * w.n() * FLOAT;
                double bytes;
                if (w.keepForBackward()) {
                    bytes = w.sets() * (nn * FLOAT + perSet) + workspace;
                } else {
                    int active = Math.min(w.sets(), threads);
                    boolean inZ = w.sets() == 1 && w.out() == DType.FLOAT32;
                    bytes = active * ((inZ ? 0 : nn * FLOAT) + perSet) + workspace;
                }
                yield new MemoryNeed(bytes, MemoryNeed.elements(w.n(), w.n()));
            }
            case Workload.BpaBackward w -> new MemoryNeed((double) w.n() * w.n() * FLOAT
                    + 4.0 * w.n() * w.d() * FLOAT, MemoryNeed.elements(w.n(), w.n()));
            case Workload.SinkhornForward w -> {
                double nm = (double) w.n() * w.m();
                double duals = (w.iterations() + 1.0) * (w.n() + (double) w.m()) * DOUBLE;
                yield new MemoryNeed(w.sets() * (nm * FLOAT + duals) + 2 * 64.0 * w.m() * FLOAT
                        + 2.0 * w.m() * DOUBLE, MemoryNeed.elements(w.n(), w.m()));
            }
            case Workload.SinkhornBackward w -> new MemoryNeed((double) w.n() * w.m() * FLOAT,
                    MemoryNeed.elements(w.n(), w.m()));
            // Q, the target similarities (distillation), A, ∂loss/∂Q and its transpose; the normalised rows
            case Workload.BamForward w -> {
                double copies = w.distill() ? 2 : 1;
                double nt = (double) w.n() * w.targets();
                double nd = (double) w.n() * w.d();
                yield new MemoryNeed((4 + copies) * nt * FLOAT + copies * nd * (FLOAT + DOUBLE) + nd * FLOAT,
                        MemoryNeed.elements(w.n(), w.targets()));
            }
        };
    }
}
