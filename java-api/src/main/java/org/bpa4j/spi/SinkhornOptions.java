package org.bpa4j.spi;

import org.bpa4j.DType;

/**
 * Log-domain Sinkhorn options (docs/MATH.md §1), already validated by the API.
 *
 * @param reg the entropic regularisation ε, finite and &gt; 0
 * @param iterations the fixed number of iterations, or the cap when a tolerance is set
 * @param tolerance stop once the row-marginal error ‖P·1 − a‖₁ is below it; NaN for a fixed count
 * @param checkEvery how often (in iterations) the tolerance is checked, ≥ 1
 * @param precision element type of the plan, duals and gradient
 */
public record SinkhornOptions(double reg, int iterations, double tolerance, int checkEvery, DType precision) {
    /**
     * Whether the solve stops on a tolerance rather than after a fixed count.
     *
     * @return true when {@link #tolerance()} is not NaN
     */
    public boolean hasTolerance() {
        return !Double.isNaN(tolerance);
    }
}
