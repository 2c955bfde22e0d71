package org.bpa4j.spi;

import org.bpa4j.DType;
import org.bpa4j.Metric;

/**
 * The options of docs/MATH.md §2, already validated by the API.
 *
 * @param precision element type of the output and of the gradient
 */
public record BpaOptions(Metric metric, double reg, int iterations, boolean sigmoid, boolean maskDiagonal,
        boolean maxScale, DType precision) {
}
