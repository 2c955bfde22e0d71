package org.bpa4j.bam;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.ToDoubleFunction;
import org.bpa4j.Tensor;

/** A gradient against central differences of a scalar function, in every coordinate. */
public final class BamFiniteDifferences {
    private BamFiniteDifferences() {
    }

    /** Central differences of the loss in every coordinate, compared to the analytic gradient. */
    public static void assertMatches(Tensor x, Tensor grad, ToDoubleFunction<Tensor> loss, double step,
            double tol, String what) {
        double scale = 0;
        for (long i = 0; i < grad.size(); i++) {
            scale = Math.max(scale, Math.abs(grad.getDouble(i)));
        }
        assertTrue(scale > 1e-6, what + ": the gradient is (nearly) zero, the check would be empty");
        double worst = 0;
        long worstAt = -1;
        double[] values = x.toDoubleArray();
        int[] shape = x.shape();
        for (int i = 0; i < values.length; i++) {
            double original = values[i];
            values[i] = original + step;
            double up = loss.applyAsDouble(Tensor.of(values.clone(), shape));
            values[i] = original - step;
            double down = loss.applyAsDouble(Tensor.of(values.clone(), shape));
            values[i] = original;
            double numeric = (up - down) / (2 * step);
            double err = Math.abs(numeric - grad.getDouble(i));
            if (err > worst) {
                worst = err;
                worstAt = i;
            }
        }
        assertTrue(worst <= tol * scale, what + ": largest difference " + worst + " at " + worstAt
                + " (max |gradient| " + scale + ")");
    }
}
