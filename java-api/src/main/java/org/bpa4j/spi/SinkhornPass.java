package org.bpa4j.spi;

import org.bpa4j.Tensor;

/** One Sinkhorn solve on a backend. Shapes: (n, m) cost → (n, m) plan; (B, n, m) → (B, n, m). */
public interface SinkhornPass {
    /**
     * The log of the plan.
     *
     * @return logP = u_i + logK_ij + v_j, (n, m) or (B, n, m)
     */
    Tensor logPlan();

    /**
     * The final row duals.
     *
     * @return u: (n) or (B, n)
     */
    Tensor u();

    /**
     * The final column duals.
     *
     * @return v: (m) or (B, m)
     */
    Tensor v();

    /**
     * The iterations run, per set.
     *
     * @return one count per set (1 for an unbatched cost), each 1..the cap
     */
    int[] iterations();

    /**
     * The final row-marginal error ‖P·1 − a‖₁, per set.
     *
     * @return one error ≥ 0 per set
     */
    double[] marginalError();

    /**
     * ∂L/∂C for ∂L/∂logP = {@code gradLogPlan}, through the iterations run (docs/MATH.md §3).
     *
     * @param gradLogPlan ∂L/∂logP, already validated: the shape of the plan, finite
     * @return a new tensor shaped like the cost
     */
    Tensor backward(Tensor gradLogPlan);
}
