package org.bpa4j.spi;

import org.bpa4j.Tensor;

/** One Sinkhorn solve on a backend. Shapes: (n, m) cost → (n, m) plan; (B, n, m) → (B, n, m). */
public interface SinkhornPass {
    /** logP = u_i + logK_ij + v_j. */
    Tensor logPlan();

    /** Final row duals u: (n) or (B, n). */
    Tensor u();

    /** Final column duals v: (m) or (B, m). */
    Tensor v();

    /** Iterations run, per set. */
    int[] iterations();

    /** Final row-marginal error ‖P·1 − a‖₁, per set. */
    double[] marginalError();

    /** ∂L/∂C for ∂L/∂logP = {@code gradLogPlan} (same shape as the plan, already validated). */
    Tensor backward(Tensor gradLogPlan);
}
