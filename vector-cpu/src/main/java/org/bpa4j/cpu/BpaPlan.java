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

    /** Row sums (index 0) and column sums (index 1) of an n×n matrix, reproducibly. */
    double[][] rowAndColumnSums(float[] a);

    /** On entry g = ∂L/∂logP with row and column sums gu, gv; on exit g = ∂L/∂logK. */
    void backward(float[] g, double[] gu, double[] gv);

    /** logK_ij = −C_ij/ε (the diagonal as masked), for a cost whose backward needs C. */
    float logK(int index);
}
