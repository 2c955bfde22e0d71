package org.bpa4j.spark;

import java.io.Serializable;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;

/**
 * The options of one BPA transform (docs/MATH.md §2) in a form that travels to executors as plain values; each
 * task builds its own {@link Bpa} from these (cheap: a builder call), so its device resolves on the executor.
 *
 * @param metric the cost between feature vectors
 * @param reg the entropic regularisation ε (validated by {@link #bpa()})
 * @param iterations the Sinkhorn iterations T (validated by {@link #bpa()})
 * @param sigmoid Z = σ(logP) instead of exp(logP)
 * @param maskDiagonal C_ii = 1e5, then Z_ii = 1
 * @param maxScale Z divided by its largest entry
 * @param device the backend each executor resolves, AUTO included
 * @param precision the output precision, or null for the input's own
 */
record BpaSettings(Metric metric, double reg, int iterations, boolean sigmoid, boolean maskDiagonal,
        boolean maxScale, Device device, DType precision) implements Serializable {

    /** The transform these settings describe; validates them as {@link Bpa.Builder} does. */
    Bpa bpa() {
        return Bpa.builder().metric(metric).reg(reg).iterations(iterations).sigmoid(sigmoid)
                .maskDiagonal(maskDiagonal).maxScale(maxScale).device(device).precision(precision).build();
    }
}
