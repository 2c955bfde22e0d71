package org.bpa4j.spi;

import org.bpa4j.DType;

/**
 * Log-domain Sinkhorn options (docs/MATH.md §1), already validated by the API.
 *
 * @param iterations the fixed number of iterations, or the cap when a tolerance is set
 * @param tolerance stop once the row-marginal error ‖P·1 − a‖₁ is below it; NaN for a fixed count
 * @param checkEvery how often (in iterations) the tolerance is checked
 */
public record SinkhornOptions(double reg, int iterations, double tolerance, int checkEvery, DType precision) {
    public boolean hasTolerance() {
        return !Double.isNaN(tolerance);
    }
}
