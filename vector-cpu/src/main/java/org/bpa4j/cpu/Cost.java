package org.bpa4j.cpu;

/**
 * A cost of docs/MATH.md §2 step 1 that writes logK = −C/ε and takes ∂L/∂logK back to ∂L/∂X (docs/MATH.md §3).
 * In this backend "kernel" means only the Gibbs kernel K = exp(−C/ε); the register-tile routines are
 * micro-kernels, and the cost objects are named for their cost (cosine, euclidean).
 */
interface Cost {
    /** Fills the n×n logK (the diagonal unmasked). */
    void fillLogK(float[] logK, ThreadTeam team);

    /**
     * Fills the n×n K = exp(logK) instead (the diagonal unmasked) when every entry is known to lie in
     * [e^−{@value ScalingSinkhorn#MAX_RANGE}, 1], so that the Sinkhorn can run on scaling vectors without a
     * pass to find the range or to take the exp; returns false, writing nothing, when that is not known.
     */
    boolean fillKernel(float[] k, ThreadTeam team);

    /**
     * ∂L/∂X (n×d) from ∂L/∂logK, which is overwritten. The plan gives logK back where the cost needs it;
     * a masked diagonal passes no gradient.
     */
    float[] backward(float[] gradLogK, BpaPlan plan, boolean maskDiagonal, ThreadTeam team);

    /** Whether {@link #backward} reads logK from the plan (and so the plan must keep its kernel). */
    boolean backwardReadsLogK();
}
