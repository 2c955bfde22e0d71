package org.bpa4j.spark;

import java.io.Serializable;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;

/**
 * The options of one BPA transform (docs/MATH.md §2) in a form that travels to executors: {@link Bpa} itself is not
 * serializable, so each task builds its own from these (cheap: a builder call).
 *
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
