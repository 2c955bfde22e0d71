package org.bpa4j.spi;

import org.bpa4j.DType;
import org.bpa4j.Metric;

/**
 * A call, described by its sizes, that a backend is asked to size with {@link Backend#memory} before it
 * runs (docs/RELIABILITY.md, "Sizes"). Every size is already validated (≥ 1).
 */
public sealed interface Workload {
    /** BPA forward on {@code sets} sets of (n, d); {@code keepForBackward} false for inference. */
    record BpaForward(int sets, int n, int d, int iterations, Metric metric, DType out, boolean keepForBackward)
            implements Workload {
    }

    /** BPA backward of {@code sets} sets of (n, d). */
    record BpaBackward(int sets, int n, int d, DType out) implements Workload {
    }

    /** Sinkhorn on {@code sets} costs of n×m with a cap of {@code iterations}. */
    record SinkhornForward(int sets, int n, int m, int iterations, DType out) implements Workload {
    }

    /** Sinkhorn backward of {@code sets} costs of n×m. */
    record SinkhornBackward(int sets, int n, int m, DType out) implements Workload {
    }

    /** The BAM loss of n embeddings of d against {@code targets} targets; {@code distill} with a teacher. */
    record BamForward(int n, int targets, int d, boolean distill, DType out) implements Workload {
    }
}
