package org.bpa4j.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.bpa4j.Tensor;

/** Tolerance as docs/MATH.md §5 states it: relative to the largest |value| of the expected array. */
public final class Closeness {
    private Closeness() {
    }

    public static void assertClose(Tensor expected, Tensor actual, double relTol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double scale = 0;
        for (long i = 0; i < expected.size(); i++) {
            scale = Math.max(scale, Math.abs(expected.getDouble(i)));
        }
        double bound = relTol * Math.max(scale, Double.MIN_NORMAL);
        double worst = 0;
        long worstAt = -1;
        for (long i = 0; i < expected.size(); i++) {
            double a = actual.getDouble(i);
            double diff = Math.abs(a - expected.getDouble(i));
            if (!(diff <= worst) || Double.isNaN(a)) {
                worst = Double.isNaN(a) ? Double.POSITIVE_INFINITY : diff;
                worstAt = i;
            }
        }
        if (!(worst <= bound)) {
            fail(what + ": largest error " + worst + " at flat index " + worstAt + " (expected "
                    + expected.getDouble(worstAt) + ", got " + actual.getDouble(worstAt) + "), allowed " + bound
                    + " = " + relTol + " × max|expected| " + scale);
        }
    }

    /** Largest |a − b| relative to max|a|. */
    public static double relativeError(Tensor expected, Tensor actual) {
        double scale = 0;
        double worst = 0;
        for (long i = 0; i < expected.size(); i++) {
            scale = Math.max(scale, Math.abs(expected.getDouble(i)));
            worst = Math.max(worst, Math.abs(expected.getDouble(i) - actual.getDouble(i)));
        }
        return worst / Math.max(scale, Double.MIN_NORMAL);
    }
}
