package org.bpa4j.testing;

import java.util.SplittableRandom;
import org.bpa4j.Tensor;

/** Seeded random inputs for property and agreement tests. */
public final class RandomTensors {
    private RandomTensors() {
    }

    /** Standard-normal values of the given shape, float64. */
    public static Tensor gaussian(long seed, int... shape) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long size = 1;
        for (int s : shape) {
            size *= s;
        }
        double[] v = new double[Math.toIntExact(size)];
        for (int i = 0; i < v.length; i++) {
            v[i] = gaussian(rnd);
        }
        return Tensor.of(v, shape);
    }

    public static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
