package org.bpa4j.cpu;

/**
 * The Sinkhorn part of one BPA set as the output and backward steps see it: the final plan row by row,
 * and the way back from ∂L/∂logP to ∂L/∂logK. Implemented in the log domain ({@link FusedLogSinkhorn},
 * always applicable) and with scaling vectors ({@link ScalingSinkhorn}, when the kernel's range allows).
 */
interface BpaPlan {
    /** P_ij = exp(logP_ij) of the final duals, row i into dst[0..n). */
    void planRow(int i, float[] dst);

    /** max_ij P_ij, computed with the arithmetic of {@link #planRow}. */
    float maxPlan();

    /** ∂L/∂logP of one set, row by row; called from several threads at once. */
    interface GradientRows {
        /** Row i of ∂L/∂logP into dst[0..n); scratch is another n floats; both have RowKernels.PAD of slack. */
        void row(int i, float[] dst, float[] scratch);
    }

    /** ∂L/∂logK (a new n×n matrix) for ∂L/∂logP given row by row: docs/MATH.md §3 through the iterations. */
    default float[] gradientLogK(GradientRows gradLogP) {
        return gradientLogK(gradLogP, false);
    }

    /**
     * As {@link #gradientLogK(GradientRows)}; with {@code consume}, a plan that can writes ∂L/∂logK over its
     * own n×n kernel and returns that buffer (one n×n matrix fewer at the peak of a backward pass), after
     * which it must not be used again: see {@link #spent()}.
     */
    float[] gradientLogK(GradientRows gradLogP, boolean consume);

    /** Whether a consuming {@link #gradientLogK(GradientRows, boolean)} has overwritten the kernel. */
    default boolean spent() {
        return false;
    }

    /** logK_ij = −C_ij/ε (the diagonal as masked), for a cost whose backward needs C. */
    float logK(int index);
}
