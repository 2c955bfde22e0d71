package org.bpa4j.spi;

import org.bpa4j.DType;
import org.bpa4j.Metric;

/**
 * The options of docs/MATH.md §2, already validated by the API.
 *
 * @param metric the cost between feature vectors, cosine or euclidean
 * @param reg the entropic regularisation ε, finite and &gt; 0
 * @param iterations the Sinkhorn iterations T, ≥ 1
 * @param sigmoid Z = σ(logP) instead of exp(logP)
 * @param maskDiagonal C_ii = 1e5 (the masked cost), then Z_ii = 1
 * @param maxScale Z divided by its largest entry (a constant for the gradient)
 * @param precision element type of the output and of the gradient
 */
public record BpaOptions(Metric metric, double reg, int iterations, boolean sigmoid, boolean maskDiagonal,
        boolean maxScale, DType precision) {
}
