package org.bpa4j.cpu;

/** A cost of SPEC §2 step 1 that writes logK = −C/ε and takes ∂L/∂logK back to ∂L/∂X (SPEC §3). */
interface CostKernel {
    /** Fills the n×n logK (the diagonal unmasked). */
    void fillLogK(float[] logK, ThreadTeam team);

    /**
     * ∂L/∂X (n×d) from ∂L/∂logK, which is overwritten. The plan gives logK back where the cost needs it;
     * a masked diagonal passes no gradient.
     */
    float[] backward(float[] gradLogK, BpaPlan plan, boolean maskDiagonal, ThreadTeam team);
}
