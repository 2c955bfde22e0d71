package org.bpa4j.spi;

import org.bpa4j.DType;
import org.bpa4j.Metric;

/**
 * A call, described by its sizes, that a backend is asked to size with {@link Backend#memory} before it
 * runs (docs/RELIABILITY.md, "Sizes"). Every size is already validated (≥ 1).
 */
public sealed interface Workload {
    /**
     * BPA forward on {@code sets} sets of (n, d); {@code keepForBackward} false for inference.
     *
     * @param sets B, the sets of the batch (1 for one set)
     * @param n the rows of each set
     * @param d the features of each row
     * @param iterations the Sinkhorn iterations T
     * @param metric the cost
     * @param out the precision of the output
     * @param keepForBackward whether the call keeps the duals for a backward pass
     */
    record BpaForward(int sets, int n, int d, int iterations, Metric metric, DType out, boolean keepForBackward)
            implements Workload {
    }

    /**
     * BPA backward of {@code sets} sets of (n, d).
     *
     * @param sets B, the sets of the batch
     * @param n the rows of each set
     * @param d the features of each row
     * @param out the precision of the gradient
     */
    record BpaBackward(int sets, int n, int d, DType out) implements Workload {
    }

    /**
     * Sinkhorn on {@code sets} costs of n×m with a cap of {@code iterations}.
     *
     * @param sets B, the costs of the batch
     * @param n the rows of each cost
     * @param m the columns of each cost
     * @param iterations the iterations, or their cap with a tolerance
     * @param out the precision of the plan
     */
    record SinkhornForward(int sets, int n, int m, int iterations, DType out) implements Workload {
    }

    /**
     * Sinkhorn backward of {@code sets} costs of n×m.
     *
     * @param sets B, the costs of the batch
     * @param n the rows of each cost
     * @param m the columns of each cost
     * @param out the precision of the gradient
     */
    record SinkhornBackward(int sets, int n, int m, DType out) implements Workload {
    }

    /**
     * The BAM loss of n embeddings of d against {@code targets} targets; {@code distill} with a teacher.
     *
     * @param n N = V·B, the embeddings
     * @param targets N_t = targetCrops·B, the targets
     * @param d the embedding dimension
     * @param distill whether a teacher's embeddings are given too
     * @param out the precision of the gradients
     */
    record BamForward(int n, int targets, int d, boolean distill, DType out) implements Workload {
    }
}
